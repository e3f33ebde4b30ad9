package io.streamgate.gateway.config;

import java.util.Map;

/**
 * A plan's quotas: how much one principal may use per UTC day and per UTC month, summed over
 * every gateway; 0 means no quota. Counted like usage (requests whatever their outcome, rows
 * read, events accepted); a request is refused while a quota of its principal is spent.
 * Immutable.
 */
public record QuotaConfig(Amounts perDay, Amounts perMonth) {
  public static final long MAX = 1_000_000_000_000L;
  public static final QuotaConfig NONE = new QuotaConfig(Amounts.NONE, Amounts.NONE);

  /** Requests, rows read, events ingested; 0 for no limit. */
  public record Amounts(long requests, long rows, long events) {
    public static final Amounts NONE = new Amounts(0, 0, 0);

    public Amounts {
      Map.of("requests", requests, "rows", rows, "events", events).forEach((field, value) -> {
        if (value < 0 || value > MAX) {
          throw new ConfigException(field, "must be 0 (no quota) to " + MAX + ", but was "
              + value);
        }
      });
    }

    public boolean any() {
      return requests > 0 || rows > 0 || events > 0;
    }
  }

  public QuotaConfig {
    perDay = perDay == null ? Amounts.NONE : perDay;
    perMonth = perMonth == null ? Amounts.NONE : perMonth;
  }

  public boolean any() {
    return perDay.any() || perMonth.any();
  }
}
