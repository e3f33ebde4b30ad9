package io.streamgate.gateway.limit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Long-lived connections (push WebSocket and SSE, GraphQL subscription sockets) per token
 * subject on this gateway, so one principal cannot hold an unbounded number of sockets. One
 * instance per gateway, shared by every feature that keeps sockets open: the bound
 * ({@code push.maxSocketsPerPrincipal}) is per principal, not per feature. Entries leave when
 * their count drops to zero. Thread-safe.
 */
public final class SocketsPerPrincipal {
  private final int max;
  private final Map<String, Integer> open = new ConcurrentHashMap<>();

  public SocketsPerPrincipal(int max) {
    this.max = max;
  }

  public int max() {
    return max;
  }

  /** Counts one more connection of {@code subject}, or answers false if it holds the maximum. */
  public boolean tryOpen(String subject) {
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

  /** One connection of {@code subject} ended (call once per successful {@link #tryOpen}). */
  public void closed(String subject) {
    open.computeIfPresent(subject, (s, n) -> n <= 1 ? null : n - 1);
  }

  public int count(String subject) {
    return open.getOrDefault(subject, 0);
  }
}
