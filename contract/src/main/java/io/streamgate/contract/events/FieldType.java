package io.streamgate.contract.events;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON shape an event field must have, derived from the Spark SQL type of the source schema.
 * The processor parses events with Spark's JSON reader; these rules accept what it accepts, so an
 * event that passes {@link EventSchema#validate} never turns into a dead letter for its type.
 */
public enum FieldType {
  STRING("string"),
  BOOLEAN("boolean"),
  /** 32-bit integer (Spark {@code INT}, {@code SMALLINT}, {@code TINYINT}). */
  INT("int"),
  /** 64-bit integer (Spark {@code BIGINT}). */
  LONG("bigint"),
  /** Any JSON number (Spark {@code DOUBLE}, {@code FLOAT}, {@code DECIMAL}). */
  NUMBER("double"),
  /** ISO-8601 date-time text, or epoch seconds as a JSON number. */
  TIMESTAMP("timestamp"),
  /** ISO-8601 date text ({@code 2026-11-25}). */
  DATE("date"),
  /** Arrays, maps and structs: any JSON value; only presence is checked. */
  JSON("json");

  private final String wireName;

  FieldType(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static FieldType fromWireName(String name) {
    for (FieldType t : values()) {
      if (t.wireName.equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown field type '" + name + "'");
  }

  /**
   * The field type for a Spark SQL type as {@code DataType.simpleString()} or DDL spells it
   * ({@code string}, {@code bigint}, {@code decimal(10,2)}, {@code array<string>}, ...).
   */
  public static FieldType fromSparkType(String sparkType) {
    String t = sparkType.trim().toLowerCase(Locale.ROOT);
    if (t.startsWith("decimal") || t.equals("double") || t.equals("float") || t.equals("real")) {
      return NUMBER;
    }
    return switch (t) {
      case "string", "varchar", "char" -> STRING;
      case "boolean" -> BOOLEAN;
      case "int", "integer", "smallint", "tinyint", "short", "byte" -> INT;
      case "bigint", "long" -> LONG;
      case "timestamp", "timestamp_ltz", "timestamp_ntz" -> TIMESTAMP;
      case "date" -> DATE;
      default -> t.startsWith("varchar") || t.startsWith("char(") ? STRING : JSON;
    };
  }

  /** Why {@code value} (as {@code Json.parse} returns it, never null) does not fit, or null. */
  String problem(Object value) {
    return switch (this) {
      case STRING -> value instanceof String ? null : "expected a string, got " + describe(value);
      case BOOLEAN -> value instanceof Boolean ? null : "expected true or false, got " + describe(value);
      case INT -> integerProblem(value, Integer.MIN_VALUE, Integer.MAX_VALUE, "a 32-bit integer");
      case LONG -> integerProblem(value, Long.MIN_VALUE, Long.MAX_VALUE, "a 64-bit integer");
      case NUMBER -> value instanceof Number ? null : "expected a number, got " + describe(value);
      case TIMESTAMP -> timestampProblem(value);
      case DATE -> dateProblem(value);
      case JSON -> null;
    };
  }

  private static String integerProblem(Object value, long min, long max, String what) {
    // The JSON reader gives Long for integer literals up to 18 digits; Spark's reader refuses
    // 1.0 or 1e3 for an integer column, so only integer literals pass here.
    if (!(value instanceof Long v)) {
      return "expected " + what + ", got " + describe(value);
    }
    return v < min || v > max ? "expected " + what + ", got " + v + " (out of range)" : null;
  }

  private static String timestampProblem(Object value) {
    if (value instanceof Number) {
      return null;
    }
    if (!(value instanceof String s)) {
      return "expected an ISO-8601 timestamp, got " + describe(value);
    }
    if (plainUtc(s)) {
      return null;
    }
    try {
      Instant.parse(s);
      return null;
    } catch (DateTimeParseException e) {
      // fall through: offsets other than Z, or no zone at all (read as the session time zone)
    }
    try {
      OffsetDateTime.parse(s);
      return null;
    } catch (DateTimeParseException e) {
      // fall through
    }
    try {
      LocalDateTime.parse(s);
      return null;
    } catch (DateTimeParseException e) {
      return "expected an ISO-8601 timestamp such as 2026-11-25T10:00:00Z, got \"" + abbreviate(s) + "\"";
    }
  }

  /**
   * Whether {@code s} is the common form {@code uuuu-MM-ddTHH:mm:ss[.f{1,9}]Z} with a real date
   * and time: a quick check before the parsers (Instant.parse was 4 % of an ingesting event
   * loop). Only ever true for text Instant.parse takes; anything else goes to the parsers.
   */
  static boolean plainUtc(String s) {
    int n = s.length();
    if (n < 20 || n > 30 || s.charAt(n - 1) != 'Z' || s.charAt(4) != '-' || s.charAt(7) != '-'
        || s.charAt(10) != 'T' || s.charAt(13) != ':' || s.charAt(16) != ':') {
      return false;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1
        || day > YearMonth.of(year, month).lengthOfMonth()
        || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
      return false;
    }
    if (n == 20) {
      return true;
    }
    return s.charAt(19) == '.' && n >= 22 && digits(s, 20, n - 21) >= 0;
  }

  /** The value of {@code count} ASCII digits at {@code from} (at most 9), or -1. */
  private static int digits(String s, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static String dateProblem(Object value) {
    if (!(value instanceof String s)) {
      return "expected an ISO-8601 date, got " + describe(value);
    }
    try {
      LocalDate.parse(s);
      return null;
    } catch (DateTimeParseException e) {
      return "expected an ISO-8601 date such as 2026-11-25, got \"" + abbreviate(s) + "\"";
    }
  }

  static String describe(Object value) {
    if (value instanceof String s) {
      return "the string \"" + abbreviate(s) + "\"";
    }
    if (value instanceof Boolean b) {
      return b.toString();
    }
    if (value instanceof Number n) {
      return "the number " + n;
    }
    if (value instanceof Map) {
      return "an object";
    }
    if (value instanceof List) {
      return "an array";
    }
    return "null";
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }
}
