package io.streamgate.processor.runner;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Order events for the demo pipeline, and what its views must show for them, computed here
 * independently of Spark. Not thread-safe.
 */
final class OrderEvents {
  /** One event as produced to Kafka (key = orderId, so an order's events keep their order). */
  record Order(String orderId, String userId, String productId, double amount, String status,
      Instant ts) {
    String json() {
      return "{\"orderId\":\"" + orderId + "\",\"userId\":\"" + userId + "\",\"productId\":\""
          + productId + "\",\"amount\":" + amount + ",\"status\":\"" + status + "\",\"ts\":\""
          + ts + "\"}";
    }
  }

  record Totals(long orders, double total) {}

  private static final Instant BASE = Instant.parse("2025-03-01T12:00:00Z");
  private final List<Order> produced = new ArrayList<>();
  private int seq;

  /**
   * {@code orders} new orders, then a "paid" event for the first {@code paid} of them and a
   * "shipped" event for the first {@code shipped}: statuses change several times per key.
   */
  List<Order> wave(String prefix, int orders, int paid, int shipped) {
    List<Order> out = new ArrayList<>();
    for (int i = 0; i < orders; i++) {
      out.add(next(prefix + i, i, "created"));
    }
    for (int i = 0; i < paid; i++) {
      out.add(next(prefix + i, i, "paid"));
    }
    for (int i = 0; i < shipped; i++) {
      out.add(next(prefix + i, i, "shipped"));
    }
    return out;
  }

  /** One new order at event time {@code ts} (to move the watermark). */
  Order createdAt(String orderId, Instant ts) {
    Order o = new Order(orderId, "u0", "p0", 1.25, "created", ts);
    produced.add(o);
    return o;
  }

  /** Created orders per user in the minute starting at {@code BASE}: the windowed test view. */
  Map<String, Long> firstMinuteOrders() {
    Map<String, Long> out = new TreeMap<>();
    for (Order o : created()) {
      if (o.ts().isBefore(BASE.plusSeconds(60))) {
        out.merge(o.userId(), 1L, Long::sum);
      }
    }
    return out;
  }

  static Instant base() {
    return BASE;
  }

  private Order next(String orderId, int i, String status) {
    Order o = new Order(orderId, "u" + (i % 13), "p" + (i % 7), (i * 37 % 100) + 0.25, status,
        BASE.plusMillis(seq++));
    produced.add(o);
    return o;
  }

  /** Each order counts once, by its "created" event, towards its user's orders and total. */
  Map<String, Totals> userTotals() {
    Map<String, Totals> out = new TreeMap<>();
    for (Order o : created()) {
      Totals t = out.getOrDefault(o.userId(), new Totals(0, 0));
      out.put(o.userId(), new Totals(t.orders() + 1, t.total() + o.amount()));
    }
    return out;
  }

  /** Order id → user id of its last event (the demo's orders keep their user). */
  Map<String, String> lastUser() {
    Map<String, String> out = new LinkedHashMap<>();
    for (Order o : produced) {
      out.put(o.orderId(), o.userId());
    }
    return out;
  }

  Map<String, String> lastStatus() {
    Map<String, String> out = new LinkedHashMap<>();
    for (Order o : produced) {
      out.put(o.orderId(), o.status());
    }
    return out;
  }

  Map<String, Double> productRevenue() {
    Map<String, Double> out = new TreeMap<>();
    for (Order o : created()) {
      out.merge(o.productId(), o.amount(), Double::sum);
    }
    return out;
  }

  /** Products by revenue, highest first. */
  List<String> productsByRevenue() {
    return productRevenue().entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
        .map(Map.Entry::getKey)
        .toList();
  }

  /** The "created" events: one per order. */
  List<Order> createdOrders() {
    return created();
  }

  private List<Order> created() {
    return produced.stream().filter(o -> o.status().equals("created")).toList();
  }

  int size() {
    return produced.size();
  }
}
