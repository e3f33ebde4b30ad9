package io.streamgate.gateway.usage.internal;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.streamgate.gateway.ManualClock;
import io.streamgate.gateway.auth.Principal;
import io.streamgate.gateway.config.LimitsConfig;
import io.streamgate.gateway.config.PlanConfig;
import io.streamgate.gateway.config.QuotaConfig;
import io.streamgate.gateway.usage.Counter;
import io.streamgate.gateway.usage.Usage;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The warm-up's metering: the same code, counted apart, never refused (no Redis: no flush). */
class RedisUsageRehearsalTest {
  private static final LimitsConfig PLANS = new LimitsConfig(true, null, 100, Map.of(
      "metered", new PlanConfig(100, 60, new QuotaConfig(new QuotaConfig.Amounts(3, 0, 0),
          new QuotaConfig.Amounts(0, 0, 0)))), "metered");
  private static final Principal P = new Principal("p", Set.of(Principal.READ_ALL_VIEWS),
      "metered", null, Principal.NO_EXPIRY, null);

  private final RedisUsage usage = new RedisUsage(null, null, PLANS,
      new ManualClock(Instant.parse("2026-12-05T12:00:00Z").toEpochMilli()));

  @Test
  void aRehearsalNeverRefusesAndCountsNothingOfTheGateways() {
    Usage rehearsal = usage.rehearsal();
    for (int i = 0; i < 10; i++) {
      assertNull(rehearsal.quota(P), "request " + i + " of a quota of 3");
      rehearsal.count(P, Usage.NO_RESOURCE, Counter.REQUESTS_OK, 1);
    }
    for (int i = 0; i < 3; i++) {
      assertNull(usage.quota(P), "the rehearsal's requests are not the principal's: " + i);
      usage.count(P, Usage.NO_RESOURCE, Counter.REQUESTS_OK, 1);
    }
    assertNotNull(usage.quota(P), "the principal's own three spend its quota");
  }
}
