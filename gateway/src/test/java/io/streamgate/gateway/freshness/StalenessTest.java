package io.streamgate.gateway.freshness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.control.Freshness;
import org.junit.jupiter.api.Test;

class StalenessTest {

  @Test
  void parsesWholeNumbersWithAUnit() {
    assertEquals(500, Staleness.parseMillis("500ms"));
    assertEquals(2_000, Staleness.parseMillis("2s"));
    assertEquals(60_000, Staleness.parseMillis(" 1m "));
    assertEquals(0, Staleness.parseMillis("0s"));
    assertEquals(Staleness.MAX_MS, Staleness.parseMillis("86400s"));
  }

  @Test
  void refusesAnythingElseQuotingIt() {
    for (String bad : new String[] {"", "2", "s", "1.5s", "-1s", "2h", "2 s", "2S", "1e3ms",
        "86401s", "9999999999ms", null}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Staleness.parseMillis(bad), String.valueOf(bad));
      assertTrue(e.getMessage().startsWith("max_staleness must be"), e.getMessage());
    }
  }

  @Test
  void anUnknownLagNeverMeetsABound() {
    assertTrue(Staleness.exceeds(Freshness.UNKNOWN, Staleness.MAX_MS));
    assertFalse(Staleness.exceeds(new Freshness(1, 2_000), 2_000));
    assertTrue(Staleness.exceeds(new Freshness(1, 2_001), 2_000));
  }
}
