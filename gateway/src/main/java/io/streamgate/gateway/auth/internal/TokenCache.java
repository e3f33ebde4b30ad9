package io.streamgate.gateway.auth.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.streamgate.gateway.auth.Principal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tokens that passed every check, so a hot token is verified once: SHA-256 of the token →
 * the {@link Principal} and its {@code exp}. Keyed by the digest, not the token, so the cache
 * holds no credentials and 32 bytes per entry. Bounded by entry count; an entry leaves the cache
 * when the token expires (its {@code exp} plus the leeway, on the injected clock), and a hit is
 * checked against that deadline again, so an expired token is never served from here even before
 * Caffeine evicts it. Only successes are stored: a refused token costs a full verification each
 * time (it would otherwise let an attacker fill the cache).
 *
 * <p>In front of it, each thread remembers the last {@value #RECENT} tokens it found here, by
 * their last characters: a keep-alive client sends the same token with every request, and
 * hashing it was ~5 % of a point read's CPU, where comparing it with the remembered one is a
 * string comparison. These are credentials, held as long as the request buffers Netty reuses
 * hold them anyway; every hit is checked against {@code exp} and against {@link #dropKeys}
 * since it was remembered.
 *
 * <p>Thread-safe (Caffeine); maintenance runs on the calling thread, never blocks.
 */
final class TokenCache {
  /** Default bound: a few MB at most, far more distinct live tokens than one gateway sees. */
  static final int DEFAULT_MAX_ENTRIES = 50_000;
  /** Caffeine's durations are nanoseconds in a long; ~100 years is plenty. */
  private static final long MAX_SECONDS = TimeUnit.DAYS.toSeconds(36_500);

  /**
   * One per thread (event loops): the digest and the buffers a hit is hashed in, reused, so a
   * hit makes no garbage (looking the algorithm up per request, and a token's bytes, digest and
   * key per request, showed in profiles).
   */
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private static final class Scratch {
    final MessageDigest sha256;
    final byte[] digest = new byte[32];
    final ByteBuffer key = ByteBuffer.wrap(digest);
    byte[] text = new byte[1024];

    Scratch() {
      try {
        sha256 = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JVM has SHA-256", e);
      }
    }

    /** SHA-256 of the token's UTF-8 bytes into {@link #digest}. */
    ByteBuffer hash(String token) {
      int n = token.length();
      if (text.length < n) {
        text = new byte[Math.max(n, 2 * text.length)];
      }
      for (int i = 0; i < n; i++) {
        char c = token.charAt(i);
        if (c >= 0x80) { // not a JWT (they are ASCII): hash its UTF-8 all the same
          sha256.update(token.getBytes(StandardCharsets.UTF_8));
          return finish();
        }
        text[i] = (byte) c;
      }
      sha256.update(text, 0, n);
      return finish();
    }

    private ByteBuffer finish() {
      try {
        sha256.digest(digest, 0, digest.length);
      } catch (java.security.DigestException e) {
        throw new IllegalStateException("SHA-256 is 32 bytes", e);
      }
      return key.clear();
    }
  }

  private record Entry(Principal principal, long expiresAtSecond) {}

  /** Tokens remembered per thread; a power of two. */
  static final int RECENT = 16;

  /** A token found in the cache while {@link #generation} was {@code generation}. */
  private record Recent(String token, Entry entry, long generation) {}

  private final Cache<ByteBuffer, Entry> entries;
  private final ThreadLocal<Recent[]> recent = ThreadLocal.withInitial(() -> new Recent[RECENT]);
  /** Counts {@link #dropKeys} calls: a token remembered before one may have been dropped. */
  private final AtomicLong generation = new AtomicLong();
  private final Clock clock;
  private final long leewaySeconds;

  TokenCache(int maxEntries, long leewaySeconds, Clock clock) {
    this.clock = clock;
    this.leewaySeconds = leewaySeconds;
    this.entries = Caffeine.newBuilder()
        .maximumSize(maxEntries)
        .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
        .expireAfter(new Expiry<ByteBuffer, Entry>() {
          @Override
          public long expireAfterCreate(ByteBuffer key, Entry entry, long currentTime) {
            return nanosUntilRefused(entry);
          }

          @Override
          public long expireAfterUpdate(ByteBuffer key, Entry entry, long currentTime,
              long currentDuration) {
            return nanosUntilRefused(entry);
          }

          @Override
          public long expireAfterRead(ByteBuffer key, Entry entry, long currentTime,
              long currentDuration) {
            return currentDuration;
          }
        })
        .executor(Runnable::run)
        .build();
  }

  /** The cached principal of a token that is still within its {@code exp}, or null. */
  Principal get(String token) {
    Recent[] slots = recent.get();
    int slot = slot(token);
    Recent last = slots[slot];
    long seen = generation.get(); // read first: a drop from here on makes this memory stale
    if (last != null && last.generation() == seen && token.equals(last.token())
        && valid(last.entry())) {
      return last.entry().principal();
    }
    Entry entry = entry(SCRATCH.get().hash(token));
    slots[slot] = entry == null ? null : new Recent(token, entry, seen);
    return entry == null ? null : entry.principal();
  }

  /** The entry of a token by its {@link #digest}, if it is still within its {@code exp}. */
  private Entry entry(ByteBuffer digest) {
    Entry entry = entries.getIfPresent(digest);
    if (entry == null) {
      return null;
    }
    if (!valid(entry)) {
      entries.invalidate(digest);
      return null;
    }
    return entry;
  }

  /** A token's slot among the remembered ones: its last characters are the signature's. */
  private static int slot(String token) {
    int n = token.length();
    return n == 0 ? 0
        : (31 * token.charAt(n - 1) + token.charAt(Math.max(0, n - 2))) & (RECENT - 1);
  }

  void put(ByteBuffer digest, Principal principal, long expiresAtSecond) {
    Entry entry = new Entry(principal, expiresAtSecond);
    if (valid(entry)) {
      entries.put(digest, entry);
    }
  }

  /** Drops every token verified by one of these keys ({@link Principal#keyId}). */
  void dropKeys(Set<String> keyIds) {
    entries.asMap().values().removeIf(e -> keyIds.contains(e.principal().keyId()));
    generation.incrementAndGet(); // after the removal: a lookup racing it remembers the old one
  }

  long size() {
    entries.cleanUp();
    return entries.estimatedSize();
  }

  /** SHA-256 of the token's UTF-8 bytes, in a buffer of its own (to keep, e.g. to put). */
  static ByteBuffer digest(String token) {
    ByteBuffer scratch = SCRATCH.get().hash(token);
    byte[] copy = new byte[scratch.remaining()];
    scratch.get(copy);
    return ByteBuffer.wrap(copy).asReadOnlyBuffer();
  }

  /** Same rule as {@link ClaimsCheck}: refused once {@code now - leeway >= exp}. */
  private boolean valid(Entry entry) {
    // Seconds from millis: clock.instant() allocated and asked the OS for the time, per hit.
    return Math.floorDiv(clock.millis(), 1000) - leewaySeconds < entry.expiresAtSecond();
  }

  private long nanosUntilRefused(Entry entry) {
    // Saturating: a far-future exp must not overflow into "already expired".
    // Only valid entries get here, so exp > now - leeway and the subtraction is positive.
    long now = clock.millis() / 1000;
    long seconds = entry.expiresAtSecond() > now + MAX_SECONDS ? MAX_SECONDS
        : Math.max(0, entry.expiresAtSecond() + leewaySeconds - now);
    return TimeUnit.SECONDS.toNanos(seconds);
  }
}
