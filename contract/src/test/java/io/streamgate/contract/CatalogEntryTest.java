package io.streamgate.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.CatalogEntry.Column;
import io.streamgate.contract.json.JsonException;
import java.util.List;
import org.junit.jupiter.api.Test;

class CatalogEntryTest {

  private static final CatalogEntry REVENUE = new CatalogEntry(
      "product_revenue", "Revenue per product", "productId", ViewKind.AGGREGATE,
      List.of(new Column("revenue", "double")), "revenue", 0, 1_700_000_000_000L);

  @Test
  void roundTripsThroughJson() {
    assertEquals(REVENUE, CatalogEntry.fromJson(REVENUE.toJson()));
    assertTrue(REVENUE.ranked());
  }

  @Test
  void readsEntriesWithUnknownFieldsFromNewerWriters() {
    String json = REVENUE.toJson().replace("{\"name\"", "{\"futureField\":{\"x\":1},\"name\"");
    assertEquals(REVENUE, CatalogEntry.fromJson(json));
  }

  @Test
  void aLaterVersionServesFromItsOwnTableAndNamesTheOthersReadable() {
    CatalogEntry v2 = new CatalogEntry("product_revenue", "", "productId", ViewKind.AGGREGATE,
        List.of(new Column("revenue", "double")), null, 0, 5, 2, List.of(1L));
    assertEquals(v2, CatalogEntry.fromJson(v2.toJson()));
    assertEquals("product_revenue.v2", v2.table());
    assertTrue(v2.readable(1) && v2.readable(2) && !v2.readable(3));
    assertThrows(IllegalArgumentException.class, () -> new CatalogEntry("v", "", "k",
        ViewKind.LATEST, List.of(), null, 0, 0, 2, List.of(2L)));
  }

  @Test
  void entriesFromBeforeVersionsAreVersionOne() {
    String old = REVENUE.toJson().replace(",\"version\":1,\"otherVersions\":[]", "");
    assertTrue(!old.contains("version"), old);
    CatalogEntry read = CatalogEntry.fromJson(old);
    assertEquals(1, read.version());
    assertEquals("product_revenue", read.table());
  }

  @Test
  void rankMustBeOneOfTheColumns() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new CatalogEntry("v", "", "k", ViewKind.LATEST, List.of(new Column("a", "int")),
            "b", 0, 0));
    assertEquals("view v: rank column 'b' is not one of its columns", e.getMessage());
  }

  @Test
  void indexesRoundTripAndAreAbsentFromTheJsonOfViewsWithout() {
    CatalogEntry orders = new CatalogEntry("order_status", "", "orderId", ViewKind.LATEST,
        List.of(new Column("userId", "string"), new Column("status", "string")), null, 0, 5, 1,
        List.of(), List.of("userId", "status"));
    assertEquals(orders, CatalogEntry.fromJson(orders.toJson()));
    assertTrue(orders.toJson().contains("\"indexes\":[\"userId\",\"status\"]"), orders.toJson());
    assertTrue(orders.indexed("status") && !orders.indexed("orderId"));
    assertTrue(!REVENUE.toJson().contains("indexes"));
    assertEquals(List.of(), CatalogEntry.fromJson(REVENUE.toJson()).indexes());
    assertEquals(orders.indexes(), orders.withVersions(2, List.of(1L)).indexes());
  }

  @Test
  void indexesMustBeColumnsOfTheValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new CatalogEntry("v", "", "k", ViewKind.LATEST, List.of(new Column("a", "int")),
            null, 0, 0, 1, List.of(), List.of("b")));
    assertEquals("view v: index column 'b' is not one of its columns", e.getMessage());
  }

  @Test
  void malformedEntriesFailWithJsonException() {
    assertThrows(JsonException.class, () -> CatalogEntry.fromJson("{\"name\":\"v\"}"));
    assertThrows(JsonException.class,
        () -> CatalogEntry.fromJson(REVENUE.toJson().replace("aggregate", "weird")));
  }
}
