package io.streamgate.loadtest.bench.keys;

import io.streamgate.loadtest.orders.ZipfSampler;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Picks keys {@code <prefix>0 .. <prefix><n-1>} (the {@code seed} command's naming), uniformly or
 * Zipf-distributed (key 0 hottest). Immutable; {@link #next()} is thread-safe.
 */
public final class KeyChooser {
  /** How keys are drawn. */
  public enum Distribution { UNIFORM, ZIPF }

  private final String[] keys;
  private final Distribution distribution;
  private final ZipfSampler zipf;

  public KeyChooser(String prefix, int count, Distribution distribution, double zipfExponent) {
    if (count < 1) {
      throw new IllegalArgumentException("--keys must be at least 1, but was " + count);
    }
    if (distribution == Distribution.ZIPF && !(zipfExponent > 0)) {
      throw new IllegalArgumentException("--zipf-exponent must be > 0, but was " + zipfExponent);
    }
    this.keys = new String[count];
    for (int i = 0; i < count; i++) {
      keys[i] = prefix + i;
    }
    this.distribution = distribution;
    this.zipf = distribution == Distribution.ZIPF ? new ZipfSampler(count, zipfExponent) : null;
  }

  public String next() {
    return next(ThreadLocalRandom.current());
  }

  public String next(RandomGenerator random) {
    return keys[index(random)];
  }

  int index(RandomGenerator random) {
    return zipf == null ? random.nextInt(keys.length) : zipf.sample(random);
  }

  public int size() {
    return keys.length;
  }

  public String key(int i) {
    return keys[i];
  }

  /** {@code n} distinct keys in one comma-separated string, for a multi-get. */
  public String distinct(int n, RandomGenerator random) {
    if (n >= keys.length) {
      return String.join(",", keys);
    }
    java.util.Set<Integer> picked = new java.util.LinkedHashSet<>();
    while (picked.size() < n) {
      picked.add(index(random));
    }
    StringBuilder out = new StringBuilder();
    for (int i : picked) {
      if (out.length() > 0) {
        out.append(',');
      }
      out.append(keys[i]);
    }
    return out.toString();
  }

  public String describe() {
    return String.format(Locale.ROOT, "%d keys, %s", keys.length, distribution.name().toLowerCase(Locale.ROOT));
  }
}
