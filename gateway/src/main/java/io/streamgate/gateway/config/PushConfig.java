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
 * @param messageBudget    key reads per minute one WebSocket may ask for (a subscribe of n
 *                         keys costs n, any other message 1); over it a message is answered
 *                         with the error {@code rate_limited}, and the socket is closed (4429)
 *                         after {@link #MAX_REFUSED_MESSAGES} such answers in a row; 0: the
 *                         requests per minute of the principal's rate-limit plan
 * @param maxSocketsPerPrincipal WebSocket and SSE connections one token subject may hold on one
 *                         gateway; one more is refused with 429
 * @param maxQueuedReads   snapshot reads waiting per event loop (beyond those in flight); a
 *                         subscribe finding the queue full is answered {@code overloaded}
 * @param maxAuthFailuresPerAddress failed token checks per client address in 10 s on the push
 *                         routes; more are answered 429 without checking the token
 */
public record PushConfig(boolean enabled, int maxSubscriptions, int maxKeysPerSubscription,
    int maxFrameBytes, int writeQueueBytes, int maxPending, int heartbeatMs, int messageBudget,
    int maxSocketsPerPrincipal, int maxQueuedReads, int maxAuthFailuresPerAddress) {
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
  /** 0: each connection's budget is its principal's plan, per minute. */
  public static final int DEFAULT_MESSAGE_BUDGET = 0;
  /** Refused messages in a row after which the socket is closed (4429). */
  public static final int MAX_REFUSED_MESSAGES = 10;
  public static final int DEFAULT_MAX_SOCKETS_PER_PRINCIPAL = 50;
  public static final int DEFAULT_MAX_QUEUED_READS = 1_024;
  public static final int DEFAULT_MAX_AUTH_FAILURES_PER_ADDRESS = 10;
  /**
   * A message (all its fragments) above this closes the socket with 1009 after an error; between
   * {@code maxFrameBytes} and this it gets the error {@code frame_too_large} and the socket stays.
   */
  public static final int MAX_MESSAGE_BYTES = 262_144;

  public PushConfig {
    range("maxSubscriptions", maxSubscriptions, 1, 10_000);
    range("maxKeysPerSubscription", maxKeysPerSubscription, 1, 10_000);
    range("maxFrameBytes", maxFrameBytes, 256, MAX_FRAME_BYTES);
    range("writeQueueBytes", writeQueueBytes, 1_024, 64 * 1024 * 1024);
    range("maxPending", maxPending, 1, 1_000_000);
    range("heartbeatMs", heartbeatMs, 100, 3_600_000);
    range("messageBudget", messageBudget, 0, 100_000_000);
    range("maxSocketsPerPrincipal", maxSocketsPerPrincipal, 1, 1_000_000);
    range("maxQueuedReads", maxQueuedReads, 1, 1_000_000);
    range("maxAuthFailuresPerAddress", maxAuthFailuresPerAddress, 1, 1_000_000);
  }

  /** The push limits (budget, sockets, queued reads, failed auths) at their defaults. */
  public PushConfig(boolean enabled, int maxSubscriptions, int maxKeysPerSubscription,
      int maxFrameBytes, int writeQueueBytes, int maxPending, int heartbeatMs) {
    this(enabled, maxSubscriptions, maxKeysPerSubscription, maxFrameBytes, writeQueueBytes,
        maxPending, heartbeatMs, DEFAULT_MESSAGE_BUDGET, DEFAULT_MAX_SOCKETS_PER_PRINCIPAL,
        DEFAULT_MAX_QUEUED_READS, DEFAULT_MAX_AUTH_FAILURES_PER_ADDRESS);
  }

  public static PushConfig defaults() {
    return new PushConfig(DEFAULT_ENABLED, DEFAULT_MAX_SUBSCRIPTIONS,
        DEFAULT_MAX_KEYS_PER_SUBSCRIPTION, DEFAULT_MAX_FRAME_BYTES, DEFAULT_WRITE_QUEUE_BYTES,
        DEFAULT_MAX_PENDING, DEFAULT_HEARTBEAT_MS);
  }

  /** The same settings with other push limits. */
  public PushConfig withLimits(int newMessageBudget, int newMaxSocketsPerPrincipal,
      int newMaxQueuedReads, int newMaxAuthFailuresPerAddress) {
    return new PushConfig(enabled, maxSubscriptions, maxKeysPerSubscription, maxFrameBytes,
        writeQueueBytes, maxPending, heartbeatMs, newMessageBudget, newMaxSocketsPerPrincipal,
        newMaxQueuedReads, newMaxAuthFailuresPerAddress);
  }

  private static void range(String field, int value, int min, int max) {
    if (value < min || value > max) {
      throw new ConfigException(field, "must be " + min + "-" + max + ", but was " + value);
    }
  }
}
