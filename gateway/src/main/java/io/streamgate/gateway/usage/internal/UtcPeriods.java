package io.streamgate.gateway.usage.internal;

import io.streamgate.gateway.usage.Usage;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * UTC days ({@code 2026-12-05}) and months ({@code 2026-12}) as usage names them. Every metered
 * request asks for today's name, and every quota check for the seconds to the end of the day and
 * month: those are computed once per day and kept (thread-safe, lock-free).
 */
public final class UtcPeriods {
  private static final int RETENTION_DAYS = Usage.RETENTION_DAYS;
  private static final long DAY_MS = 86_400_000L;

  /** One UTC day: {@code [startMs, startMs + DAY_MS)}, its names and when its month ends. */
  private record Day(long startMs, String day, String month, long monthEndMs) {
    boolean holds(long epochMs) {
      return epochMs >= startMs && epochMs - startMs < DAY_MS;
    }
  }

  private static volatile Day last = dayOf(0);

  private UtcPeriods() {}

  public static String day(long epochMs) {
    return of(epochMs).day();
  }

  public static String month(long epochMs) {
    return of(epochMs).month();
  }

  private static Day of(long epochMs) {
    Day day = last;
    if (!day.holds(epochMs)) {
      day = dayOf(epochMs);
      last = day; // a clock stepping back and forth only costs recomputing
    }
    return day;
  }

  private static Day dayOf(long epochMs) {
    LocalDate date = date(epochMs);
    return new Day(startMs(date), date.toString(), month(date),
        startMs(date.withDayOfMonth(1).plusMonths(1)));
  }

  private static long startMs(LocalDate date) {
    return date.atStartOfDay(ZoneOffset.UTC).toEpochSecond() * 1000;
  }

  static String month(LocalDate date) {
    return date.toString().substring(0, 7);
  }

  /** Seconds from {@code epochMs} to the end of its UTC day (at least 1). */
  public static long secondsToDayEnd(long epochMs) {
    return secondsTo(of(epochMs).startMs() + DAY_MS, epochMs);
  }

  /** Seconds from {@code epochMs} to the end of its UTC month (at least 1). */
  public static long secondsToMonthEnd(long epochMs) {
    return secondsTo(of(epochMs).monthEndMs(), epochMs);
  }

  /** When the usage of {@code day} may be deleted, in epoch seconds. */
  static long dayExpiry(String day) {
    return LocalDate.parse(day).plusDays(1 + RETENTION_DAYS).atStartOfDay(ZoneOffset.UTC)
        .toEpochSecond();
  }

  /** When the totals of {@code month} may be deleted, in epoch seconds. */
  static long monthExpiry(String month) {
    return LocalDate.parse(month + "-01").plusMonths(1).plusDays(RETENTION_DAYS)
        .atStartOfDay(ZoneOffset.UTC).toEpochSecond();
  }

  /** The day, or null when it is not a date like {@code 2026-12-05}. */
  public static LocalDate parseDay(String day) {
    try {
      return day == null || day.length() != 10 ? null : LocalDate.parse(day);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static LocalDate date(long epochMs) {
    return LocalDate.ofInstant(Instant.ofEpochMilli(epochMs), ZoneOffset.UTC);
  }

  private static long secondsTo(long endMs, long epochMs) {
    return Math.max(1, (endMs - epochMs + 999) / 1000);
  }
}
