package io.streamgate.gateway.limit.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.ManualClock;
import io.streamgate.gateway.config.LimitsConfig;
import io.streamgate.gateway.config.PlanConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.Test;

/**
 * Three gateways sharing one limit, simulated millisecond by millisecond on one manual clock with
 * an in-memory stand-in for the Redis counters: in every 60-second interval, including those
 * around the old fixed-window boundaries, the gateways together admit at most the documented
 * bound (the limit, 5 % of it and one sync interval's worth of traffic), and the whole budget
 * gets used.
 */
class ShareSimulationTest {
  private static final long LIMIT = 1_000;
  private static final long PERIOD_MS = 60_000;
  private static final int INTERVAL_MS = 100;
  private static final int GATEWAYS = 3;
  /** A multiple of 60 s: a fixed-window limiter would start from zero here. */
  private static final long BOUNDARY = 1_700_000_040_000L;

  @Test
  void threeGatewaysHammeredEvenlyAdmitTheLimitWithinTheBound() {
    Run run = run(new int[] {1, 1, 1}, 5_000, t -> true);
    assertWithinBound(run, 3L * INTERVAL_MS); // 3 requests per ms over one interval
  }

  @Test
  void trafficOnOneGatewayOnlyStillGetsTheWholeBudgetWithinTheBound() {
    assertWithinBound(run(new int[] {4, 0, 0}, 5_000, t -> true), 4L * INTERVAL_MS);
  }

  @Test
  void skewedTrafficStaysWithinTheBound() {
    assertWithinBound(run(new int[] {5, 1, 0}, 5_000, t -> true), 6L * INTERVAL_MS);
  }

  @Test
  void burstsAtEveryOldWindowBoundaryStayWithinTheBoundInAny60Seconds() {
    // Quiet, then 2 s of hammering around each minute boundary, for 3 minutes.
    Run run = run(new int[] {2, 1, 1}, 185_000,
        t -> Math.floorMod(t - BOUNDARY + 1_000, PERIOD_MS) < 2_000);
    assertWithinBound(run, 4L * INTERVAL_MS);
  }

  @Test
  void steadyHammeringForMinutesStaysWithinTheBoundInAny60Seconds() {
    assertWithinBound(run(new int[] {1, 1, 1}, 185_000, t -> t % 10 == 0), 30);
  }

  private static void assertWithinBound(Run run, long intervalWorth) {
    long bound = LIMIT + LIMIT * 5 / 100 + intervalWorth;
    String report = "worst 60 s admitted " + run.worst60s + " (overshoot "
        + (run.worst60s - LIMIT) + "), bound " + bound;
    System.out.println("ShareSimulationTest: " + report);
    assertTrue(run.worst60s <= bound, report);
    assertTrue(run.worst60s >= LIMIT * 95 / 100, report + ": the budget must get used");
  }

  record Run(long admitted, long worst60s) {}

  /**
   * @param perMs    requests each gateway receives every millisecond it is active
   * @param millis   how long to simulate, from 1 s before a boundary
   * @param active   whether the clients send at that clock time
   */
  private static Run run(int[] perMs, long millis, LongPredicate active) {
    ManualClock clock = new ManualClock(BOUNDARY - 1_000);
    LimitsConfig config = new LimitsConfig(true, "p", INTERVAL_MS,
        Map.of("p", new PlanConfig(LIMIT, (int) (PERIOD_MS / 1000))));
    List<SharedRateLimiter> gateways = new ArrayList<>();
    for (int i = 0; i < GATEWAYS; i++) {
      gateways.add(new SharedRateLimiter(config, clock, 10_000));
    }
    Map<Long, Long> redis = new HashMap<>();
    for (SharedRateLimiter g : gateways) {
      g.isAllowed("warmup", "p"); // makes the first sync real
      sync(g, redis, clock.millis());
    }
    List<Long> admits = new ArrayList<>();
    for (long t = 0; t < millis; t++) {
      clock.advance(1);
      long now = clock.millis();
      for (int i = 0; i < GATEWAYS; i++) {
        SharedRateLimiter g = gateways.get(i);
        if ((t + i * INTERVAL_MS / GATEWAYS) % INTERVAL_MS == 0) {
          sync(g, redis, now);
        }
        if (!active.test(now)) {
          continue;
        }
        for (int r = 0; r < perMs[i]; r++) {
          if (g.isAllowed("hammer", "p").allowed()) {
            admits.add(now);
          }
        }
      }
    }
    return new Run(admits.size(), worst(admits, PERIOD_MS));
  }

  /** Most admits within any interval of {@code length} ms ({@code admits} is sorted). */
  static long worst(List<Long> admits, long length) {
    long worst = 0;
    int from = 0;
    for (int to = 0; to < admits.size(); to++) {
      while (admits.get(to) - admits.get(from) >= length) {
        from++;
      }
      worst = Math.max(worst, to - from + 1);
    }
    return worst;
  }

  /** An instant sync against the stand-in: HINCRBY per slot, the hash read back. */
  private static void sync(SharedRateLimiter g, Map<Long, Long> redis, long now) {
    List<SlidingCounter.SyncItem> items = g.snapshot(now, now - RedisLimitSync.ACTIVE_MILLIS);
    List<Map<Long, Long>> globals = new ArrayList<>();
    for (SlidingCounter.SyncItem item : items) {
      if (!item.counter().principal.equals("hammer")) {
        globals.add(Map.of());
        continue;
      }
      for (int i = 0; i < item.slots().length; i++) {
        redis.merge(item.slots()[i], item.deltas()[i], Long::sum);
      }
      Map<Long, Long> counted = new HashMap<>();
      redis.forEach((slot, count) -> {
        if (slot >= item.oldestSlot()) {
          counted.put(slot, count);
        }
      });
      globals.add(counted);
    }
    g.applySync(items, globals, GATEWAYS, now);
  }
}
