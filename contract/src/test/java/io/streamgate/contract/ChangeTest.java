package io.streamgate.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.json.JsonException;
import org.junit.jupiter.api.Test;

class ChangeTest {

  @Test
  void tombstoneJsonHasFixedFieldOrderAndRoundTrips() {
    Tombstone t = new Tombstone("customers", "c\"7", 43, 1_700_000_000_000L);
    assertEquals("{\"view\":\"customers\",\"key\":\"c\\\"7\",\"version\":43,"
        + "\"updatedAt\":1700000000000,\"deleted\":true}", t.toJson());
    assertEquals(t, Change.fromJson(t.toJson()));
  }

  @Test
  void aMessageWithAValueIsARow() {
    Row row = new Row("v", "k", 2, 3, "{\"a\":1}");
    assertInstanceOf(Row.class, Change.fromJson(row.toJson()));
    assertEquals(row, Change.fromJson(row.toJson()));
  }

  @Test
  void deletedFalseWithAValueIsARowAndWithoutOneIsAnError() {
    assertInstanceOf(Row.class, Change.fromJson(
        "{\"view\":\"v\",\"key\":\"k\",\"version\":1,\"deleted\":false,\"value\":{}}"));
    JsonException e = assertThrows(JsonException.class,
        () -> Change.fromJson("{\"view\":\"v\",\"key\":\"k\",\"version\":1,\"deleted\":false}"));
    assertTrue(e.getMessage().contains("needs view, key, version and value"), e.getMessage());
  }

  @Test
  void rowFromJsonRefusesATombstoneByName() {
    String json = new Tombstone("v", "k", 1, 1).toJson();
    JsonException e = assertThrows(JsonException.class, () -> Row.fromJson(json));
    assertTrue(e.getMessage().contains("deleted row"), e.getMessage());
  }

  @Test
  void tombstoneChecksItsNameKeyAndVersionLikeARow() {
    assertThrows(IllegalArgumentException.class, () -> new Tombstone("V!", "k", 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new Tombstone("v", "", 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new Tombstone("v", "k", 0, 0));
    assertThrows(JsonException.class,
        () -> Change.fromJson("{\"view\":\"v\",\"key\":\"k\",\"version\":0,\"deleted\":true}"));
  }
}
