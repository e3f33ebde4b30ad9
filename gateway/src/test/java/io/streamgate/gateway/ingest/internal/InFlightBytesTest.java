package io.streamgate.gateway.ingest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InFlightBytesTest {

  @Test
  void refusesWhatDoesNotFitAndTakesItOnceReleased() {
    InFlightBytes budget = new InFlightBytes(100);
    assertTrue(budget.tryAcquire(60));
    assertFalse(budget.tryAcquire(41));
    assertTrue(budget.tryAcquire(40));
    assertEquals(100, budget.used());
    budget.release(60);
    assertTrue(budget.tryAcquire(41));
    assertEquals(81, budget.used());
  }
}
