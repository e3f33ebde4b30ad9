package io.streamgate.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.json.Json;
import io.streamgate.contract.json.JsonException;
import io.streamgate.contract.json.JsonReader;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void parsesEveryKindOfValue() {
    Object parsed = Json.parse(
        " {\"s\":\"a\\n\\u0041\",\"i\":-12,\"d\":1.5e2,\"t\":true,\"f\":false,\"n\":null,\"a\":[1,[]],\"o\":{}} ");
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("s", "a\nA");
    expected.put("i", -12L);
    expected.put("d", 150.0);
    expected.put("t", true);
    expected.put("f", false);
    expected.put("n", null);
    expected.put("a", List.of(1L, List.of()));
    expected.put("o", Map.of());
    assertEquals(expected, parsed);
  }

  @Test
  void writeThenParseIsIdentity() {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("quote\"and\\slash", "tab\tctl\u0001");
    value.put("list", Arrays.asList(1L, 2.5, null, "x"));
    assertEquals(value, Json.parse(Json.write(value)));
    assertEquals("\"tab\\tctl\\u0001\"", Json.quote("tab\tctl\u0001"));
  }

  @Test
  void quotingEscapesOnlyWhatMustBeEscapedAndKeepsTheRestInOrder() {
    assertEquals("\"\"", Json.quote(""));
    assertEquals("\"plain é ∑\"", Json.quote("plain é ∑"));
    assertEquals("\"\\\"a\\\\b\\u001fc\\\"\"", Json.quote("\"a\\b\u001fc\""));
    assertEquals("\"x\\ny\\rz\"", Json.quote("x\ny\rz"));
  }

  @Test
  void errorsSayWhatAndWhere() {
    JsonException e = assertThrows(JsonException.class, () -> Json.parse("{\"a\":1,}"));
    assertTrue(e.getMessage().contains("offset 7"), e.getMessage());
    assertThrows(JsonException.class, () -> Json.parse("{\"a\":1} x"));
    assertThrows(JsonException.class, () -> Json.parse("\"unterminated"));
    assertThrows(JsonException.class, () -> Json.parse("[1,2"));
    assertThrows(JsonException.class, () -> Json.parse("nul"));
    JsonException notObject = assertThrows(JsonException.class, () -> Json.parseObject("[1]"));
    assertEquals("expected a JSON object but got an array", notObject.getMessage());
  }

  @Test
  void refusesNonFiniteNumbers() {
    assertThrows(JsonException.class, () -> Json.write(List.of(Double.NaN)));
  }

  @Test
  void nestingUpToTheLimitParsesAndDeeperFailsWithoutOverflowingTheStack() {
    int limit = JsonReader.MAX_DEPTH;
    String deepest = "[".repeat(limit) + "]".repeat(limit);
    assertTrue(Json.parse(deepest) instanceof List);
    String objects = "{\"a\":".repeat(limit - 1) + "{}" + "}".repeat(limit - 1);
    assertTrue(Json.parse(objects) instanceof Map);

    JsonException tooDeep = assertThrows(JsonException.class,
        () -> Json.parse("[".repeat(limit + 1) + "]".repeat(limit + 1)));
    assertTrue(tooDeep.getMessage().contains("nested deeper than " + limit), tooDeep.getMessage());
    // What overflowed the stack before: an unterminated run of 600,000 '['.
    JsonException attack = assertThrows(JsonException.class,
        () -> Json.parse("[".repeat(600_000)));
    assertTrue(attack.getMessage().contains("nested deeper than " + limit), attack.getMessage());
    assertThrows(JsonException.class,
        () -> Json.parse("{\"a\":".repeat(600_000)));
    // Skipping agrees with reading.
    JsonReader skipper = new JsonReader("[".repeat(limit + 1) + "]".repeat(limit + 1), 0);
    assertThrows(JsonException.class, skipper::skipValue);
    JsonReader fits = new JsonReader(deepest, 0);
    fits.skipValue();
    assertEquals(deepest.length(), fits.position());
  }
}
