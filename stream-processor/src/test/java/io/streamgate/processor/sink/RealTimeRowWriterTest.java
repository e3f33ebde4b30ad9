package io.streamgate.processor.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RealTimeRowWriterTest {
  @Test
  void versionsGrowWithinAndAcrossBatches() {
    assertEquals(1L << 24, RealTimeRowWriter.version(0, 0));
    assertEquals((1L << 24) + 7, RealTimeRowWriter.version(0, 7));
    assertTrue(RealTimeRowWriter.version(1, 0) > RealTimeRowWriter.version(0, RealTimeRowWriter.MAX_SEQUENCE));
    assertTrue(RealTimeRowWriter.version(0, 0) > BatchWriter.version(1_000_000),
        "above micro-batch versions of any realistic batch id");
  }

  @Test
  void refusesWhatVersionsCannotHold() {
    assertThrows(IllegalStateException.class,
        () -> RealTimeRowWriter.version(0, RealTimeRowWriter.MAX_SEQUENCE + 1));
    assertThrows(IllegalStateException.class, () -> RealTimeRowWriter.version(1L << 29, 0));
  }
}
