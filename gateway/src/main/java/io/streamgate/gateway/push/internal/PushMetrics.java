package io.streamgate.gateway.push.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Push meters, labelled by {@code transport} ({@code ws}, {@code sse}):
 * <ul>
 *   <li>{@value #CONNECTIONS}, {@value #SUBSCRIPTIONS} (gauges): open now;
 *   <li>{@value #SENT} (counter): messages written, by {@code type} (snapshot, update, control);
 *   <li>{@value #COALESCED} (counter): updates merged into a waiting one for a slow client;
 *   <li>{@value #DROPPED} (counter): connections the gateway closed, by {@code reason}
 *       ({@code slow_consumer}, {@code no_pong}, {@code token_expired}, {@code rate_limited},
 *       {@code message_too_big}, {@code key_revoked});
 *   <li>{@value #LATENCY} (timer, histogram): change written to Redis (the row's
 *       {@code updatedAt}) → update message written to the socket.
 * </ul>
 * Thread-safe.
 */
public final class PushMetrics {
  public static final String CONNECTIONS = "streamgate.push.connections";
  public static final String SUBSCRIPTIONS = "streamgate.push.subscriptions";
  public static final String SENT = "streamgate.push.messages.sent";
  public static final String COALESCED = "streamgate.push.coalesced";
  public static final String DROPPED = "streamgate.push.dropped.connections";
  public static final String LATENCY = "streamgate.push.latency";

  private final MeterRegistry registry;
  private final Map<String, AtomicLong> connections = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> subscriptions = new ConcurrentHashMap<>();
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Timer latency;

  public PushMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (String transport : new String[] {"ws", "sse"}) {
      connections.put(transport, gauge(CONNECTIONS, transport, "push connections open"));
      subscriptions.put(transport, gauge(SUBSCRIPTIONS, transport, "push subscriptions open"));
    }
    this.latency = Timer.builder(LATENCY)
        .description("row written to Redis (updatedAt) to update message written to a client")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry);
  }

  private AtomicLong gauge(String name, String transport, String description) {
    AtomicLong value = new AtomicLong();
    Gauge.builder(name, value, AtomicLong::get).tag("transport", transport)
        .description(description).register(registry);
    return value;
  }

  void connections(String transport, int delta) {
    connections.get(transport).addAndGet(delta);
  }

  void subscriptions(String transport, int delta) {
    subscriptions.get(transport).addAndGet(delta);
  }

  Counter sentCounter(String transport, String type) {
    return counter(SENT, transport, "type", type, "push messages written");
  }

  Counter coalescedCounter(String transport) {
    return counter(COALESCED, transport, null, null,
        "updates merged into a waiting one for a slow client");
  }

  void dropped(String transport, String reason) {
    counter(DROPPED, transport, "reason", reason, "push connections closed by the gateway")
        .increment();
  }

  void latency(long millis) {
    latency.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
  }

  public long connections(String transport) {
    return connections.get(transport).get();
  }

  private Counter counter(String name, String transport, String tag, String value,
      String description) {
    return counters.computeIfAbsent(name + ' ' + transport + ' ' + value, k -> {
      Counter.Builder builder = Counter.builder(name).tag("transport", transport)
          .description(description);
      if (tag != null) {
        builder.tag(tag, value);
      }
      return builder.register(registry);
    });
  }
}
