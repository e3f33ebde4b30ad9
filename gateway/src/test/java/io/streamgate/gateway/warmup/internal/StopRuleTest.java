package io.streamgate.gateway.warmup.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamgate.gateway.warmup.internal.StopRule.Verdict;
import org.junit.jupiter.api.Test;

/** The warm-up's stop rule, window by window. */
class StopRuleTest {
  private static final long SECOND = 1_000;
  /** The JIT compiled for no time in the window. */
  private static final long QUIET = 0;

  @Test
  void goesOnWhileTheRateRises() {
    StopRule rule = new StopRule(3_000, 10_000);
    long[] rates = {500, 2_000, 6_000, 9_000, 12_000, 14_000};
    for (int i = 0; i < rates.length; i++) {
      assertEquals(Verdict.GO_ON,
          rule.afterWindow((i + 1) * SECOND, SECOND, rates[i], 0, true, QUIET),
          "window " + (i + 1));
    }
  }

  @Test
  void stopsOnceTwoWindowsInARowDoNotBeatTheBestByMoreThanFivePercent() {
    StopRule rule = new StopRule(3_000, 10_000);
    assertEquals(Verdict.GO_ON, rule.afterWindow(1_000, SECOND, 1_000, 0, true, QUIET));
    assertEquals(Verdict.GO_ON, rule.afterWindow(2_000, SECOND, 10_000, 0, true, QUIET));
    // +4 %: flat
    assertEquals(Verdict.GO_ON, rule.afterWindow(3_000, SECOND, 10_400, 0, true, QUIET));
    assertEquals(Verdict.GO_ON, rule.afterWindow(4_000, SECOND, 11_000, 0, true, QUIET)); // +5.8 %
    assertEquals(Verdict.GO_ON, rule.afterWindow(5_000, SECOND, 10_000, 0, true, QUIET));
    assertEquals(Verdict.RATE_FLAT, rule.afterWindow(6_000, SECOND, 11_500, 0, true, QUIET));
  }

  @Test
  void aFlatRateBeforeTheMinimumDoesNotStopIt() {
    StopRule rule = new StopRule(5_000, 10_000);
    for (long t = 1; t < 5; t++) {
      assertEquals(Verdict.GO_ON, rule.afterWindow(t * SECOND, SECOND, 8_000, 0, true, QUIET),
          "t=" + t);
    }
    assertEquals(Verdict.RATE_FLAT, rule.afterWindow(5 * SECOND, SECOND, 8_000, 0, true, QUIET));
  }

  @Test
  void stopsAtTheMaximumEvenWhileRising() {
    StopRule rule = new StopRule(1_000, 3_000);
    assertEquals(Verdict.GO_ON, rule.afterWindow(1_000, SECOND, 1_000, 0, true, QUIET));
    assertEquals(Verdict.GO_ON, rule.afterWindow(2_000, SECOND, 2_000, 0, true, QUIET));
    assertEquals(Verdict.MAX_TIME, rule.afterWindow(3_000, SECOND, 4_000, 0, true, QUIET));
  }

  @Test
  void stopsAtOnceWhenRedisDoesNotAnswerOrMostAnswersAreServerErrorsOrNoneCame() {
    assertEquals(Verdict.NOT_ANSWERING, fresh().afterWindow(1_000, SECOND, 100, 51, true, QUIET));
    assertEquals(Verdict.NOT_ANSWERING, fresh().afterWindow(1_000, SECOND, 0, 0, true, QUIET));
    // Reads of a view the catalog lacks answer 404 without asking Redis.
    assertEquals(Verdict.NOT_ANSWERING, fresh().afterWindow(1_000, SECOND, 900, 0, false, QUIET));
    assertEquals(Verdict.GO_ON, fresh().afterWindow(1_000, SECOND, 100, 50, true, QUIET));
  }

  private static StopRule fresh() {
    return new StopRule(3_000, 10_000);
  }

  @Test
  void comparesRatesNotCountsWhenATimerFiresLate() {
    StopRule rule = new StopRule(0, 10_000);
    assertEquals(Verdict.GO_ON, rule.afterWindow(1_000, SECOND, 10_000, 0, true, QUIET));
    // 15,000 answers in 1.5 s is the same rate: flat, not a 50 % rise.
    assertEquals(Verdict.GO_ON, rule.afterWindow(2_500, 1_500, 15_000, 0, true, QUIET));
    assertEquals(Verdict.RATE_FLAT, rule.afterWindow(3_500, SECOND, 10_000, 0, true, QUIET));
  }

  @Test
  void aFlatRateGoesOnWhileTheJitCompilesForMoreThanATenthOfTheWindow() {
    StopRule rule = new StopRule(0, 30_000);
    assertEquals(Verdict.GO_ON, rule.afterWindow(1_000, SECOND, 2_000, 0, true, 400));
    assertEquals(Verdict.GO_ON, rule.afterWindow(2_000, SECOND, 2_000, 0, true, 400));
    assertEquals(Verdict.GO_ON, rule.afterWindow(3_000, SECOND, 2_100, 0, true, 101),
        "flat, but the JIT is still at work: the rate is not the warm one yet");
    assertEquals(Verdict.GO_ON, rule.afterWindow(4_000, SECOND, 2_100, 0, true, 100),
        "the JIT quiet in one window only: a lull between compilations");
    assertEquals(Verdict.RATE_FLAT, rule.afterWindow(5_000, SECOND, 2_100, 0, true, 0),
        "flat, and the JIT quiet for two windows");
  }

  @Test
  void withoutWordFromTheJitTheRateAloneDecides() {
    StopRule rule = new StopRule(0, 10_000);
    assertEquals(Verdict.GO_ON, rule.afterWindow(1_000, SECOND, 8_000, 0, true, -1));
    assertEquals(Verdict.GO_ON, rule.afterWindow(2_000, SECOND, 8_000, 0, true, -1));
    assertEquals(Verdict.RATE_FLAT, rule.afterWindow(3_000, SECOND, 8_000, 0, true, -1));
  }
}
