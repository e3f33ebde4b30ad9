package io.streamgate.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyspaceTest {
  private final Keyspace keyspace = Keyspace.defaults();

  @Test
  void slotsMatchRedisReferenceValues() {
    // Values from the Redis Cluster specification and CLUSTER KEYSLOT.
    assertEquals(12739, Slots.slot("123456789"));
    assertEquals(12182, Slots.slot("foo"));
    assertEquals(Slots.slot("bar"), Slots.slot("{bar}.anything"));
    assertEquals(Slots.slot("{}x"), Slots.slot("{}x")); // empty tag: whole key is hashed
  }

  @Test
  void rowsOfOneViewSpreadOverManySlots() {
    Set<Integer> slots = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      slots.add(Slots.slot(keyspace.row("user_totals", "user-" + i)));
    }
    assertTrue(slots.size() > 7_000, "10k rows landed on only " + slots.size() + " slots");
  }

  @Test
  void indexKeysOfAViewShareOneSlotSoOneScriptMayTouchThem() {
    for (String view : new String[] {"a", "user_totals", "product_revenue"}) {
      int slot = Slots.slot(keyspace.keysIndex(view));
      assertEquals(slot, Slots.slot(keyspace.rankIndex(view)));
      assertEquals(slot, Slots.slot(keyspace.indexVersions(view)));
      assertEquals(slot, Slots.slot(keyspace.deletedIndex(view)));
    }
  }

  @Test
  void channelsMapBackToViews() {
    assertEquals("user_totals", keyspace.viewOfChannel(keyspace.changeChannel("user_totals")));
    assertNull(keyspace.viewOfChannel(keyspace.catalogChannel()));
    assertEquals("tenant1:changes:v", new Keyspace("tenant1").changeChannel("v"));
  }

  @Test
  void prefixIsValidatedWithTheBadValueInTheMessage() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new Keyspace("has space"));
    assertTrue(e.getMessage().contains("'has space'"), e.getMessage());
  }

  @Test
  void namesAcceptWhatUrlsAndKeysCanCarry() {
    assertNull(Names.viewNameProblem("order_status"));
    assertNotNull(Names.viewNameProblem("Order"));
    assertNotNull(Names.viewNameProblem("1abc"));
    assertNull(Names.viewNameProblem("a"));
    assertNull(Names.viewNameProblem("a" + "b_9".repeat(21)), "64 characters");
    assertNotNull(Names.viewNameProblem("a" + "b_9".repeat(21) + "x"), "65 characters");
    assertNotNull(Names.viewNameProblem("_a"));
    assertNotNull(Names.viewNameProblem("a-b"));
    assertNotNull(Names.viewNameProblem("ab\u00e9"));
    assertNotNull(Names.viewNameProblem(""));
    assertNull(Names.keyProblem("user:42/é"));
    assertNotNull(Names.keyProblem(""));
    assertNotNull(Names.keyProblem("a\nb"));
    assertNotNull(Names.keyProblem("x".repeat(Names.MAX_KEY_LENGTH + 1)));
  }

  @Test
  void apiKeyRecordsShareASlotWithTheirRevisionAndUsageKeysOfOnePrincipalShareOne() {
    assertEquals(Slots.slot(keyspace.apiKeys()), Slots.slot(keyspace.apiKeysRevision()));
    int slot = Slots.slot(keyspace.usage("partner-1", "2026-12-05"));
    assertEquals(slot, Slots.slot(keyspace.usageTotal("partner-1", "2026-12-05")));
    assertEquals(slot, Slots.slot(keyspace.usageTotal("partner-1", "2026-12")));
  }
}
