package io.streamgate.gateway.rest;

import static io.streamgate.gateway.GatewayFixture.assertProblem;
import static io.streamgate.gateway.GatewayFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.CatalogEntry;
import io.streamgate.contract.Row;
import io.streamgate.contract.ViewKind;
import io.streamgate.contract.control.Freshness;
import io.streamgate.contract.control.ViewStatus;
import io.streamgate.contract.control.ViewStatus.State;
import io.streamgate.contract.control.ViewStatus.VersionStatus;
import io.streamgate.gateway.GatewayFixture;
import io.streamgate.gateway.Poll;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Freshness on every REST answer, from the processor's view status as the processor writes it:
 * the headers, the view list, {@code max_staleness}.
 */
class FreshnessIT {
  /** Caught up at its last report; its last event an hour ago (an idle source). */
  private static final String IDLE = "idle_totals";
  /** A minute behind, records waiting. */
  private static final String BEHIND = "late_totals";
  /** No status: a view the processor has not reported (seeded, or before its first report). */
  private static final String UNREPORTED = "seeded_totals";
  private static final long STARTED = System.currentTimeMillis();
  private static final long HOUR_AGO = STARTED - 3_600_000;

  @TempDir static Path tempDir;
  static GatewayFixture fx;
  static String token;
  /** Plays the processor: rewrites the status every half second, as it does every second. */
  static ScheduledExecutorService processor;

  @BeforeAll
  static void start() {
    fx = GatewayFixture.start(tempDir, seed -> {
      for (String view : List.of(IDLE, BEHIND, UNREPORTED)) {
        seed.register(new CatalogEntry(view, "", "userId", ViewKind.AGGREGATE,
            List.of(new CatalogEntry.Column("total", "bigint")), "total", 0, 1));
        Row row = new Row(view, "u1", 1, 1, "{\"total\":3}");
        seed.write(row);
        seed.index(row, 3.0);
      }
    });
    token = fx.token("views:read");
    processor = Executors.newSingleThreadScheduledExecutor();
    processor.scheduleWithFixedDelay(FreshnessIT::report, 0, 500, TimeUnit.MILLISECONDS);
    Poll.until(Duration.ofSeconds(5), () -> fx.get("/v1/views/" + BEHIND + "/u1", token),
        r -> r.headers().firstValue("Streamgate-Lag-Ms").isPresent(), "the first status read");
  }

  private static void report() {
    long now = System.currentTimeMillis();
    status(IDLE, new VersionStatus(1, State.LIVE, 1, 0, 1, HOUR_AGO, "", now), now);
    status(BEHIND, new VersionStatus(1, State.LIVE, 1, 500, 1, STARTED - 60_000, "",
        STARTED - 90_000), now);
  }

  /** As the processor writes it: one field per view in the status hash. */
  private static void status(String view, VersionStatus version, long updatedAt) {
    fx.seeder().send(Request.cmd(Command.HSET).arg(fx.keyspace.viewStatus()).arg(view)
        .arg(new ViewStatus(view, 1, List.of(version), updatedAt).toJson()));
  }

  @AfterAll
  static void stop() {
    if (processor != null) {
      processor.shutdownNow();
    }
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void caughtUpViewAnswersLagZeroWithItsWatermarkOnEveryShape() {
    for (String path : List.of("/v1/views/" + IDLE + "/u1", "/v1/views/" + IDLE + "?keys=u1",
        "/v1/views/" + IDLE + "?limit=5", "/v1/views/" + IDLE + "/top?n=1",
        "/v1/views/" + IDLE + "/nobody")) {
      HttpResponse<String> response = fx.get(path, token);
      assertEquals(path.endsWith("nobody") ? 404 : 200, response.statusCode(), path);
      assertEquals(Instant.ofEpochMilli(HOUR_AGO).toString(),
          response.headers().firstValue("Streamgate-Watermark").orElseThrow(), path);
      assertEquals("0", response.headers().firstValue("Streamgate-Lag-Ms").orElseThrow(), path);
    }
    assertEquals(200, fx.get("/v1/views/" + IDLE + "/u1?max_staleness=0ms", token).statusCode());
  }

  @Test
  void behindViewLagsFromItsWatermarkAndMaxStalenessRefusesIt() {
    HttpResponse<String> ok = fx.get("/v1/views/" + BEHIND + "/u1?max_staleness=5m", token);
    assertEquals(200, ok.statusCode());
    long lag = Long.parseLong(ok.headers().firstValue("Streamgate-Lag-Ms").orElseThrow());
    assertTrue(lag >= 60_000 && lag < 120_000, "lag " + lag);

    HttpResponse<String> stale = fx.get("/v1/views/" + BEHIND + "?limit=5&max_staleness=2s",
        token);
    assertProblem(stale, 503, "stale-view");
    JsonObject problem = json(stale);
    assertTrue(problem.getLong("lagMs") >= 60_000, problem.encode());
    assertEquals(2_000, problem.getLong("maxStalenessMs"));
    assertEquals("60", stale.headers().firstValue("Retry-After").orElseThrow());
    assertTrue(stale.headers().firstValue("Streamgate-Lag-Ms").isPresent());
  }

  @Test
  void unreportedViewHasNoFreshnessAndCannotMeetAMaxStaleness() {
    HttpResponse<String> response = fx.get("/v1/views/" + UNREPORTED + "/u1", token);
    assertEquals(200, response.statusCode());
    assertFalse(response.headers().firstValue("Streamgate-Lag-Ms").isPresent());
    assertFalse(response.headers().firstValue("Streamgate-Watermark").isPresent());
    HttpResponse<String> stale = fx.get("/v1/views/" + UNREPORTED + "/top?max_staleness=1m",
        token);
    assertProblem(stale, 503, "stale-view");
    assertNull(json(stale).getValue("lagMs"));
  }

  @Test
  void malformedMaxStalenessIs400() {
    for (String bad : List.of("abc", "2", "2h", "-1s", "1.5s", "99999999999s", "2s&max_staleness=3s")) {
      assertProblem(fx.get("/v1/views/" + IDLE + "/u1?max_staleness=" + bad, token), 400,
          "bad-request");
    }
  }

  @Test
  void viewListPublishesEachViewsFreshness() {
    JsonObject listed = json(fx.get("/v1/views", token));
    for (Object o : listed.getJsonArray("views")) {
      JsonObject view = (JsonObject) o;
      switch (view.getString("name")) {
        case IDLE -> {
          assertEquals(0L, view.getLong("lagMs"));
          assertEquals(Instant.ofEpochMilli(HOUR_AGO).toString(), view.getString("watermark"));
        }
        case BEHIND -> assertTrue(view.getLong("lagMs") >= 60_000, view.encode());
        case UNREPORTED -> {
          assertTrue(view.containsKey("lagMs") && view.getValue("lagMs") == null);
          assertNull(view.getValue("watermark"));
        }
        default -> { } // another test's view
      }
    }
  }

  @Test
  void aNewReportIsSeenWithinAboutASecond() {
    String view = "moving_totals";
    fx.seeder().register(new CatalogEntry(view, "", "userId", ViewKind.AGGREGATE,
        List.of(new CatalogEntry.Column("total", "bigint")), null, 0, 1));
    long now = System.currentTimeMillis();
    status(view, new VersionStatus(1, State.BACKFILLING, 0.5, 9, 0, now - 30_000, "", 0), now);
    Poll.until(Duration.ofSeconds(5), () -> fx.get("/v1/views/" + view + "/u1", token)
        .headers().firstValue("Streamgate-Lag-Ms").map(Long::parseLong).orElse(-1L),
        lag -> lag >= 30_000, "the backfill's lag");
    long later = System.currentTimeMillis();
    status(view, new VersionStatus(1, State.LIVE, 1, 0, 0, later - 100, "", later), later);
    HttpResponse<String> caughtUp = Poll.until(Duration.ofSeconds(5),
        () -> fx.get("/v1/views/" + view + "/u1", token),
        r -> r.headers().firstValue("Streamgate-Lag-Ms").orElse("").equals("0"), "caught up");

    // Then the processor goes silent: after 5 s its report no longer vouches for the view.
    long silentSince = System.nanoTime();
    assertEquals(Instant.ofEpochMilli(later - 100).toString(),
        caughtUp.headers().firstValue("Streamgate-Watermark").orElseThrow());
    long lag = Poll.until(Duration.ofSeconds(10), () -> Long.parseLong(fx.get("/v1/views/"
        + view + "/u1", token).headers().firstValue("Streamgate-Lag-Ms").orElseThrow()),
        l -> l > Freshness.REPORT_MAX_AGE_MS, "a lag once the reports stop");
    assertTrue(System.nanoTime() - silentSince >= TimeUnit.MILLISECONDS.toNanos(4_000),
        "lag " + lag + " too early");
  }
}
