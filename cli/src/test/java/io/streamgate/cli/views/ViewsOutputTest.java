package io.streamgate.cli.views;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ViewsOutputTest {
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  @Test
  void applyPrintsOneLinePerView() {
    String reply = "{\"id\":\"r1\",\"ok\":true,\"error\":null,\"results\":["
        + "{\"view\":\"user_totals\",\"outcome\":\"altered\",\"version\":2,\"detail\":\"v2 backfilling\"},"
        + "{\"view\":\"order_status\",\"outcome\":\"unchanged\",\"version\":1,\"detail\":\"\"}],"
        + "\"preview\":null}";
    assertEquals(List.of("user_totals: altered → v2 backfilling", "order_status: unchanged"),
        ViewsOutput.applied(reply, false));
    assertEquals(List.of("(dry run) user_totals: altered → v2 backfilling",
        "(dry run) order_status: unchanged"), ViewsOutput.applied(reply, true));
  }

  @Test
  void listIsAnAlignedTableWithDashesForUnknowns() {
    String list = "{\"views\":["
        + "{\"name\":\"order_status\",\"version\":1,\"state\":\"live\",\"lagRecords\":0,\"rows\":1200,"
        + "\"watermarkMs\":" + NOW.minusSeconds(3).toEpochMilli() + "},"
        + "{\"name\":\"user_totals\",\"version\":1,\"state\":\"live, v2 backfilling 63 %\","
        + "\"lagRecords\":40000,\"rows\":-1,\"watermarkMs\":" + NOW.minusSeconds(600).toEpochMilli() + "},"
        + "{\"name\":\"fresh_one\",\"version\":0,\"state\":\"backfilling 5 %\",\"lagRecords\":-1,"
        + "\"rows\":-1,\"watermarkMs\":0}]}";
    assertEquals(List.of(
        "NAME          VERSION  STATE                      LAG    ROWS  FRESHNESS",
        "order_status  v1       live                       0      1200  3 s ago",
        "user_totals   v1       live, v2 backfilling 63 %  40000  -     10 min ago",
        "fresh_one     -        backfilling 5 %            -      -     -"),
        ViewsOutput.table(list, NOW));
    assertEquals(List.of("no views yet: publish one with ./streamgate views apply -f FILE"),
        ViewsOutput.table("{\"views\":[]}", NOW));
  }

  @Test
  void previewShowsTheColumnsThenTheRows() {
    String reply = "{\"id\":\"r\",\"ok\":true,\"results\":[],\"preview\":{"
        + "\"columns\":[{\"name\":\"userId\",\"type\":\"string\"},{\"name\":\"orders\",\"type\":\"bigint\"}],"
        + "\"rows\":[{\"key\":\"u-1\",\"value\":{\"userId\":\"u-1\",\"orders\":12}},"
        + "{\"key\":\"u-22\",\"value\":{\"userId\":\"u-22\",\"orders\":null}}]}}";
    assertEquals(List.of("columns: userId string, orders bigint",
        "KEY   USERID  ORDERS",
        "u-1   u-1     12",
        "u-22  u-22    null",
        "2 rows"), ViewsOutput.preview(reply));
  }

  @Test
  void aRefusalPrintsEveryErrorLineAndOtherProblemsTheirDetail() {
    assertEquals(List.of("refused, nothing was applied:", "  views.a.sql: no column x",
        "  views.b.key: missing"), ViewsOutput.failure(422, "{\"type\":\"t\",\"detail\":\"d\","
        + "\"errors\":[\"views.a.sql: no column x\",\"views.b.key: missing\"]}"));
    assertEquals(List.of("error: the processor did not answer request 7 within 60 s (504)"),
        ViewsOutput.failure(504, "{\"detail\":\"the processor did not answer request 7 within 60 s\"}"));
    assertEquals("error: the gateway answered 502: Bad gateway",
        ViewsOutput.failure(502, "Bad gateway\n<html>").get(0));
    assertEquals(2, ViewsOutput.failure(401, "{\"detail\":\"no token\"}").size());
  }

  @Test
  void describeIsIndentedJson() {
    assertEquals("{\n  \"name\": \"v\",\n  \"versions\": [\n    1,\n    2\n  ],\n  \"x\": {}\n}",
        ViewsOutput.pretty("{\"name\":\"v\",\"versions\":[1,2],\"x\":{}}"));
  }

  @Test
  void freshnessReadsAsAnAge() {
    assertEquals("-", ViewsOutput.freshness(0, NOW));
    assertEquals("59 s ago", ViewsOutput.freshness(NOW.minusSeconds(59).toEpochMilli(), NOW));
    assertEquals("3 h ago", ViewsOutput.freshness(NOW.minusSeconds(3 * 3600).toEpochMilli(), NOW));
    assertEquals("0 s ago", ViewsOutput.freshness(NOW.plusSeconds(5).toEpochMilli(), NOW));
  }

  @Test
  void aPipelineFileBecomesTheJsonOfTheApi() throws IOException {
    Map<String, Object> pipeline = PipelineFile.parse("""
        views:
          biggest:
            source: orders
            sql: SELECT userId, max(amount) AS biggest FROM orders GROUP BY userId
            key: userId
            ttl: 3600
            backfill: 2026-01-01T00:00:00Z
        """, "f.yaml");
    @SuppressWarnings("unchecked")
    Map<String, Object> view = (Map<String, Object>) ((Map<String, Object>) pipeline.get("views"))
        .get("biggest");
    assertEquals("userId", view.get("key"));
    assertEquals(3600, view.get("ttl"));
    assertEquals("2026-01-01T00:00:00Z", view.get("backfill"));
    assertEquals("f.yaml is no pipeline: it needs a views: map (and may have a sources: map),"
        + " as in deploy/local/pipeline.yaml",
        assertThrows(IOException.class, () -> PipelineFile.parse("a: 1", "f.yaml")).getMessage());
    assertThrows(IOException.class, () -> PipelineFile.parse("views: [", "f.yaml"));
  }
}
