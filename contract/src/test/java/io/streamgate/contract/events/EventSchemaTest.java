package io.streamgate.contract.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.json.Json;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventSchemaTest {

  private static final EventSchema ORDERS = new EventSchema(List.of(
      new EventField("orderId", FieldType.STRING, true),
      new EventField("amount", FieldType.NUMBER, true),
      new EventField("quantity", FieldType.INT, false),
      new EventField("paid", FieldType.BOOLEAN, false),
      new EventField("ts", FieldType.TIMESTAMP, true),
      new EventField("day", FieldType.DATE, false),
      new EventField("tags", FieldType.JSON, false)));

  private static List<Violation> check(String json) {
    return ORDERS.validate(3, Json.parse(json));
  }

  @Test
  void acceptsAWellFormedEventWithExtraFields() {
    assertEquals(List.of(), check("""
        {"orderId":"o-1","amount":9.5,"quantity":2,"paid":true,"ts":"2026-11-25T10:00:00Z",
         "day":"2026-11-25","tags":["a"],"unknown":{"x":1}}"""));
    assertEquals(List.of(), check("{\"orderId\":\"o\",\"amount\":3,\"ts\":1764064800}"));
    assertEquals(List.of(), check("{\"orderId\":\"o\",\"amount\":3,\"ts\":\"2026-11-25T10:00:00+01:00\"}"));
    assertEquals(List.of(), check("{\"orderId\":\"o\",\"amount\":3,\"ts\":\"2026-11-25T10:00:00\"}"));
  }

  @Test
  void theQuickTimestampCheckTakesOnlyWhatInstantParseTakes() {
    for (String s : List.of("2026-11-25T10:00:00Z", "2024-02-29T23:59:59.5Z",
        "0000-01-01T00:00:00.123456789Z")) {
      assertTrue(FieldType.plainUtc(s), s);
      Instant.parse(s);
    }
    // Left to the parsers (some they take, some not): the answers stay theirs.
    for (String s : List.of("2026-02-29T00:00:00Z", "2026-11-25T24:00:00Z",
        "2026-12-31T23:59:60Z", "2026-11-25t10:00:00z", "2026-11-25T10:00Z",
        "2026-11-25T10:00:00.Z", "2026-11-25T10:00:00.1234567890Z", "2026-13-01T00:00:00Z",
        "2026-11-25T10:00:00+01:00", "+2026-11-25T10:00:00Z", "2026-11-25T1a:00:00Z")) {
      assertFalse(FieldType.plainUtc(s), s);
    }
    assertEquals(List.of("ts"), check("{\"orderId\":\"o\",\"amount\":3,\"ts\":\"2026-02-29T00:00:00Z\"}")
        .stream().map(Violation::field).toList());
    assertEquals(List.of(), check("{\"orderId\":\"o\",\"amount\":3,\"ts\":\"2026-12-31T23:59:60Z\"}"));
    // Random digits in the shape: whatever the quick check takes, Instant.parse takes too.
    java.util.Random random = new java.util.Random(19);
    for (int i = 0; i < 100_000; i++) {
      String s = String.format("%04d-%02d-%02dT%02d:%02d:%02d%sZ", random.nextInt(10_000),
          random.nextInt(14), random.nextInt(33), random.nextInt(26), random.nextInt(62),
          random.nextInt(62), random.nextBoolean() ? "" : "." + random.nextInt(1_000));
      if (FieldType.plainUtc(s)) {
        Instant.parse(s);
      }
    }
  }

  @Test
  void namesEachBadFieldWithItsIndex() {
    List<Violation> problems = check("""
        {"orderId":7,"amount":"9.5","quantity":1.5,"paid":"yes","ts":"yesterday","day":"25/11"}""");
    assertEquals(List.of("orderId", "amount", "quantity", "paid", "ts", "day"),
        problems.stream().map(Violation::field).toList());
    assertTrue(problems.stream().allMatch(v -> v.index() == 3));
    assertEquals("event 3, field amount: expected a number, got the string \"9.5\"",
        problems.get(1).toString());
  }

  @Test
  void requiredFieldsMustBePresentAndNotNull() {
    List<Violation> problems = check("{\"orderId\":null,\"ts\":\"2026-11-25T10:00:00Z\"}");
    assertEquals(List.of(
        new Violation(3, "orderId", "is null but required (NOT NULL)"),
        new Violation(3, "amount", "is missing but required (NOT NULL)")), problems);
    assertEquals(List.of(), check("{\"orderId\":\"o\",\"amount\":1,\"ts\":1,\"quantity\":null}"));
  }

  @Test
  void integersAreRangeChecked() {
    assertEquals("expected a 32-bit integer, got 3000000000 (out of range)",
        check("{\"orderId\":\"o\",\"amount\":1,\"ts\":1,\"quantity\":3000000000}").get(0).reason());
  }

  @Test
  void anEventMustBeAnObject() {
    assertEquals(List.of(new Violation(3, null, "an event must be a JSON object, got an array")),
        check("[1,2]"));
  }

  @Test
  void sparkTypesMapToFieldTypes() {
    assertEquals(FieldType.STRING, FieldType.fromSparkType("STRING"));
    assertEquals(FieldType.LONG, FieldType.fromSparkType("bigint"));
    assertEquals(FieldType.INT, FieldType.fromSparkType("int"));
    assertEquals(FieldType.NUMBER, FieldType.fromSparkType("decimal(10,2)"));
    assertEquals(FieldType.TIMESTAMP, FieldType.fromSparkType("timestamp"));
    assertEquals(FieldType.JSON, FieldType.fromSparkType("array<string>"));
    assertEquals(FieldType.JSON, FieldType.fromSparkType("struct<a:int>"));
  }

  @Test
  void streamEntriesRoundTripThroughJson() {
    StreamEntry orders = new StreamEntry("orders", "orders", ORDERS, "orderId", "ts", 42);
    assertEquals(orders, StreamEntry.fromJson(orders.toJson()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new StreamEntry("orders", "orders", ORDERS, "userId", null, 0));
    assertEquals("stream orders: key field 'userId' is not in the schema", e.getMessage());
    assertEquals(List.of(), orders.tenantFields());
    assertFalse(orders.toJson().contains("tenantFields"), "absent when empty: " + orders.toJson());
  }

  @Test
  void tenantFieldsRoundTripAndMustBeInTheSchema() {
    StreamEntry orders = new StreamEntry("orders", "orders", ORDERS, "orderId", "ts", 42,
        List.of("tags"));
    assertEquals(orders, StreamEntry.fromJson(orders.toJson()));
    assertTrue(orders.toJson().contains("\"tenantFields\":[\"tags\"]"), orders.toJson());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new StreamEntry("orders", "orders", ORDERS, "orderId", null, 0, List.of("nope")));
    assertEquals("stream orders: tenant field 'nope' is not in the schema", e.getMessage());
  }
}
