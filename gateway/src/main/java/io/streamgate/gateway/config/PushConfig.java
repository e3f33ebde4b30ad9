package io.streamgate.gateway.config;

/**
 * Live push: the WebSocket endpoint {@code /v1/ws}, the SSE endpoint
 * {@code /v1/views/{view}/{key}/events} and the dashboard at {@code /}. See {@code docs/push.md}.
 *
 * @param enabled          false: the push routes answer 404 and no change listener is added
 * @param maxSubscriptions subscriptions one WebSocket may hold at once; one more is refused
 *                         with the error {@code too_many_subscriptions}
 * @param maxKeysPerSubscription keys one subscribe may name
 * @param maxFrameBytes    a client frame larger than this gets the error {@code frame_too_large}
 *                         (the socket stays open); frames above Vert.x's own limit (64 KiB)
 *                         close the socket with 1009
 * @param writeQueueBytes  bytes a socket may have in flight before the gateway stops writing
 *                         to it and starts coalescing its updates by key
 * @param maxPending       distinct rows waiting for a slow socket (after coalescing); one more
 *                         closes it with 4002 {@code slow consumer}
 * @param heartbeatMs      a ping (WebSocket) or comment line (SSE) at this interval; a
 *                         WebSocket that answered nothing for 3 intervals is closed (4003)
 */
public record PushConfig(boolean enabled, int maxSubscriptions, int maxKeysPerSubscription,
    int maxFrameBytes, int writeQueueBytes, int maxPending, int heartbeatMs) {
  public static final boolean DEFAULT_ENABLED = true;
  public static final int DEFAULT_MAX_SUBSCRIPTIONS = 100;
  public static final int DEFAULT_MAX_KEYS_PER_SUBSCRIPTION = 100;
  public static final int DEFAULT_MAX_FRAME_BYTES = 16_384;
  /** Vert.x's default maximum WebSocket frame; larger frames never reach the handler. */
  public static final int MAX_FRAME_BYTES = 65_536;
  /** Small: with 10,000 sockets, 8 KiB each is 80 MiB of heap at worst when all lag. */
  public static final int DEFAULT_WRITE_QUEUE_BYTES = 8_192;
  public static final int DEFAULT_MAX_PENDING = 1_000;
  public static final int DEFAULT_HEARTBEAT_MS = 25_000;

  public PushConfig {
    range("maxSubscriptions", maxSubscriptions, 1, 10_000);
    range("maxKeysPerSubscription", maxKeysPerSubscription, 1, 10_000);
    range("maxFrameBytes", maxFrameBytes, 256, MAX_FRAME_BYTES);
    range("writeQueueBytes", writeQueueBytes, 1_024, 64 * 1024 * 1024);
    range("maxPending", maxPending, 1, 1_000_000);
    range("heartbeatMs", heartbeatMs, 100, 3_600_000);
  }

  public static PushConfig defaults() {
    return new PushConfig(DEFAULT_ENABLED, DEFAULT_MAX_SUBSCRIPTIONS,
        DEFAULT_MAX_KEYS_PER_SUBSCRIPTION, DEFAULT_MAX_FRAME_BYTES, DEFAULT_WRITE_QUEUE_BYTES,
        DEFAULT_MAX_PENDING, DEFAULT_HEARTBEAT_MS);
  }

  private static void range(String field, int value, int min, int max) {
    if (value < min || value > max) {
      throw new ConfigException(field, "must be " + min + "-" + max + ", but was " + value);
    }
  }
}
