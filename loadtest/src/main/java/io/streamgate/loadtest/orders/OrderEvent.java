package io.streamgate.loadtest.orders;

import io.streamgate.contract.json.Json;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One event of the {@code orders} stream: an order as it is at {@code ts}. Every status change of
 * an order is a new event with the same {@code orderId}, so the record key is the order id.
 *
 * @param amount always two decimals, e.g. {@code 12.50}
 */
public record OrderEvent(
    String orderId, String userId, String productId, BigDecimal amount, OrderStatus status, Instant ts) {

  /** ISO-8601 UTC with milliseconds, e.g. {@code 2025-01-31T09:15:02.120Z}; Spark parses it as a TIMESTAMP. */
  private static final DateTimeFormatter TS_FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSX").withZone(ZoneOffset.UTC);

  public OrderEvent {
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(productId, "productId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(ts, "ts");
    if (amount.scale() != 2) {
      throw new IllegalArgumentException("amount must have two decimals, but was " + amount);
    }
  }

  /** This event with a new status at a later time; amount, user and product stay. */
  public OrderEvent withStatus(OrderStatus newStatus, Instant at) {
    return new OrderEvent(orderId, userId, productId, amount, newStatus, at);
  }

  /** The event as one line of compact JSON, fields in the documented order. */
  public String toJson() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("orderId", orderId);
    fields.put("userId", userId);
    fields.put("productId", productId);
    fields.put("amount", amount);
    fields.put("status", status.wireName());
    fields.put("ts", TS_FORMAT.format(ts));
    return Json.write(fields);
  }
}
