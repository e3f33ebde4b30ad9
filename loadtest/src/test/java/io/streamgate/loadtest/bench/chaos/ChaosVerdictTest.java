package io.streamgate.loadtest.bench.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChaosVerdictTest {

  @Test
  void totalsCountAndSumEachUsersEvents() {
    Map<String, long[]> totals = Ledger.totals(List.of(new Ledger.Event("o-1", "u-1", 3),
        new Ledger.Event("o-2", "u-1", 4), new Ledger.Event("o-3", "u-2", 9)));
    assertEquals(2, totals.get("u-1")[0]);
    assertEquals(7, totals.get("u-1")[1]);
    assertEquals(1, totals.get("u-2")[0]);
  }

  @Test
  void aUserWithAMissingRowOrAnotherCountIsADifference() {
    Map<String, long[]> expected = Map.of("u-1", new long[] {2, 7}, "u-2", new long[] {1, 9}, "u-3",
        new long[] {1, 1});
    Map<String, JsonObject> served = Map.of(
        "u-1", new JsonObject().put("orders", 2).put("total", 7.0),
        "u-2", new JsonObject().put("orders", 2).put("total", 18.0));
    Map<String, String> diff = ChaosVerdict.diff(expected, served);
    assertEquals(List.of("u-2", "u-3"), List.copyOf(diff.keySet()));
    assertTrue(diff.get("u-2").contains("expected 1 orders/9, served 2/18.0"), diff.get("u-2"));
  }

  @Test
  void aFaultsWindowHasOnlyTheErrorsSinceItsKillAndSplitsFreshnessAtRecovery() {
    Instant kill = Instant.parse("2026-01-01T00:00:00Z");
    FaultRecord record = new FaultRecord(Fault.KAFKA_BROKER, "kafka-2", 42, kill, Map.of("ingest_http_503", 5L));
    record.back(kill.plusSeconds(6));
    record.recovered(kill.plusSeconds(10));
    record.finish(Map.of("ingest_http_503", 8L, "read_timeout", 1L), List.of(
        new ChaosClients.Freshness(kill.minusSeconds(1), 100),
        new ChaosClients.Freshness(kill.plusSeconds(2), 9000),
        new ChaosClients.Freshness(kill.plusSeconds(12), 300)), kill.plusSeconds(60));
    JsonObject json = record.json();
    assertEquals(new JsonObject().put("ingest_http_503", 3L).put("read_timeout", 1L), json.getJsonObject("errorsByKind"));
    assertEquals(6.0, json.getDouble("processBackSeconds"));
    assertEquals(10.0, json.getDouble("recoverySeconds"));
    assertEquals(9000L, json.getJsonObject("freshnessDuringMs").getLong("p50"));
    assertEquals(300L, json.getJsonObject("freshnessAfterMs").getLong("p50"));
    assertEquals(1, json.getJsonObject("freshnessAfterMs").getInteger("samples"));
  }
}
