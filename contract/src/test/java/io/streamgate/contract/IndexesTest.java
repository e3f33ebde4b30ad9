package io.streamgate.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IndexesTest {

  @Test
  void textOfScalarsIsTheirCanonicalForm() {
    assertEquals("paid", Indexes.text("paid"));
    assertEquals("5", Indexes.text(5L));
    assertEquals("5", Indexes.text(5.0));
    assertEquals("5.5", Indexes.text(5.5));
    assertEquals("true", Indexes.text(true));
    assertNull(Indexes.text(null));
    assertNull(Indexes.text(Map.of()));
    assertNull(Indexes.text(List.of()));
    assertNull(Indexes.text("x".repeat(Indexes.MAX_VALUE_CHARS + 1)));
    assertEquals(Indexes.MAX_VALUE_CHARS, Indexes.text("x".repeat(Indexes.MAX_VALUE_CHARS)).length());
  }

  @Test
  void valuesKeepTheDeclaredOrderAndLeaveOutWhatIsNotIndexed() {
    assertEquals(Map.of("status", "paid", "userId", "u-1"), Indexes.values(
        List.of("status", "userId", "missing"), "{\"userId\":\"u-1\",\"status\":\"paid\",\"n\":1}"));
    assertEquals("{\"status\":\"paid\"}",
        Indexes.valuesJson(Indexes.values(List.of("status"), "{\"status\":\"paid\"}")));
  }

  @Test
  void matchesNeedsEveryConditionToHold() {
    String value = "{\"userId\":\"u-1\",\"status\":\"paid\",\"n\":2.0}";
    assertTrue(Indexes.matches(Map.of("userId", "u-1", "status", "paid"), value));
    assertTrue(Indexes.matches(Map.of("n", "2"), value));
    assertFalse(Indexes.matches(Map.of("userId", "u-1", "status", "created"), value));
    assertFalse(Indexes.matches(Map.of("other", "x"), value));
    assertFalse(Indexes.matches(Map.of("userId", "u-1"), "not json"));
  }

  @Test
  void whereChecksColumnsAgainstTheIndexesAndReadsValuesByType() {
    CatalogEntry orders = new CatalogEntry("order_status", "", "orderId", ViewKind.LATEST,
        List.of(new CatalogEntry.Column("userId", "string"),
            new CatalogEntry.Column("amount", "double"), new CatalogEntry.Column("ok", "boolean")),
        null, 0, 0, 1, List.of(), List.of("userId", "amount", "ok"));
    assertEquals(Map.of("userId", "u-1", "amount", "5", "ok", "true"),
        Indexes.where(orders, Map.of("userId", "u-1", "amount", "5.0", "ok", "true")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Indexes.where(orders, Map.of("status", "paid")));
    assertEquals("view 'order_status' cannot be filtered by 'status': its indexed columns are"
        + " userId, amount, ok", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Indexes.where(orders, Map.of("amount", "lots")));
    assertEquals("filter value 'lots' of column 'amount' is not a double", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Indexes.where(orders, Map.of()));
  }

  @Test
  void declaredColumnsAreCheckedAndBounded() {
    assertEquals(List.of("a", "b"), Indexes.requireColumns(List.of("a", "b")));
    assertThrows(IllegalArgumentException.class, () -> Indexes.requireColumns(List.of("a", "a")));
    assertThrows(IllegalArgumentException.class, () -> Indexes.requireColumns(List.of("a:b")));
    assertThrows(IllegalArgumentException.class, () -> Indexes.requireColumns(
        List.of("a", "b", "c", "d", "e", "f", "g", "h", "i")));
  }
}
