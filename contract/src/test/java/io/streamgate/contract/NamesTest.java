package io.streamgate.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class NamesTest {

  @Test
  void versionOneOfAViewIsTheViewItselfLaterOnesAreSuffixed() {
    assertEquals("user_totals", Names.table("user_totals", 1));
    assertEquals("user_totals.v2", Names.table("user_totals", 2));
    assertEquals("user_totals.v12", Names.table("user_totals", 12));
    assertThrows(IllegalArgumentException.class, () -> Names.table("user_totals", 0));
    assertThrows(IllegalArgumentException.class, () -> Names.table("User", 2));
  }

  @Test
  void tablesMapBackToTheirViewAndVersion() {
    for (long version : new long[] {1, 2, 9, 10, 123_456}) {
      String table = Names.table("orders_v", version);
      assertEquals("orders_v", Names.viewOfTable(table));
      assertEquals(version, Names.versionOfTable(table));
    }
  }

  @Test
  void malformedTablesAreNotTables() {
    for (String bad : new String[] {"", "v.", "v.v", "v.v1", "v.v01", "v.x2", "v.v2x", "V.v2",
        "v.v2.v3", ".v2", "v.v12345678901234567"}) {
      assertEquals(0, Names.versionOfTable(bad), bad);
      assertNull(Names.viewOfTable(bad), bad);
      assertThrows(IllegalArgumentException.class, () -> Names.requireTableName(bad), bad);
    }
    assertNull(Names.viewOfTable(null));
  }

  @Test
  void keyLengthIsCountedInCharactersNotUtf16Units() {
    String emoji = "\uD83D\uDE00"; // one character, two UTF-16 units
    assertNull(Names.keyProblem(emoji.repeat(256)), "256 characters are allowed");
    assertEquals("key is 257 characters long; the limit is 256",
        Names.keyProblem(emoji.repeat(257)));
    assertEquals("key is 257 characters long; the limit is 256", Names.keyProblem("k".repeat(257)));
    assertNull(Names.keyProblem("k".repeat(256)));
  }
}
