package io.streamgate.gateway.push.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Push connections (WebSocket and SSE) per token subject on this gateway, so one principal
 * cannot hold an unbounded number of sockets. Entries leave when their count drops to zero.
 * Thread-safe.
 */
final class PrincipalSockets {
  private final int max;
  private final Map<String, Integer> open = new ConcurrentHashMap<>();

  PrincipalSockets(int max) {
    this.max = max;
  }

  int max() {
    return max;
  }

  /** Counts one more connection of {@code subject}, or answers false if it holds the maximum. */
  boolean tryOpen(String subject) {
    boolean[] opened = {false};
    open.compute(subject, (s, n) -> {
      int count = n == null ? 0 : n;
      if (count >= max) {
        return n;
      }
      opened[0] = true;
      return count + 1;
    });
    return opened[0];
  }

  void closed(String subject) {
    open.computeIfPresent(subject, (s, n) -> n <= 1 ? null : n - 1);
  }

  int count(String subject) {
    return open.getOrDefault(subject, 0);
  }
}
