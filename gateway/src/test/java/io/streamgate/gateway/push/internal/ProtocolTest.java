package io.streamgate.gateway.push.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.streamgate.contract.Row;
import io.streamgate.contract.Tombstone;
import io.streamgate.contract.json.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProtocolTest {

  @Test
  void parsesASubscribeWithKeysAndVersions() {
    Protocol.Subscribe s = (Protocol.Subscribe) Protocol.parse("{\"op\":\"subscribe\",\"id\":\"s1\","
        + "\"view\":\"order_status\",\"keys\":[\"k1\",\"k2\",\"k1\"],\"versions\":{\"k1\":7}}", 10);
    assertEquals("s1", s.id());
    assertEquals("order_status", s.view());
    assertEquals(List.of("k1", "k2"), s.keys(), "duplicates folded, order kept");
    assertEquals(Map.of("k1", 7L), s.versions());
    assertNull(s.viewVersion());
    Protocol.Subscribe resumed = (Protocol.Subscribe) Protocol.parse("{\"op\":\"subscribe\","
        + "\"id\":\"s1\",\"view\":\"v\",\"keys\":[\"k\"],\"versions\":{\"k\":7},"
        + "\"viewVersion\":2}", 10);
    assertEquals(2L, resumed.viewVersion());
  }

  @Test
  void withoutKeysItIsAWholeViewSubscription() {
    Protocol.Subscribe s = (Protocol.Subscribe) Protocol.parse(
        "{\"op\":\"subscribe\",\"id\":\"all\",\"view\":\"v\"}", 10);
    assertNull(s.keys());
    assertInstanceOf(Protocol.Unsubscribe.class,
        Protocol.parse("{\"op\":\"unsubscribe\",\"id\":\"all\"}", 10));
    assertInstanceOf(Protocol.Ping.class, Protocol.parse("{\"op\":\"ping\"}", 10));
    assertEquals("t", ((Protocol.Auth) Protocol.parse("{\"op\":\"auth\",\"token\":\" t \"}", 10))
        .token());
  }

  @Test
  void parsesAFilteredSubscribeWithScalarValuesAsText() {
    Protocol.Subscribe s = (Protocol.Subscribe) Protocol.parse("{\"op\":\"subscribe\",\"id\":\"w\","
        + "\"view\":\"order_status\",\"where\":{\"userId\":\"u-1\",\"n\":5,\"ok\":true},"
        + "\"versions\":{\"o-1\":3}}", 10);
    assertEquals(java.util.Map.of("userId", "u-1", "n", "5", "ok", "true"), s.where());
    assertEquals(java.util.Map.of("o-1", 3L), s.versions());
    assertEquals(null, s.keys());
    assertRefused("{\"op\":\"subscribe\",\"id\":\"a\",\"view\":\"v\",\"where\":{}}", "a",
        Protocol.BAD_REQUEST);
    assertRefused("{\"op\":\"subscribe\",\"id\":\"a\",\"view\":\"v\",\"where\":{\"a\":null}}",
        "a", Protocol.BAD_REQUEST);
    assertRefused("{\"op\":\"subscribe\",\"id\":\"a\",\"view\":\"v\",\"where\":{\"a\":[1]}}",
        "a", Protocol.BAD_REQUEST);
    assertRefused("{\"op\":\"subscribe\",\"id\":\"a\",\"view\":\"v\",\"where\":{\"a\":\"x\"},"
        + "\"keys\":[\"k\"]}", "a", Protocol.BAD_REQUEST);
    assertEquals("{\"type\":\"leave\",\"id\":\"w\",\"view\":\"v\",\"key\":\"k\",\"version\":4}",
        Protocol.leave("w", "v", "k", 4));
  }

  @Test
  void refusalsCarryACodeAndTheIdWhenThereIsOne() {
    assertRefused("not json", null, Protocol.BAD_REQUEST);
    assertRefused("[1]", null, Protocol.BAD_REQUEST);
    assertRefused("{\"id\":\"a\"}", "a", Protocol.BAD_REQUEST);
    assertRefused("{\"op\":\"jump\",\"id\":\"a\"}", "a", Protocol.BAD_REQUEST);
    assertRefused("{\"op\":\"subscribe\",\"view\":\"v\"}", null, Protocol.BAD_REQUEST);
    assertRefused("{\"op\":\"subscribe\",\"id\":\"" + "x".repeat(65) + "\",\"view\":\"v\"}", null,
        Protocol.BAD_REQUEST);
    // A malformed view name or key is Access's refusal, after the scope (see Session).
    assertEquals("Bad-Name", ((Protocol.Subscribe) Protocol.parse(
        "{\"op\":\"subscribe\",\"id\":\"a\",\"view\":\"Bad-Name\"}", 2)).view());
    assertRefused("{\"op\":\"ping\",\"x\":" + "[".repeat(Protocol.MAX_DEPTH)
        + "]".repeat(Protocol.MAX_DEPTH) + "}", null, Protocol.BAD_REQUEST);
    assertRefused("[".repeat(100_000), null, Protocol.BAD_REQUEST);
    assertRefused("{\"op\":\"subscribe\",\"id\":\"a\",\"view\":\"v\",\"keys\":[]}", "a",
        Protocol.BAD_REQUEST);
    assertRefused("{\"op\":\"subscribe\",\"id\":\"a\",\"view\":\"v\",\"keys\":[1]}", "a",
        Protocol.BAD_REQUEST);
    assertRefused("{\"op\":\"subscribe\",\"id\":\"a\",\"view\":\"v\",\"keys\":[\"k\"],"
        + "\"versions\":{\"k\":-1}}", "a", Protocol.BAD_REQUEST);
    assertRefused("{\"op\":\"subscribe\",\"id\":\"a\",\"view\":\"v\",\"versions\":{\"k\":1}}",
        "a", Protocol.BAD_REQUEST);
    assertRefused("{\"op\":\"subscribe\",\"id\":\"a\",\"view\":\"v\",\"keys\":[\"1\",\"2\","
        + "\"3\"]}", "a", Protocol.TOO_MANY_KEYS);
    assertRefused("{\"op\":\"auth\"}", null, Protocol.BAD_REQUEST);
    assertRefused("{\"op\":\"subscribe\",\"id\":\"a\",\"view\":\"v\",\"keys\":[\"k\"],"
        + "\"viewVersion\":0}", "a", Protocol.BAD_REQUEST);
  }

  @Test
  void rowMessagesCarryTheContractFieldsAndTheValueUntouched() {
    Row row = new Row("v", "k\"1", 3, 1700, "{\"a\": [1, 2]}");
    String update = Protocol.row("update", "s1", row, false);
    assertEquals("{\"type\":\"update\",\"id\":\"s1\",\"view\":\"v\",\"key\":\"k\\\"1\","
        + "\"version\":3,\"updatedAt\":1700,\"value\":{\"a\": [1, 2]}}", update);
    Map<String, Object> reset = Json.parseObject(Protocol.row("snapshot", "s1", row, true));
    assertEquals(true, reset.get("reset"));
    Map<String, Object> error = Json.parseObject(Protocol.error(null, "forbidden", "no"));
    assertEquals(null, error.get("id"));
    assertEquals("forbidden", error.get("code"));
  }

  @Test
  void deleteAndSwitchMessagesHaveTheDocumentedShape() {
    assertEquals("{\"type\":\"delete\",\"id\":\"s1\",\"view\":\"v\",\"key\":\"k\","
        + "\"version\":43,\"updatedAt\":1700}",
        Protocol.delete("s1", new Tombstone("v", "k", 43, 1700)));
    assertEquals("{\"type\":\"switch\",\"id\":\"s1\",\"view\":\"v\",\"version\":2}",
        Protocol.switched("s1", "v", 2));
    Map<String, Object> subscribed = Json.parseObject(
        Protocol.subscribed("s1", "v", 2, 0, List.of(), List.of("k")));
    assertEquals(2L, subscribed.get("version"));
  }

  static void assertRefused(String text, String id, String code) {
    Protocol.ProtocolException e = assertThrows(Protocol.ProtocolException.class,
        () -> Protocol.parse(text, 2), text);
    assertEquals(code, e.code(), text + ": " + e.getMessage());
    assertEquals(id, e.id(), text);
  }
}
