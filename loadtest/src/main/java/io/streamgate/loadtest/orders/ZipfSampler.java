package io.streamgate.loadtest.orders;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Picks an index in {@code [0, n)} with probability proportional to {@code 1 / (rank+1)^exponent},
 * so a few users and products are hot and most are cold, as in real traffic. Exponent 0 is
 * uniform. Immutable and thread-safe; the caller's {@link RandomGenerator} decides the thread
 * rules for {@link #sample}.
 */
public final class ZipfSampler {
  private final double[] cumulative;

  public ZipfSampler(int n, double exponent) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be at least 1, but was " + n);
    }
    if (exponent < 0 || Double.isNaN(exponent)) {
      throw new IllegalArgumentException("exponent must be >= 0, but was " + exponent);
    }
    cumulative = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += 1.0 / Math.pow(i + 1, exponent);
      cumulative[i] = sum;
    }
    for (int i = 0; i < n; i++) {
      cumulative[i] /= sum;
    }
    cumulative[n - 1] = 1.0; // guard against rounding leaving the last bucket short
  }

  public int size() {
    return cumulative.length;
  }

  /** Probability of index {@code i}. */
  public double probability(int i) {
    return i == 0 ? cumulative[0] : cumulative[i] - cumulative[i - 1];
  }

  public int sample(RandomGenerator random) {
    int found = Arrays.binarySearch(cumulative, random.nextDouble());
    // binarySearch returns (-(insertion point) - 1) for a value between two bounds.
    return found >= 0 ? found : -found - 1;
  }
}
