package io.streamgate.loadtest.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProgressReporterTest {
  @Test
  void lineShowsTotalsRateAndErrors() {
    assertEquals("progress: sent 200, acked 198, 19.8 events/s, 0 errors",
        ProgressReporter.line(200, 198, 19.81, 0, null));
  }

  @Test
  void lineNamesTheLastErrorWhenThereAreErrors() {
    assertEquals("progress: sent 10, acked 7, 0.7 events/s, 3 errors (last: TimeoutException: expired)",
        ProgressReporter.line(10, 7, 0.7, 3, "TimeoutException: expired"));
  }
}
