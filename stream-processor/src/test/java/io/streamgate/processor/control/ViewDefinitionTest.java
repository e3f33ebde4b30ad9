package io.streamgate.processor.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.control.ViewStatus.State;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ViewDefinitionTest {
  private static final Map<String, Object> V1 = Map.of("sql", "SELECT a, count(*) AS n FROM s GROUP BY a",
      "key", "a", "kind", "aggregate");

  @Test
  void specHashIgnoresSettingOrderButNotSettings() {
    Map<String, Object> reordered = new LinkedHashMap<>();
    reordered.put("kind", "aggregate");
    reordered.put("key", "a");
    reordered.put("sql", V1.get("sql"));
    assertEquals(ViewDefinition.specHash(V1), ViewDefinition.specHash(reordered));
    Map<String, Object> changed = new LinkedHashMap<>(reordered);
    changed.put("description", "x");
    assertNotEquals(ViewDefinition.specHash(V1), ViewDefinition.specHash(changed));
  }

  @Test
  void anAlterAddsABackfillingVersionBesideTheServingOne() {
    ViewDefinition created = ViewDefinition.created("totals", V1, 10, "h1");
    ViewDefinition live = created.withVersion(created.latest().withState(State.LIVE, 0, ""))
        .withServing(1);
    assertTrue(live.runs(V1));
    Map<String, Object> v2 = new LinkedHashMap<>(V1);
    v2.put("sql", "SELECT a, count(*) AS n, max(b) AS biggest FROM s GROUP BY a");
    assertFalse(live.runs(v2));
    ViewDefinition altered = live.altered(v2, 20, "h2");
    assertEquals(2, altered.latest().version());
    assertEquals(State.BACKFILLING, altered.latest().state());
    assertEquals(1, altered.serving());
    assertTrue(altered.runs(v2));
  }

  @Test
  void roundTripsThroughJson() {
    ViewDefinition d = ViewDefinition.created("totals", V1, 10, null)
        .altered(Map.of("sql", "SELECT 1", "nested", Map.of("z", 1L, "a", 2L)), 20, "h")
        .withVersion(new ViewDefinition.Version(1, V1, State.RETIRING, 10, 99, ""))
        .withServing(2).asDropped();
    assertEquals(d, ViewDefinition.fromJson(d.toJson()));
    assertEquals(List.of(1L, 2L), d.versions().stream().map(ViewDefinition.Version::version).toList());
  }
}
