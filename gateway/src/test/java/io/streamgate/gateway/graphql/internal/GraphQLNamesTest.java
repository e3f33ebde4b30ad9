package io.streamgate.gateway.graphql.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamgate.contract.CatalogEntry;
import io.streamgate.contract.ViewKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The name mapping of docs/graphql.md, "Names": legal, deterministic, collision-free. */
class GraphQLNamesTest {

  static CatalogEntry view(String name, String... columns) {
    return new CatalogEntry(name, "", "k", ViewKind.AGGREGATE,
        java.util.Arrays.stream(columns).map(c -> new CatalogEntry.Column(c, "bigint")).toList(),
        null, 0, 1);
  }

  @Test
  void illegalCharactersBecomeUnderscoresAndReservedStartsGetAnX() {
    assertEquals("count_1_", GraphQLNames.legal("count(1)"));
    assertEquals("x1st", GraphQLNames.legal("1st"));
    assertEquals("x__typename", GraphQLNames.legal("__typename"));
    assertEquals("user_id", GraphQLNames.legal("user id"));
    assertEquals("plain", GraphQLNames.legal("plain"));
  }

  @Test
  void viewsWhoseFieldsAreTakenGetTheFirstFreeSuffix() {
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("a", "a");
    expected.put("a_rows", "a_rows_2");
    expected.put("a_top", "a_top_2");
    expected.put("b", "b");
    assertEquals(expected, GraphQLNames.views(List.of(view("a"), view("a_rows"), view("a_top"),
        view("b"))));
    assertEquals(Map.of("x_views", "x_views"), GraphQLNames.views(List.of(view("x_views"))));
  }

  @Test
  void columnsThatClashWithTheRowFieldsOrEachOtherAreSuffixed() {
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("key", "key_2");
    expected.put("version", "version_2");
    expected.put("a-b", "a_b");
    expected.put("a_b", "a_b_2");
    expected.put("total", "total");
    assertEquals(expected, GraphQLNames.columns(view("v", "key", "version", "a-b", "a_b", "total")
        .columns()));
  }

  @Test
  void theSameCatalogGivesTheSameNames() {
    List<CatalogEntry> views = List.of(view("a"), view("a_rows"), view("c", "x y", "x_y"));
    assertEquals(GraphQLNames.views(views), GraphQLNames.views(List.copyOf(views)));
    assertEquals(GraphQLNames.columns(views.get(2).columns()),
        GraphQLNames.columns(views.get(2).columns()));
  }
}
