package io.streamgate.processor.pipeline;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the intervals a pipeline file writes as {@code <amount> <unit>}, e.g. {@code 30 seconds},
 * {@code 500 ms}, {@code 10 minutes}. A bare {@code 0} means zero. Stateless and thread-safe.
 */
public final class Intervals {
  private static final Pattern FORM = Pattern.compile("(\\d{1,12})\\s*([a-zA-Z]+)");
  private static final Map<String, Duration> UNITS = Map.ofEntries(
      Map.entry("ms", Duration.ofMillis(1)),
      Map.entry("millisecond", Duration.ofMillis(1)),
      Map.entry("milliseconds", Duration.ofMillis(1)),
      Map.entry("s", Duration.ofSeconds(1)),
      Map.entry("sec", Duration.ofSeconds(1)),
      Map.entry("second", Duration.ofSeconds(1)),
      Map.entry("seconds", Duration.ofSeconds(1)),
      Map.entry("min", Duration.ofMinutes(1)),
      Map.entry("minute", Duration.ofMinutes(1)),
      Map.entry("minutes", Duration.ofMinutes(1)),
      Map.entry("h", Duration.ofHours(1)),
      Map.entry("hour", Duration.ofHours(1)),
      Map.entry("hours", Duration.ofHours(1)),
      Map.entry("d", Duration.ofDays(1)),
      Map.entry("day", Duration.ofDays(1)),
      Map.entry("days", Duration.ofDays(1)));

  private Intervals() {}

  /**
   * @throws IllegalArgumentException quoting the text, if it is not an interval
   */
  public static Duration parse(String text) {
    String trimmed = text == null ? "" : text.trim();
    if (trimmed.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = FORM.matcher(trimmed);
    Duration unit = m.matches() ? UNITS.get(m.group(2).toLowerCase(Locale.ROOT)) : null;
    if (unit == null) {
      throw new IllegalArgumentException(
          "must be an interval like '30 seconds' or '500 ms' (units ms, seconds, minutes, hours,"
              + " days), but was '" + text + "'");
    }
    return unit.multipliedBy(Long.parseLong(m.group(1)));
  }

  /** The form Spark's interval parser reads back exactly (e.g. for withWatermark). */
  public static String toSpark(Duration d) {
    return d.toMillis() + " milliseconds";
  }
}
