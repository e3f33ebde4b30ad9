package io.streamgate.gateway.push.internal;

/**
 * One WebSocket's budget of key reads: a token bucket that holds a minute's worth and refills
 * at that rate. A subscribe costs the number of keys it names (it reads each), any other message
 * 1. Only touched on the connection's event loop.
 */
final class MessageBudget {
  private final long perMinute;
  private double tokens;
  private long lastMs;

  MessageBudget(long perMinute, long nowMs) {
    this.perMinute = Math.max(1, perMinute);
    this.tokens = this.perMinute;
    this.lastMs = nowMs;
  }

  long perMinute() {
    return perMinute;
  }

  /** Takes {@code cost} if available; otherwise takes nothing and answers false. */
  boolean tryTake(int cost, long nowMs) {
    refill(nowMs);
    if (tokens >= cost) {
      tokens -= cost;
      return true;
    }
    return false;
  }

  /** Seconds until {@code cost} is available (at least 1; costs above the budget never are). */
  long secondsUntil(int cost, long nowMs) {
    refill(nowMs);
    double missing = Math.min(cost, perMinute) - tokens;
    return Math.max(1, (long) Math.ceil(missing * 60.0 / perMinute));
  }

  private void refill(long nowMs) {
    if (nowMs > lastMs) {
      tokens = Math.min(perMinute, tokens + (nowMs - lastMs) * perMinute / 60_000.0);
      lastMs = nowMs;
    }
  }
}
