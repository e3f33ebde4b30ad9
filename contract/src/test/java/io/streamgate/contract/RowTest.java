package io.streamgate.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.json.Json;
import io.streamgate.contract.json.JsonException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RowTest {

  @Test
  void jsonFormHasFixedFieldOrderAndRawValue() {
    Row row = new Row("user_totals", "u\"1", 42, 1_700_000_000_000L, "{\"orders\":3,\"total\":12.5}");
    assertEquals(
        "{\"view\":\"user_totals\",\"key\":\"u\\\"1\",\"version\":42,\"updatedAt\":1700000000000,"
            + "\"value\":{\"orders\":3,\"total\":12.5}}",
        row.toJson());
  }

  @Test
  void roundTripsThroughJsonKeepingValueTextExactly() {
    String value = "{ \"nested\" : {\"a\": [1, 2, {\"b\": \"}\"}]}, \"s\": \"x\\u00e9\" }";
    Row row = new Row("v", "k:1/é", 7, 5, value);
    Row back = Row.fromJson(row.toJson());
    assertEquals(row, back);
    assertEquals(value, back.valueJson());
  }

  @Test
  void fromJsonIgnoresUnknownFieldsAndAcceptsAnyOrder() {
    Row row = Row.fromJson(
        "{\"value\":{\"x\":1},\"extra\":[true,null],\"version\":3,\"key\":\"k\",\"view\":\"v\"}");
    assertEquals(new Row("v", "k", 3, 0, "{\"x\":1}"), row);
  }

  @Test
  void fromJsonNamesWhatIsMissing() {
    JsonException e = assertThrows(JsonException.class,
        () -> Row.fromJson("{\"view\":\"v\",\"key\":\"k\",\"value\":{}}"));
    assertTrue(e.getMessage().contains("needs view, key, version and value"), e.getMessage());
  }

  @Test
  void rejectsVersionsOutsideTheExactLuaRange() {
    assertThrows(IllegalArgumentException.class, () -> new Row("v", "k", 0, 0, "{}"));
    assertThrows(IllegalArgumentException.class, () -> new Row("v", "k", Row.MAX_VERSION + 1, 0, "{}"));
    assertEquals(Row.MAX_VERSION, new Row("v", "k", Row.MAX_VERSION, 0, "{}").version());
  }

  @Test
  void rejectsValuesThatAreNotObjects() {
    assertThrows(IllegalArgumentException.class, () -> new Row("v", "k", 1, 0, "[1]"));
    assertThrows(IllegalArgumentException.class, () -> new Row("v", "k", 1, 0, ""));
  }

  @Test
  void jsonHeadPlusValuePlusBraceIsTheRowJson() {
    Row row = new Row("order_status", "o-1", 9, 123, "{\"status\":\"paid\"}");
    String message = Row.jsonHead(row.view(), row.key(), row.version(), row.updatedAt())
        + row.valueJson() + "}";
    assertEquals(row.toJson(), message);
    Map<String, Object> parsed = Json.parseObject(message);
    assertEquals(9L, parsed.get("version"));
  }
}
