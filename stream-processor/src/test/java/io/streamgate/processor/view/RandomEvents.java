package io.streamgate.processor.view;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Random JSON events for a flat schema, in every form a source meets: well-typed values, nulls,
 * missing and unknown fields, values of another type, numbers out of range, timestamps in many
 * forms (valid or not), escapes and non-ASCII text, duplicate fields, lenient JSON, trailing text
 * and values that are not objects. Deterministic for a seed.
 */
final class RandomEvents {
  private final Random random;

  private RandomEvents(Random random) {
    this.random = random;
  }

  /** {@code count} events for the fields of {@code schema} (its corrupt-record column ignored). */
  static List<String> of(StructType schema, Random random, int count) {
    RandomEvents events = new RandomEvents(random);
    List<String> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(events.event(schema));
    }
    return out;
  }

  private String event(StructType schema) {
    int shape = random.nextInt(100);
    if (shape < 2) {
      return pick("[1,2]", "42", "\"text\"", "null", "", " ", "{", "{\"id\":}", "not json");
    }
    List<String> members = new ArrayList<>();
    boolean rawTextInAString = false;
    for (StructField f : schema.fields()) {
      if (f.name().startsWith("_")) {
        continue;
      }
      int what = random.nextInt(100);
      if (what < 12) {
        continue; // missing
      }
      String name = random.nextInt(40) == 0 ? f.name().toUpperCase() : f.name();
      String value = what < 18 ? "null" : what < 94 ? good(f.dataType()) : odd(f.dataType());
      rawTextInAString |= what >= 94 && f.dataType().equals(DataTypes.StringType);
      members.add(quote(name) + ":" + value);
      if (random.nextInt(30) == 0) {
        members.add(quote(name) + ":" + good(f.dataType())); // duplicate
      }
    }
    if (random.nextInt(4) == 0) {
      members.add(quote("extra" + random.nextInt(3)) + ":" + pick("{\"a\":[1,{\"b\":null}]}",
          "[true,false]", "\"x\"", "1.5", "null", "{}"));
    }
    Collections.shuffle(members, random);
    String space = random.nextInt(10) == 0 ? " \n\t" : "";
    String json = "{" + space + String.join("," + space, members) + space + "}";
    if (shape < 4 && !rawTextInAString) { // see JsonEventDecoderTest.aValueThatIsNotAString…
      json = json.replace('"', '\''); // lenient: single quotes
    } else if (shape < 6) {
      json = json + pick(" trailing", "}", " {}", "\n");
    }
    return json;
  }

  private String good(DataType type) {
    if (type.equals(DataTypes.StringType)) {
      return quote(text());
    } else if (type.equals(DataTypes.IntegerType)) {
      return pick(String.valueOf(random.nextInt()), String.valueOf(random.nextInt(100)),
          String.valueOf(Integer.MAX_VALUE), String.valueOf(Integer.MIN_VALUE), "0", "-0");
    } else if (type.equals(DataTypes.LongType)) {
      return pick(String.valueOf(random.nextLong()), String.valueOf(random.nextInt()),
          String.valueOf(Long.MAX_VALUE), String.valueOf(Long.MIN_VALUE), "7");
    } else if (type.equals(DataTypes.DoubleType)) {
      return pick(String.valueOf(random.nextDouble() * 1000), String.valueOf(random.nextInt(999)),
          String.valueOf(random.nextGaussian() * 1e-9), "1e3", "1E-7", "-0.0", "0.1",
          String.valueOf(Double.MAX_VALUE), String.valueOf(Double.MIN_VALUE),
          "123456789012345678901234567890", "0.30000000000000004441", "1e400", "2.5e-400");
    } else if (type.equals(DataTypes.BooleanType)) {
      return random.nextBoolean() ? "true" : "false";
    } else if (type.equals(DataTypes.TimestampType)) {
      return quote(timestamp());
    }
    throw new IllegalArgumentException("no random values of " + type);
  }

  /** A value Spark reads as another type, out of range, or not at all. */
  private String odd(DataType type) {
    if (type.equals(DataTypes.IntegerType)) {
      return pick("2147483648", "-2147483649", "1.5", "1e2", "\"12\"", "true", "[]", "{}");
    } else if (type.equals(DataTypes.LongType)) {
      return pick("9223372036854775808", "1.0", "\"12\"", "false", "{\"a\":1}");
    } else if (type.equals(DataTypes.DoubleType)) {
      return pick("\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "\"1.5\"", "\"\"", "true", "[1]",
          "NaN", "01", ".5", "+1");
    } else if (type.equals(DataTypes.BooleanType)) {
      return pick("\"true\"", "1", "0", "null", "\"yes\"");
    } else if (type.equals(DataTypes.TimestampType)) {
      return pick("1764064800", "1.5", "true", "\"\"", "{}", quote(text()));
    }
    // Each as from_json writes it: see JsonEventDecoderTest.aValueThatIsNotAString….
    return pick("1", "-2.5", "true", "false", "{\"a\":\"b\"}", "[\"x\",1]", "{}", "[]");
  }

  private String timestamp() {
    if (random.nextInt(10) < 7) { // the form events carry, in any zone offset
      return String.format("%04d-%02d-%02dT%02d:%02d:%02d%s%s", pickInt(1969, 1970, 2026, 2400),
          1 + random.nextInt(12), 1 + random.nextInt(28), random.nextInt(24), random.nextInt(60),
          random.nextInt(60), pick("", ".5", String.format(".%06d", random.nextInt(1_000_000)),
              String.format(".%09d", random.nextInt(1_000_000_000))),
          pick("Z", "+01:00", "-09:30", "+14:00"));
    }
    int year = pickInt(1969, 1970, 2000, 2024, 2026, 1582, 9999, 1000, 999);
    int month = random.nextInt(14);
    int day = random.nextInt(32);
    int hour = pickInt(0, 1, 12, 23, 24);
    int minute = random.nextInt(61);
    int second = pickInt(0, 30, 59, 60);
    String date = String.format("%04d-%02d-%02d", year, month, day);
    if (random.nextInt(10) == 0) {
      return date;
    }
    String fraction = switch (random.nextInt(6)) {
      case 0 -> "";
      case 1 -> "." + random.nextInt(10);
      case 2 -> String.format(".%03d", random.nextInt(1000));
      case 3 -> String.format(".%06d", random.nextInt(1_000_000));
      case 4 -> String.format(".%09d", random.nextInt(1_000_000_000));
      default -> ".";
    };
    String zone = pick("Z", "Z", "Z", "+00:00", "+05:30", "-08:00", "+18:00", "-18:00", "+19:00",
        "", "z", "+0530", "+05", " UTC", "UTC", "GMT+1", "[Europe/Zurich]", "+05:60");
    return date + pick("T", "T", " ", "t") + String.format("%02d:%02d:%02d", hour, minute, second)
        + fraction + zone;
  }

  private String text() {
    StringBuilder s = new StringBuilder();
    int length = random.nextInt(12);
    for (int i = 0; i < length; i++) {
      s.append(pick("a", "Z", "0", " ", "é", "日", "🚀", "\"", "\\", "/", "\n", "\t", "\u0001",
          "\u2028", "\uFFFD"));
    }
    return s.toString();
  }

  private static String quote(String s) {
    return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
  }

  @SafeVarargs
  private <T> T pick(T... options) {
    return options[random.nextInt(options.length)];
  }

  private int pickInt(int... options) {
    return options[random.nextInt(options.length)];
  }
}
