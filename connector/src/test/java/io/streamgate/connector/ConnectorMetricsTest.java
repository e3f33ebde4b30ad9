package io.streamgate.connector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ConnectorMetricsTest {
  private final Clock clock = Clock.fixed(Instant.ofEpochMilli(1_764_064_800_250L), ZoneOffset.UTC);
  private final ConnectorMetrics metrics = new ConnectorMetrics(clock);

  @Test
  void countsByTableAndOperationAndMeasuresLagFromTheCommit() {
    assertEquals("# HELP streamgate_connector_changes_total Change events written to Kafka, by table and operation"
        + " (c insert, u update, d delete, r snapshot read).\n"
        + "# TYPE streamgate_connector_changes_total counter\n", metrics.scrape(), "no lag before any change");

    metrics.written(new ChangeEnvelope("c", "public.customers", 100, 1_764_064_800_000L));
    metrics.written(new ChangeEnvelope("c", "public.customers", 200, 1_764_064_800_000L));
    metrics.written(new ChangeEnvelope("d", "public.customers", 300, 1_764_064_800_200L));

    String text = metrics.scrape();
    assertEquals(true, text.contains("streamgate_connector_changes_total{table=\"public.customers\",op=\"c\"} 2\n"));
    assertEquals(true, text.contains("streamgate_connector_changes_total{table=\"public.customers\",op=\"d\"} 1\n"));
    assertEquals(true, text.contains("streamgate_connector_lag_seconds 0.050\n"), text);
    assertEquals(true, text.contains("streamgate_connector_last_event_timestamp_seconds 1764064800.200\n"), text);
    assertEquals(300, metrics.lastLsn());
  }

  @Test
  void progressLinesOnlyWhileChangesFlow() {
    ChangeConnector.ProgressLog progress = new ChangeConnector.ProgressLog(metrics);
    assertNull(progress.next());
    for (int i = 0; i < 25; i++) {
      metrics.written(new ChangeEnvelope("u", "public.customers", 0x1_0000_0010L + i, 1_764_064_800_000L));
    }
    assertEquals("changes: 3/s, 25 in total, last LSN 1/28, lag 250 ms", progress.next());
    assertNull(progress.next(), "quiet period: no line");
  }
}
