package io.streamgate.gateway.usage.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.streamgate.gateway.config.LimitsConfig;
import io.streamgate.gateway.config.PlanConfig;
import io.streamgate.gateway.config.QuotaConfig;
import io.streamgate.gateway.usage.Counter;
import io.streamgate.gateway.usage.QuotaRefusal;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuotasTest {
  private static final long NOON = Instant.parse("2026-12-05T12:00:00Z").toEpochMilli();
  private final Quotas quotas = new Quotas(new LimitsConfig(true, null, 100, Map.of(
      "free", new PlanConfig(100, 60),
      "metered", new PlanConfig(100, 60, new QuotaConfig(new QuotaConfig.Amounts(3, 0, 0),
          new QuotaConfig.Amounts(0, 0, 10)))), "free"));

  @Test
  void aSpentDailyQuotaRefusesUntilTheEndOfTheUtcDay() {
    for (int i = 0; i < 3; i++) {
      assertNull(quotas.check("p", "metered", NOON));
      quotas.counted("p", Counter.REQUESTS_OK, 1);
    }
    QuotaRefusal refusal = quotas.check("p", "metered", NOON);
    assertEquals(new QuotaRefusal("metered", "day", "requests", 3, 3, 12 * 3600), refusal);
    // Rate-limited requests spend no quota; a new day starts from zero.
    assertNull(quotas.check("p", "metered", NOON + 12 * 3_600_000L));
  }

  @Test
  void theTotalsOfEveryGatewayCountOnceAFlushAnswersThem() {
    assertNull(quotas.check("p", "metered", NOON));
    quotas.counted("p", Counter.REQUESTS_OK, 1);
    // The flush wrote this gateway's 1 request; every gateway together made 3 today.
    quotas.learned("p", "2026-12-05", Map.of("requests", 3L), Map.of("requests", 3L),
        new long[] {1, 0, 0});
    assertNotNull(quotas.check("p", "metered", NOON));
  }

  @Test
  void aMonthlyQuotaOfEventsRefusesUntilTheMonthEnds() {
    assertNull(quotas.check("p", "metered", NOON));
    quotas.learned("p", "2026-12-05", Map.of(), Map.of("events", 10L), new long[3]);
    QuotaRefusal refusal = quotas.check("p", "metered", NOON);
    assertEquals("month", refusal.period());
    assertEquals("events", refusal.counter());
    assertEquals(26 * 86_400 + 12 * 3600, refusal.retryAfterSeconds());
  }

  @Test
  void yesterdaysUnflushedCountsStillSpendThisMonthsQuota() {
    assertNull(quotas.check("p", "metered", NOON));
    quotas.counted("p", Counter.EVENTS, 10);
    assertEquals("month", quotas.check("p", "metered", NOON + 86_400_000L).period());
  }

  @Test
  void plansWithoutQuotasAndUnknownPlansCostNothing() {
    assertNull(quotas.check("p", "free", NOON));
    assertNull(quotas.check("p", "no-such-plan", NOON));
    quotas.counted("q", Counter.REQUESTS_OK, 1);
    assertEquals(false, quotas.tracked("q"));
  }
}
