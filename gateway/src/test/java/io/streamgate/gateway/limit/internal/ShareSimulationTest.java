package io.streamgate.gateway.limit.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.ManualClock;
import io.streamgate.gateway.config.LimitsConfig;
import io.streamgate.gateway.config.PlanConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Three gateways sharing one limit, simulated millisecond by millisecond on one manual clock with
 * an in-memory stand-in for the Redis counters: the overshoot stays within the documented bound
 * (5 % of the limit plus one sync interval's worth of traffic) and the whole budget gets used.
 */
class ShareSimulationTest {
  private static final long LIMIT = 1_000;
  private static final int INTERVAL_MS = 100;
  private static final int GATEWAYS = 3;

  @Test
  void threeGatewaysHammeredEvenlyAdmitTheLimitWithinTheBound() {
    long admitted = run(new int[] {1, 1, 1});
    long worth = 3L * INTERVAL_MS; // 3 requests per ms over one interval
    assertWithinBound(admitted, worth);
  }

  @Test
  void trafficOnOneGatewayOnlyStillGetsTheWholeBudgetWithinTheBound() {
    long admitted = run(new int[] {4, 0, 0});
    assertWithinBound(admitted, 4L * INTERVAL_MS);
  }

  @Test
  void skewedTrafficStaysWithinTheBound() {
    long admitted = run(new int[] {5, 1, 0});
    assertWithinBound(admitted, 6L * INTERVAL_MS);
  }

  private static void assertWithinBound(long admitted, long intervalWorth) {
    long bound = LIMIT + LIMIT * 5 / 100 + intervalWorth;
    assertTrue(admitted <= bound, "admitted " + admitted + ", bound " + bound);
    assertTrue(admitted >= LIMIT, "admitted " + admitted + ": the budget must get used");
  }

  /**
   * @param perMs requests each gateway receives every millisecond
   * @return requests admitted by all gateways together within one window
   */
  private static long run(int[] perMs) {
    long windowStart = 1_700_000_040_000L;
    ManualClock clock = new ManualClock(windowStart + 1_000);
    LimitsConfig config = new LimitsConfig(true, "p", INTERVAL_MS,
        Map.of("p", new PlanConfig(LIMIT, 60)));
    List<SharedRateLimiter> gateways = new ArrayList<>();
    for (int i = 0; i < GATEWAYS; i++) {
      gateways.add(new SharedRateLimiter(config, clock, 10_000));
    }
    Map<Long, Long> redis = new HashMap<>();
    for (SharedRateLimiter g : gateways) {
      g.isAllowed("warmup", "p"); // creates nothing for "hammer"; just makes the first sync real
      sync(g, redis, clock.millis());
    }
    long admitted = 0;
    for (int t = 0; t < 5_000; t++) {
      clock.advance(1);
      for (int i = 0; i < GATEWAYS; i++) {
        SharedRateLimiter g = gateways.get(i);
        if ((t + i * INTERVAL_MS / GATEWAYS) % INTERVAL_MS == 0) {
          sync(g, redis, clock.millis());
        }
        for (int r = 0; r < perMs[i]; r++) {
          if (g.isAllowed("hammer", "p").allowed()) {
            admitted++;
          }
        }
      }
    }
    return admitted;
  }

  /** An instant sync against the stand-in: INCRBY per counter, keyed by window. */
  private static void sync(SharedRateLimiter g, Map<Long, Long> redis, long now) {
    List<WindowCounter.SyncItem> items = new ArrayList<>();
    for (WindowCounter.SyncItem item : g.snapshot(now, now - RedisLimitSync.ACTIVE_MILLIS)) {
      if (item.counter().principal.equals("hammer")) {
        items.add(item);
      } else {
        item.counter().applySync(item, item.delta(), GATEWAYS);
      }
    }
    long[] globals = new long[items.size()];
    for (int i = 0; i < items.size(); i++) {
      globals[i] = redis.merge(items.get(i).window(), items.get(i).delta(), Long::sum);
    }
    g.applySync(items, globals, GATEWAYS, now);
  }
}
