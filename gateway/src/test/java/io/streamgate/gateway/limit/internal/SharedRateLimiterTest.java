package io.streamgate.gateway.limit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.ManualClock;
import io.streamgate.gateway.config.LimitsConfig;
import io.streamgate.gateway.config.PlanConfig;
import io.streamgate.gateway.limit.Decision;
import io.streamgate.gateway.limit.RateLimiter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The in-memory half of the limiter, on a manual clock, with syncs applied by hand. */
class SharedRateLimiterTest {
  /** 2 s slots start at multiples of 2,000 ms; start at the beginning of one. */
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
    assertEquals(62, refused.resetSeconds(), "the requests leave the window 62 s from now");
    assertEquals(62, refused.retryAfterSeconds());
    assertEquals(Map.of("RateLimit-Limit", "20", "RateLimit-Remaining", "0",
        "RateLimit-Reset", "62", "Retry-After", "62"), refused.headers());
    assertTrue(limiter.isAllowed("bob", "trial").allowed(), "principals are counted apart");
  }

  @Test
  void aRehearsalRunsTheSameCodeOnCountsOfItsOwnAndNeverRefuses() {
    RateLimiter rehearsal = limiter.rehearsal();
    for (int i = 0; i < 100; i++) {
      assertTrue(rehearsal.isAllowed("alice", "trial").allowed(), "request " + i);
    }
    assertEquals(19, limiter.isAllowed("alice", "trial").remaining(),
        "the rehearsal's requests count in no budget of the limiter's");
    assertEquals(1, limiter.snapshot(clock.millis(), 0).size(), "only alice's real request");
  }

  @Test
  void aCostCountsAllOrNothing() {
    Decision d = limiter.isAllowed("carol", "trial", 15);
    assertTrue(d.allowed());
    assertEquals(5, d.remaining());
    Decision refused = limiter.isAllowed("carol", "trial", 6);
    assertFalse(refused.allowed(), "6 do not fit in 5");
    assertEquals(5, refused.remaining(), "a refused cost counts nothing");
    assertEquals(62, refused.retryAfterSeconds(), "until one of the 15 leaves the window");
    assertTrue(limiter.isAllowed("carol", "trial", 5).allowed());
    assertFalse(limiter.isAllowed("carol", "trial").allowed());
  }

  @Test
  void requestsLeaveTheWindowOnePeriodAndOneSlotAfterTheirSlot() {
    exhaust("alice", "trial", 20);
    clock.advance(61_999);
    assertFalse(limiter.isAllowed("alice", "trial").allowed(), "still within 60 s + one slot");
    clock.advance(1);
    Decision d = limiter.isAllowed("alice", "trial");
    assertTrue(d.allowed());
    assertEquals(19, d.remaining());
  }

  @Test
  void aBurstAtTheOldFixedWindowBoundaryGetsNoSecondLimit() {
    clock.set(WINDOW_START + 59_000);
    exhaust("alice", "trial", 20);
    clock.set(WINDOW_START + 60_500);
    Decision refused = limiter.isAllowed("alice", "trial");
    assertFalse(refused.allowed(), "a fixed window would start again from zero here");
    assertEquals(60, refused.retryAfterSeconds(), "the burst's slot (from 58 s) leaves at 120 s");
  }

  @Test
  void requestsSpreadOverThePeriodLeaveOneSlotAtATime() {
    for (int i = 0; i < 20; i++) {
      assertTrue(limiter.isAllowed("alice", "trial").allowed(), "request " + i);
      clock.advance(3_000);
    }
    // 20 requests at 0, 3, ..., 57 s; now 60 s. The one at 0 s leaves at 62 s.
    Decision refused = limiter.isAllowed("alice", "trial");
    assertFalse(refused.allowed());
    assertEquals(2, refused.retryAfterSeconds());
    clock.advance(2_000);
    assertTrue(limiter.isAllowed("alice", "trial").allowed());
    assertFalse(limiter.isAllowed("alice", "trial").allowed());
  }

  @Test
  void tokensWithoutOrWithAnUnknownPlanGetTheFallbackPlan() {
    assertEquals(1_000, limiter.isAllowed("alice", null).limit());
    assertEquals("default", limiter.isAllowed("alice", "platinum").plan());
    assertEquals(997, limiter.isAllowed("alice", "platinum").remaining(), "one shared budget");
  }

  @Test
  void withoutAConfiguredFallbackTheMostRestrictivePlanApplies() {
    SharedRateLimiter strict = new SharedRateLimiter(new LimitsConfig(true, null, 100, Map.of(
        "default", new PlanConfig(1_000, 60), "trial", new PlanConfig(20, 60),
        "hourly", new PlanConfig(600, 3_600))), clock, STALE_AFTER);
    assertEquals("hourly", strict.isAllowed("bob", null).plan(), "600/h is 10/min");
    assertEquals("hourly", strict.isAllowed("bob", "platinum").plan());
  }

  @Test
  void oneSubjectHasOneBudgetWhateverPlanItsTokensName() {
    for (int i = 0; i < 15; i++) {
      assertTrue(limiter.isAllowed("carol", "default").allowed());
    }
    Decision trial = limiter.isAllowed("carol", "trial");
    assertEquals(4, trial.remaining(), "the 15 requests under another plan count too");
    for (int i = 0; i < 4; i++) {
      assertTrue(limiter.isAllowed("carol", "trial").allowed());
    }
    assertFalse(limiter.isAllowed("carol", "trial").allowed());
    assertTrue(limiter.isAllowed("carol", null).allowed(), "the fallback plan's limit is 1000");
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
  void whenTheGlobalCountReachesTheLimitEveryInstanceRefusesUntilRequestsLeaveTheWindow() {
    limiter.isAllowed("alice", "trial");
    sync(3, 19);
    Decision refused = limiter.isAllowed("alice", "trial");
    assertFalse(refused.allowed());
    assertEquals(62, refused.retryAfterSeconds());
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
    List<SlidingCounter.SyncItem> first = limiter.snapshot(now, now);
    assertEquals(2, first.get(0).delta());
    limiter.failSync(first);
    limiter.isAllowed("alice", "trial");
    List<SlidingCounter.SyncItem> second = limiter.snapshot(now, now);
    assertEquals(3, second.get(0).delta());
  }

  @Test
  void idleCountersAreNotSyncedAndCountersWithNothingInTheWindowAreDropped() {
    limiter.isAllowed("alice", "trial");
    long now = clock.millis();
    List<SlidingCounter.SyncItem> items = limiter.snapshot(now, now);
    limiter.applySync(items, List.of(Map.of(items.get(0).slots()[0], 1L)), 1, now);
    clock.advance(3_000);
    now = clock.millis();
    assertEquals(List.of(), limiter.snapshot(now, now - RedisLimitSync.ACTIVE_MILLIS));
    clock.advance(60_000);
    now = clock.millis();
    assertEquals(List.of(), limiter.snapshot(now, 0));
    assertEquals(20 - 1, limiter.isAllowed("alice", "trial").remaining(), "fresh counter");
  }

  /** The shared count of alice's slots in the fake Redis. */
  private final Map<Long, Long> redis = new java.util.HashMap<>();

  /** One sync, with {@code othersAdmitted} added by the other gateways since the last one. */
  private void sync(int instances, long othersAdmitted) {
    long now = clock.millis();
    redis.merge(now / 2_000, othersAdmitted, Long::sum);
    List<SlidingCounter.SyncItem> items = limiter.snapshot(now, now);
    List<Map<Long, Long>> globals = new java.util.ArrayList<>();
    for (SlidingCounter.SyncItem item : items) {
      for (int i = 0; i < item.slots().length; i++) {
        redis.merge(item.slots()[i], item.deltas()[i], Long::sum);
      }
      globals.add(Map.copyOf(redis));
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
