package io.streamgate.loadtest.bench.scenario;

import io.streamgate.loadtest.orders.OrderEvent;
import io.streamgate.loadtest.orders.OrderStatus;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Order events ({@code status created}) for ingest and freshness, shaped like the demo's
 * generator so the demo pipeline accepts them. Ids start with {@code bench-<run>-} so they are
 * easy to tell apart in the views. Thread-safe.
 */
final class BenchEvents {
  private final String run =
      Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36, 36L * 36 * 36 * 36 * 36), 36);
  private final AtomicLong sequence = new AtomicLong();

  /** A fresh order id. */
  String nextOrderId() {
    return "bench-" + run + "-" + sequence.incrementAndGet();
  }

  /** One created-order event as JSON, by one of 100 bench users. */
  String event(String orderId) {
    return event(orderId, "bench-user-" + ThreadLocalRandom.current().nextInt(100));
  }

  /** One created-order event of {@code userId} as JSON. */
  String event(String orderId, String userId) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    BigDecimal amount = BigDecimal.valueOf(random.nextInt(100, 100_000), 2);
    return new OrderEvent(orderId, userId, "bench-sku-" + random.nextInt(20), amount,
        OrderStatus.CREATED, Instant.now()).toJson();
  }

  /** The user of freshness slot {@code orderId}: its own, so its aggregate row changes with each event. */
  static String userOf(String orderId) {
    return orderId.replaceFirst("^bench-", "bench-user-");
  }

  /** {@code n} events: one JSON object for n == 1, else a JSON array. */
  String body(int n) {
    if (n == 1) {
      return event(nextOrderId());
    }
    StringBuilder out = new StringBuilder(n * 140).append('[');
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(event(nextOrderId()));
    }
    return out.append(']').toString();
  }
}
