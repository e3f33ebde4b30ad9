package io.streamgate.gateway.limit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.ManualClock;
import io.streamgate.gateway.config.LimitsConfig;
import io.streamgate.gateway.config.PlanConfig;
import io.streamgate.gateway.limit.Decision;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The in-memory half of the limiter, on a manual clock, with syncs applied by hand. */
class SharedRateLimiterTest {
  /** 60 s windows start at multiples of 60,000 ms; start 10 s into one. */
  private static final long WINDOW_START = 1_700_000_040_000L;
  private static final long STALE_AFTER = 1_000;
  private static final LimitsConfig CONFIG = new LimitsConfig(true, "default", 100, Map.of(
      "default", new PlanConfig(1_000, 60), "trial", new PlanConfig(20, 60)));

  private final ManualClock clock = new ManualClock(WINDOW_START + 10_000);
  private final SharedRateLimiter limiter = new SharedRateLimiter(CONFIG, clock, STALE_AFTER);

  @Test
  void withoutAnySyncOneInstanceEnforcesTheWholeLimitItself() {
    for (int i = 0; i < 20; i++) {
      Decision d = limiter.isAllowed("alice", "trial");
      assertTrue(d.allowed(), "request " + i);
      assertEquals(19 - i, d.remaining());
    }
    Decision refused = limiter.isAllowed("alice", "trial");
    assertFalse(refused.allowed());
    assertEquals(0, refused.remaining());
    assertEquals(50, refused.resetSeconds(), "window ends 50 s from now");
    assertEquals(50, refused.retryAfterSeconds());
    assertEquals(Map.of("RateLimit-Limit", "20", "RateLimit-Remaining", "0",
        "RateLimit-Reset", "50", "Retry-After", "50"), refused.headers());
    assertTrue(limiter.isAllowed("bob", "trial").allowed(), "principals are counted apart");
  }

  @Test
  void theNextWindowStartsFromZero() {
    exhaust("alice", "trial", 20);
    clock.set(WINDOW_START + 60_000);
    Decision d = limiter.isAllowed("alice", "trial");
    assertTrue(d.allowed());
    assertEquals(19, d.remaining());
    assertEquals(60, d.resetSeconds());
  }

  @Test
  void tokensWithoutOrWithAnUnknownPlanGetTheDefaultPlan() {
    assertEquals(1_000, limiter.isAllowed("alice", null).limit());
    assertEquals("default", limiter.isAllowed("alice", "platinum").plan());
    assertEquals(997, limiter.isAllowed("alice", "platinum").remaining(), "one shared budget");
  }

  @Test
  void onceSharedEachInstanceAdmitsItsShareOfWhatIsLeftUntilTheNextSync() {
    limiter.isAllowed("alice", "trial");
    sync(3, 0); // three gateways, nobody else used anything: 19 left → share ceil(19/3) = 7
    for (int i = 0; i < 7; i++) {
      assertTrue(limiter.isAllowed("alice", "trial").allowed(), "request " + i);
    }
    Decision refused = limiter.isAllowed("alice", "trial");
    assertFalse(refused.allowed(), "share used up");
    assertEquals(12, refused.remaining(), "budget is left globally");
    assertEquals(1, refused.retryAfterSeconds(), "retry after the next sync, not the window");

    sync(3, 5); // the others admitted 5: 20 - (1 + 7 + 5) = 7 left → share 3
    for (int i = 0; i < 3; i++) {
      assertTrue(limiter.isAllowed("alice", "trial").allowed());
    }
    assertFalse(limiter.isAllowed("alice", "trial").allowed());
  }

  @Test
  void whenTheGlobalCountReachesTheLimitEveryInstanceRefusesUntilTheWindowEnds() {
    limiter.isAllowed("alice", "trial");
    sync(3, 19);
    Decision refused = limiter.isAllowed("alice", "trial");
    assertFalse(refused.allowed());
    assertEquals(50, refused.retryAfterSeconds());
  }

  @Test
  void whenSyncsStopTheInstanceFallsBackToTheWholeLimitLocally() {
    limiter.isAllowed("alice", "trial");
    sync(3, 0);
    exhaustShare();
    clock.advance(STALE_AFTER + 1); // Redis unreachable for longer than the shared counts last
    int admitted = 0;
    while (limiter.isAllowed("alice", "trial").allowed()) {
      admitted++;
    }
    assertEquals(20 - 1 - 7, admitted, "the rest of the limit, as far as this instance knows");
  }

  @Test
  void aFailedSyncKeepsItsCountForTheNextOne() {
    limiter.isAllowed("alice", "trial");
    limiter.isAllowed("alice", "trial");
    long now = clock.millis();
    List<WindowCounter.SyncItem> first = limiter.snapshot(now, now);
    assertEquals(2, first.get(0).delta());
    limiter.failSync(first);
    limiter.isAllowed("alice", "trial");
    List<WindowCounter.SyncItem> second = limiter.snapshot(now, now);
    assertEquals(3, second.get(0).delta());
  }

  @Test
  void idleCountersAreNotSyncedAndEndedWindowsAreDropped() {
    limiter.isAllowed("alice", "trial");
    long now = clock.millis();
    limiter.applySync(limiter.snapshot(now, now), new long[] {1}, 1, now);
    clock.advance(3_000);
    now = clock.millis();
    assertEquals(List.of(), limiter.snapshot(now, now - RedisLimitSync.ACTIVE_MILLIS));
    clock.set(WINDOW_START + 60_000);
    now = clock.millis();
    assertEquals(List.of(), limiter.snapshot(now, 0));
    assertEquals(20 - 1, limiter.isAllowed("alice", "trial").remaining(), "fresh counter");
  }

  /** The shared count of alice's window in the fake Redis. */
  private long redis;

  /** One sync, with {@code othersAdmitted} added by the other gateways since the last one. */
  private void sync(int instances, long othersAdmitted) {
    redis += othersAdmitted;
    long now = clock.millis();
    List<WindowCounter.SyncItem> items = limiter.snapshot(now, now);
    long[] globals = new long[items.size()];
    for (int i = 0; i < items.size(); i++) {
      redis += items.get(i).delta();
      globals[i] = redis;
    }
    limiter.applySync(items, globals, instances, now);
  }

  private void exhaustShare() {
    while (limiter.isAllowed("alice", "trial").allowed()) {
      // use this instance's share
    }
  }

  private void exhaust(String principal, String plan, int n) {
    for (int i = 0; i < n; i++) {
      assertTrue(limiter.isAllowed(principal, plan).allowed());
    }
    assertFalse(limiter.isAllowed(principal, plan).allowed());
  }
}
