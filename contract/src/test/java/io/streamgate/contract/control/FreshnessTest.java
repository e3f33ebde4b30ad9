package io.streamgate.contract.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.streamgate.contract.control.ViewStatus.State;
import io.streamgate.contract.control.ViewStatus.VersionStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class FreshnessTest {
  private static final long NOW = 1_800_000_000_000L;
  private static final long REPORTED = NOW - 400;

  private static ViewStatus status(VersionStatus... versions) {
    return new ViewStatus("v", 1, List.of(versions), REPORTED);
  }

  private static VersionStatus live(long lagRecords, long watermark, long caughtUpAt) {
    return new VersionStatus(1, State.LIVE, 1, lagRecords, 10, watermark, "", caughtUpAt);
  }

  @Test
  void caughtUpViewIsNotStaleWhileItsSourcesAreIdle() {
    long hourAgo = NOW - 3_600_000;
    Freshness f = Freshness.of(status(live(0, hourAgo, REPORTED)), 1, 400, NOW);
    assertEquals(new Freshness(hourAgo, 0), f);
  }

  @Test
  void behindViewLagsFromTheLaterOfWatermarkAndLastCaughtUp() {
    Freshness byWatermark = Freshness.of(status(live(50, NOW - 2_000, NOW - 9_000)), 1, 0, NOW);
    assertEquals(new Freshness(NOW - 2_000, 2_000), byWatermark);
    // An hour idle, then a batch of new events runs: behind by the time since it was caught
    // up, not by the hour since the last event.
    Freshness byCaughtUp = Freshness.of(status(live(3, NOW - 3_600_000, NOW - 1_200)), 1, 0, NOW);
    assertEquals(new Freshness(NOW - 3_600_000, 1_200), byCaughtUp);
  }

  @Test
  void caughtUpReportNotRenewedNoLongerVouches() {
    ViewStatus s = status(live(0, NOW - 60_000, REPORTED));
    assertEquals(0, Freshness.of(s, 1, Freshness.REPORT_MAX_AGE_MS, NOW).lagMs());
    assertEquals(7_000, Freshness.of(s, 1, 7_000, NOW).lagMs());
  }

  @Test
  void sourcesWithoutEventTimeUseTheLastCaughtUpInstantAsWatermark() {
    Freshness f = Freshness.of(status(live(0, 0, REPORTED)), 1, 0, NOW);
    assertEquals(new Freshness(REPORTED, 0), f);
  }

  @Test
  void unknownWithoutStatusVersionOrInstant() {
    assertFalse(Freshness.of(null, 1, 0, NOW).known());
    assertFalse(Freshness.of(status(live(0, 0, REPORTED)), 2, 0, NOW).known());
    VersionStatus backfilling = new VersionStatus(1, State.BACKFILLING, 0.1, 900, 0, 0, "", 0);
    assertEquals(Freshness.UNKNOWN, Freshness.of(status(backfilling), 1, 0, NOW));
  }

  @Test
  void statusWithoutCaughtUpAtStillParses() {
    String old = "{\"view\":\"v\",\"serving\":1,\"versions\":[{\"version\":1,\"state\":\"live\","
        + "\"progress\":1,\"lagRecords\":0,\"rows\":3,\"watermarkMs\":5,\"reason\":\"\"}],"
        + "\"updatedAt\":9}";
    assertEquals(0, ViewStatus.fromJson(old).versions().get(0).caughtUpAtMs());
    ViewStatus s = status(live(0, 5, REPORTED));
    assertEquals(s, ViewStatus.fromJson(s.toJson()));
  }
}
