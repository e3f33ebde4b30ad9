package io.streamgate.contract.control;

import io.streamgate.contract.control.ViewStatus.VersionStatus;

/**
 * How fresh the answers of a view version are at one instant, read from the processor's
 * {@link ViewStatus} (written every second): the one rule behind the gateway's
 * {@code Streamgate-Watermark} and {@code Streamgate-Lag-Ms} headers, push messages, the view
 * listing and {@code max_staleness}. Pure and immutable.
 *
 * <ul>
 *   <li><b>Caught up</b>: at its latest report the version had read every record of its sources
 *   and no batch with data was running ({@code lagRecords == 0}, {@code caughtUpAtMs ==
 *   updatedAt}). Its lag is 0, however long ago the last event arrived: a view that processed
 *   everything is not stale because its sources are idle. A report that the reader has not
 *   seen renewed for {@link #REPORT_MAX_AGE_MS} (the processor stopped or cannot reach Redis)
 *   no longer vouches for that: the lag is then the report's age.</li>
 *   <li><b>Behind</b> (backfilling, a batch running, failed): the lag is {@code now} minus the
 *   later of its watermark (the greatest event time it processed) and the last moment it was
 *   caught up: every event it has not processed arrived after that moment.</li>
 *   <li><b>Unknown</b>: no status for the version, or behind with neither instant known.</li>
 * </ul>
 *
 * @param watermarkMs the event time up to which the version reflects its sources, epoch ms: its
 *                    watermark, or, for sources without an event time, the last moment it was
 *                    caught up; 0 unknown
 * @param lagMs       how far its processing is behind its sources, ms; -1 unknown
 */
public record Freshness(long watermarkMs, long lagMs) {
  /** Nothing is known of the version. */
  public static final Freshness UNKNOWN = new Freshness(0, -1);
  /**
   * The processor reports every second; a caught-up report not renewed for this long no longer
   * vouches that the view is caught up.
   */
  public static final long REPORT_MAX_AGE_MS = 5_000;

  public boolean known() {
    return lagMs >= 0;
  }

  /**
   * @param status      the view's latest status, may be null
   * @param version     the view version answering
   * @param reportAgeMs since when the reader has seen this report (its own clock, so the two
   *                    processes' clocks need not agree for it)
   * @param now         epoch ms, the reader's clock
   */
  public static Freshness of(ViewStatus status, long version, long reportAgeMs, long now) {
    VersionStatus v = status == null ? null : status.version(version);
    if (v == null) {
      return UNKNOWN;
    }
    long watermark = v.watermarkMs() > 0 ? v.watermarkMs() : Math.max(0, v.caughtUpAtMs());
    boolean caughtUp = v.lagRecords() == 0 && v.caughtUpAtMs() > 0
        && v.caughtUpAtMs() >= status.updatedAt();
    if (caughtUp) {
      long age = Math.max(0, reportAgeMs);
      return new Freshness(watermark, age <= REPORT_MAX_AGE_MS ? 0 : age);
    }
    long asOf = Math.max(v.watermarkMs(), v.caughtUpAtMs());
    return asOf <= 0 ? new Freshness(watermark, -1)
        : new Freshness(watermark, Math.max(0, now - asOf));
  }
}
