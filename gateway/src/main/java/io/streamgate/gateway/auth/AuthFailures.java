package io.streamgate.gateway.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;

/**
 * Failed credential checks per client address (forged tokens on the push routes, wrong API keys
 * everywhere), in fixed windows of
 * {@link #WINDOW_MS}: once an address reaches the maximum, its further attempts are refused
 * without checking the credential until the window ends, so a flood of forged tokens costs no
 * signature checks. Bounded: at most {@link #MAX_ADDRESSES} addresses are remembered (least
 * recently used leave first), each for one window. Thread-safe (Caffeine; each entry
 * synchronized).
 */
public final class AuthFailures {
  public static final long WINDOW_MS = 10_000;
  static final int MAX_ADDRESSES = 100_000;

  private static final class Window {
    long start;
    int failures;
  }

  private final int max;
  private final Cache<String, Window> windows = Caffeine.newBuilder()
      .maximumSize(MAX_ADDRESSES)
      .expireAfterWrite(Duration.ofMillis(WINDOW_MS))
      .executor(Runnable::run)
      .build();

  public AuthFailures(int max) {
    this.max = max;
  }

  /** The most failures an address may have per window. */
  public int max() {
    return max;
  }

  /** Seconds until {@code address} may try again, or 0 if it may now. */
  public long blockedSeconds(String address, long nowMs) {
    Window w = windows.getIfPresent(address);
    if (w == null) {
      return 0;
    }
    synchronized (w) {
      if (nowMs - w.start >= WINDOW_MS || w.failures < max) {
        return 0;
      }
      return Math.max(1, (w.start + WINDOW_MS - nowMs + 999) / 1000);
    }
  }

  public void failed(String address, long nowMs) {
    Window w = windows.get(address, a -> new Window());
    synchronized (w) {
      if (nowMs - w.start >= WINDOW_MS) {
        w.start = nowMs;
        w.failures = 0;
      }
      w.failures++;
    }
  }
}
