package io.streamgate.loadtest.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.streamgate.contract.json.Json;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OrderEventTest {
  @Test
  void writesTheDocumentedJsonWithTwoDecimalsAndUtcMillis() {
    OrderEvent event = new OrderEvent("o-a-1", "user-001", "sku-0002", new BigDecimal("12.50"),
        OrderStatus.PAID, Instant.parse("2025-03-01T10:00:00.120456Z"));
    assertEquals("{\"orderId\":\"o-a-1\",\"userId\":\"user-001\",\"productId\":\"sku-0002\",\"amount\":12.50,"
        + "\"status\":\"paid\",\"ts\":\"2025-03-01T10:00:00.120Z\"}", event.toJson());
  }

  @Test
  void jsonRoundTripsThroughAParser() {
    OrderEvent event = new OrderEvent("o-\"quoted\"", "u", "p", new BigDecimal("0.05"), OrderStatus.CREATED,
        Instant.parse("2025-03-01T23:59:59Z"));
    Map<String, Object> parsed = Json.parseObject(event.toJson());
    assertEquals("o-\"quoted\"", parsed.get("orderId"));
    assertEquals(0.05, parsed.get("amount"));
    assertEquals("2025-03-01T23:59:59.000Z", parsed.get("ts"));
  }

  @Test
  void refusesAmountsWithoutTwoDecimals() {
    assertThrows(IllegalArgumentException.class, () -> new OrderEvent("o", "u", "p", new BigDecimal("1.5"),
        OrderStatus.CREATED, Instant.EPOCH));
  }

  @Test
  void statusesChainAndEndAtShipped() {
    assertEquals(OrderStatus.PAID, OrderStatus.CREATED.next().orElseThrow());
    assertEquals(OrderStatus.SHIPPED, OrderStatus.PAID.next().orElseThrow());
    assertEquals(true, OrderStatus.SHIPPED.next().isEmpty());
    assertEquals("shipped", OrderStatus.SHIPPED.wireName());
  }
}
