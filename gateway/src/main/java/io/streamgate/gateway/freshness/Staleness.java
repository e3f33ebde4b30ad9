package io.streamgate.gateway.freshness;

import io.streamgate.contract.control.Freshness;

/**
 * The {@code max_staleness=DURATION} of a read: how far the view may lag for the answer to be
 * worth having. A duration is a whole number with a unit, {@code ms}, {@code s} or {@code m}
 * ({@code 500ms}, {@code 2s}, {@code 1m}), from 0 to a day. Pure.
 */
public final class Staleness {
  /** The query parameter. */
  public static final String PARAM = "max_staleness";
  /** Longer bounds are surely typos; a day is far beyond any useful one. */
  public static final long MAX_MS = 86_400_000L;

  private Staleness() {}

  /**
   * @return the duration in ms
   * @throws IllegalArgumentException saying what is wrong, quoting the value
   */
  public static long parseMillis(String text) {
    String value = text == null ? "" : text.trim();
    int digits = 0;
    while (digits < value.length() && Character.isDigit(value.charAt(digits))) {
      digits++;
    }
    String unit = value.substring(digits);
    long factor = switch (unit) {
      case "ms" -> 1;
      case "s" -> 1_000;
      case "m" -> 60_000;
      default -> -1;
    };
    if (digits == 0 || digits > 9 || factor < 0) {
      throw new IllegalArgumentException(PARAM + " must be a duration such as 500ms, 2s or 1m,"
          + " but was '" + abbreviate(value) + "'");
    }
    long ms = Long.parseLong(value.substring(0, digits)) * factor;
    if (ms > MAX_MS) {
      throw new IllegalArgumentException(PARAM + " must be at most a day (86400s), but was '"
          + value + "'");
    }
    return ms;
  }

  /** Whether {@code freshness} is worse than the bound: an unknown lag always is. */
  public static boolean exceeds(Freshness freshness, long maxMs) {
    return !freshness.known() || freshness.lagMs() > maxMs;
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }
}
