package io.streamgate.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.Keyspace;
import io.streamgate.contract.Row;
import io.streamgate.contract.control.ControlReply;
import io.streamgate.contract.control.ControlReply.Outcome;
import io.streamgate.contract.control.ControlReply.ViewResult;
import io.streamgate.contract.control.ControlRequest;
import io.streamgate.contract.control.ViewStatus;
import io.streamgate.contract.control.ViewStatus.State;
import io.streamgate.contract.control.ViewStatus.VersionStatus;
import io.streamgate.contract.json.Json;
import io.streamgate.gateway.GatewayFixture;
import io.streamgate.gateway.Poll;
import io.streamgate.gateway.config.AdminConfig;
import io.streamgate.gateway.push.DashboardBrowserIT;
import io.streamgate.gateway.push.DashboardBrowserIT.Browser;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The view authoring page ({@code /views}) in a real headless browser against a real gateway
 * and Redis, with {@link FakeProcessor} answering the control requests as the processor would:
 * the page shows the sources' columns, shows a refused preview's error lines, previews rows,
 * publishes a view, follows it from backfilling to live, shows its first row, and drops it.
 * Skipped when chromium is not installed ({@code apt-get install -y chromium}).
 */
class ViewsPageBrowserIT {
  private static final String VIEW = "big_spenders";
  private static final String SCHEMA = "orderId STRING NOT NULL, userId STRING NOT NULL,"
      + " amount DOUBLE NOT NULL, price DECIMAL(10,2), ts TIMESTAMP NOT NULL";

  private static final Keyspace KEYSPACE = new Keyspace(GatewayFixture.NAMESPACE);

  @TempDir static Path tempDir;
  static GatewayFixture fx;
  static FakeProcessor processor;
  static String browser;

  @BeforeAll
  static void start() {
    browser = DashboardBrowserIT.CHROMIUM.stream().filter(p -> Files.isExecutable(Path.of(p)))
        .findFirst().orElse(null);
    Assumptions.assumeTrue(browser != null, "chromium is not installed (apt-get install -y"
        + " chromium); skipping the views page's browser test");
    fx = GatewayFixture.start(tempDir, seed -> {
      seed.register("user_totals", "orders", "total");
      seed.send(Request.cmd(Command.HSET).arg(KEYSPACE.sourceDefinitions()).arg("orders")
          .arg(Json.write(Map.of("topic", "orders", "schema", SCHEMA, "eventTime", "ts"))));
    }, config -> config.withAdmin(new AdminConfig(10_000)));
    processor = new FakeProcessor(fx.vertx, fx.redis.uri(), fx.keyspace);
  }

  @AfterAll
  static void stop() throws Exception {
    if (processor != null) {
      processor.close();
    }
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void thePageIsServedWithoutATokenAndLoadsNothingFromElsewhere() {
    HttpResponse<String> page = fx.get("/views", null);
    assertEquals(200, page.statusCode());
    assertTrue(page.headers().firstValue("content-type").orElse("").startsWith("text/html"));
    assertTrue(page.headers().firstValue("content-security-policy").orElse("")
        .contains("default-src 'none'"));
    HttpResponse<String> script = fx.get("/views.js", null);
    assertEquals(200, script.statusCode());
    for (String body : List.of(page.body(), script.body())) {
      assertTrue(!body.contains("http://") && !body.contains("https://"), "no absolute URLs");
    }
  }

  @Test
  void aViewIsWrittenPreviewedPublishedWatchedToLiveReadAndDropped() throws Exception {
    processor.answer = ViewsPageBrowserIT::answer;
    String token = fx.token("admin views:read");
    try (Browser page = Browser.open(browser, tempDir,
        "http://127.0.0.1:" + fx.gateway.port() + "/views#token=" + token)) {
      // The list (from /admin/v1/views) and the source's columns (from /admin/v1/sources).
      until(page, d -> d.contains("id=\"view-user_totals\"")
          && d.contains("data-column=\"amount\"") && d.contains("data-column=\"price\""),
          "the list and the source's columns");

      // A refused preview shows the processor's error lines.
      fill(page, "SELECT userId, count(*) AS orders FROM orders WHERE amout > 100 GROUP BY userId");
      page.evaluate("document.getElementById('preview').click()");
      until(page, d -> d.contains("column amout not found") && d.contains("422"),
          "the refusal's lines");

      // A good one shows the inferred columns and the rows.
      fill(page,
          "SELECT userId, count(*) AS orders FROM orders WHERE amount > 100 GROUP BY userId");
      page.evaluate("document.getElementById('preview').click()");
      String previewed = until(page, d -> d.contains("valid · 1 row"), "the preview's rows");
      assertTrue(previewed.contains("<th>orders bigint</th>"), previewed);
      assertTrue(previewed.contains("<td>u1</td><td>3</td>"), previewed);
      assertEquals(0, processor.seen.stream()
          .filter(r -> r.op() == ControlRequest.Op.APPLY).count(), "preview publishes nothing");

      // Publish: the reply line, then the new version followed from backfilling to live.
      page.evaluate("document.getElementById('publish').click()");
      until(page, d -> d.contains(VIEW + ": created → v1 backfilling")
          && d.contains(VIEW + " v1 backfilling 63 %") && d.contains("id=\"view-" + VIEW + "\""),
          "the reply and the backfill");
      ControlRequest applied = processor.seen.stream()
          .filter(r -> r.op() == ControlRequest.Op.APPLY).findFirst().orElseThrow();
      Map<?, ?> spec = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) applied.body().get("pipeline"))
          .get("views")).get(VIEW);
      assertEquals(Map.of("sql", "SELECT userId, count(*) AS orders FROM orders WHERE amount"
          + " > 100 GROUP BY userId", "key", "userId", "kind", "aggregate", "description",
          "Users with big orders"), spec);

      goLive();
      until(page, d -> d.contains(VIEW + " v1 live")
          && d.contains("id=\"view-" + VIEW + "\" data-version=\"1\" data-rows=\"1\""),
          "the view live with its first row counted");
      page.evaluate("document.querySelector('#view-" + VIEW + " .show-rows').click()");
      until(page, d -> d.contains("id=\"first-rows\"") && d.contains("<td>u1</td><td>3</td>"),
          "the view's first row, read over REST");

      // Drop, after the confirm.
      page.evaluate("window.confirm = function () { return true; };"
          + " document.querySelector('#view-" + VIEW + " .drop').click()");
      until(page, d -> d.contains(VIEW + ": dropped → retiring"), "the drop's reply");
      assertTrue(processor.seen.stream().anyMatch(r -> r.op() == ControlRequest.Op.DROP
          && VIEW.equals(r.body().get("view"))));
    }
  }

  private static void fill(Browser page, String sql) {
    page.evaluate("(function (f) { Object.keys(f).forEach(function (id) {"
        + " document.getElementById(id).value = f[id]; }); })(" + Json.write(Map.of(
            "name", VIEW, "key", "userId", "kind", "aggregate", "description",
            "Users with big orders", "sql", sql)) + ")");
  }

  private static String until(Browser page, Predicate<String> done, String what) {
    return Poll.until(Duration.ofSeconds(20), page::dom, d -> d != null && done.test(d), what);
  }

  /** What the processor answers; an apply also writes the view's definition and status. */
  private static ControlReply answer(ControlRequest request) {
    switch (request.op()) {
      case PREVIEW -> {
        Map<?, ?> views = (Map<?, ?>) ((Map<?, ?>) request.body().get("pipeline")).get("views");
        String sql = String.valueOf(((Map<?, ?>) views.get(VIEW)).get("sql"));
        if (sql.contains("amout")) {
          return ControlReply.refused(request.id(), "view '" + VIEW + "': sql: column amout"
              + " not found (orderId, userId, amount, price, ts)\nview '" + VIEW + "': 1 error");
        }
        return new ControlReply(request.id(), true, null, List.of(), Map.of(
            "columns", List.of(Map.of("name", "userId", "type", "string"),
                Map.of("name", "orders", "type", "bigint")),
            "rows", List.of(Map.of("key", "u1", "value", Map.of("orders", 3)))));
      }
      case APPLY -> {
        fx.seeder().send(Request.cmd(Command.HSET).arg(fx.keyspace.viewDefinitions()).arg(VIEW)
            .arg(Json.write(Map.of("name", VIEW, "serving", 0, "versions", List.of(Map.of(
                "version", 1, "spec", ((Map<?, ?>) ((Map<?, ?>) request.body().get("pipeline"))
                    .get("views")).get(VIEW), "state", "backfilling"))))));
        status(new VersionStatus(1, State.BACKFILLING, 0.63, 4_000, 0, 0, ""), 0);
        return new ControlReply(request.id(), true, null,
            List.of(new ViewResult(VIEW, Outcome.CREATED, 1, "v1 backfilling")), null);
      }
      case DROP -> {
        return new ControlReply(request.id(), true, null,
            List.of(new ViewResult(VIEW, Outcome.DROPPED, 1, "retiring")), null);
      }
      default -> {
        return FakeProcessor.ok(request);
      }
    }
  }

  /** The backfill caught up: the processor registers the view and its first row is served. */
  private static void goLive() {
    long now = System.currentTimeMillis();
    Row row = new Row(VIEW, "u1", 1, now, "{\"orders\":3}");
    fx.seeder().write(row);
    fx.seeder().index(row, null);
    fx.seeder().register(VIEW, "orders");
    status(new VersionStatus(1, State.LIVE, 1, 0, 1, now, ""), 1);
  }

  private static void status(VersionStatus version, long serving) {
    fx.seeder().send(Request.cmd(Command.HSET).arg(fx.keyspace.viewStatus()).arg(VIEW)
        .arg(new ViewStatus(VIEW, serving, List.of(version), System.currentTimeMillis())
            .toJson()));
  }
}
