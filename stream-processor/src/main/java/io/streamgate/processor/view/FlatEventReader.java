package io.streamgate.processor.view;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The fast path of {@link JsonEventDecoder} for the events nearly every source carries: a flat JSON
 * object of strings, numbers, booleans and ISO-8601 timestamps with a zone. It reads such an event
 * in one pass with strict JSON and answers null for anything it is not certain to read exactly as
 * Spark's parser would (another type of value, a timestamp in another form, a duplicate field,
 * text after the object, lenient JSON…), so the caller gives that event to Spark. Spark's generic
 * parser costs most of a real-time source's CPU: converters per field, a regex per timestamp's
 * zone, default-value bookkeeping per record.
 *
 * <p>Not thread-safe: one per task, like the decoder.
 */
final class FlatEventReader {
  private static final JsonFactory STRICT = new JsonFactory();
  private static final long MICROS_PER_SECOND = 1_000_000L;

  private enum Kind { STRING, INT, LONG, DOUBLE, BOOLEAN, TIMESTAMP }

  private final Map<String, Integer> index = new HashMap<>();
  private final Kind[] kinds;
  private final boolean[] seen;

  private FlatEventReader(StructType fields) {
    this.kinds = new Kind[fields.size()];
    for (int i = 0; i < kinds.length; i++) {
      StructField f = fields.fields()[i];
      index.put(f.name(), i);
      kinds[i] = kind(f.dataType());
    }
    this.seen = new boolean[kinds.length];
  }

  /**
   * A reader for events of {@code schema} (the corrupt-record column last, left null), or null
   * when a field has a type this reader does not take: then Spark reads every event.
   */
  static FlatEventReader of(StructType schema, String corruptRecordColumn) {
    StructField[] all = schema.fields();
    if (all.length == 0 || !all[all.length - 1].name().equals(corruptRecordColumn)) {
      return null;
    }
    StructType fields = new StructType(Arrays.copyOf(all, all.length - 1));
    for (StructField f : fields.fields()) {
      if (kind(f.dataType()) == null) {
        return null;
      }
    }
    return new FlatEventReader(fields);
  }

  private static Kind kind(DataType type) {
    if (type.equals(DataTypes.StringType)) {
      return Kind.STRING;
    } else if (type.equals(DataTypes.IntegerType)) {
      return Kind.INT;
    } else if (type.equals(DataTypes.LongType)) {
      return Kind.LONG;
    } else if (type.equals(DataTypes.DoubleType)) {
      return Kind.DOUBLE;
    } else if (type.equals(DataTypes.BooleanType)) {
      return Kind.BOOLEAN;
    } else if (type.equals(DataTypes.TimestampType)) {
      return Kind.TIMESTAMP;
    }
    return null;
  }

  /** The event's row, or null when Spark must read it. */
  InternalRow read(byte[] json, int offset, int length) {
    Arrays.fill(seen, false);
    Object[] values = new Object[kinds.length + 1]; // the corrupt-record column last, null
    try (JsonParser p = STRICT.createParser(json, offset, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        Integer i = index.get(p.currentName());
        JsonToken value = p.nextToken();
        if (i == null) {
          p.skipChildren();
          continue;
        }
        if (seen[i]) {
          return null;
        }
        seen[i] = true;
        if (value == JsonToken.VALUE_NULL) {
          continue;
        }
        Object v = value(kinds[i], value, p);
        if (v == null) {
          return null;
        }
        values[i] = v;
      }
      return p.nextToken() == null ? new GenericInternalRow(values) : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The value Spark's converter gives for this token, or null where this reader cannot tell. */
  private static Object value(Kind kind, JsonToken token, JsonParser p) throws IOException {
    switch (kind) {
      case STRING:
        return token == JsonToken.VALUE_STRING ? UTF8String.fromString(p.getText()) : null;
      case INT:
        return token == JsonToken.VALUE_NUMBER_INT
            && p.getNumberType() == JsonParser.NumberType.INT ? (Object) p.getIntValue() : null;
      case LONG:
        return token == JsonToken.VALUE_NUMBER_INT
            && (p.getNumberType() == JsonParser.NumberType.INT
                || p.getNumberType() == JsonParser.NumberType.LONG) ? (Object) p.getLongValue()
            : null;
      case DOUBLE:
        return token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT
            ? (Object) p.getDoubleValue() : null;
      case BOOLEAN:
        return token == JsonToken.VALUE_TRUE ? Boolean.TRUE
            : token == JsonToken.VALUE_FALSE ? Boolean.FALSE : null;
      case TIMESTAMP:
        return token == JsonToken.VALUE_STRING ? isoMicros(p.getText()) : null;
      default:
        return null;
    }
  }

  /**
   * Microseconds since the epoch of {@code yyyy-MM-dd[T ]HH:mm:ss[.f{1,9}](Z|±HH:mm)}, the form
   * events carry; null for any other text (Spark reads it: other forms, no zone, a zone name…).
   */
  static Long isoMicros(String s) {
    int n = s.length();
    if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-'
        || (s.charAt(10) != 'T' && s.charAt(10) != ' ') || s.charAt(13) != ':'
        || s.charAt(16) != ':') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if (year < 1000 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0
        || minute > 59 || second < 0 || second > 59) {
      return null;
    }
    int at = 19;
    long micros = 0;
    if (s.charAt(at) == '.') {
      int start = ++at;
      while (at < n && at - start < 10 && s.charAt(at) >= '0' && s.charAt(at) <= '9') {
        at++;
      }
      int count = at - start;
      if (count < 1 || count > 9) {
        return null;
      }
      // Like Spark, digits past the microsecond are dropped (Instant.toString writes nanos).
      micros = digits(s, start, Math.min(count, 6));
      for (int k = count; k < 6; k++) {
        micros *= 10;
      }
    }
    int offsetSeconds;
    if (at == n - 1 && s.charAt(at) == 'Z') {
      offsetSeconds = 0;
    } else if (at == n - 6 && (s.charAt(at) == '+' || s.charAt(at) == '-')
        && s.charAt(at + 3) == ':') {
      int h = digits(s, at + 1, 2);
      int m = digits(s, at + 4, 2);
      if (h < 0 || m < 0 || h > 18 || m > 59) {
        return null;
      }
      offsetSeconds = (s.charAt(at) == '-' ? -1 : 1) * (h * 3600 + m * 60);
    } else {
      return null;
    }
    try {
      long days = LocalDate.of(year, month, day).toEpochDay();
      ZoneOffset.ofTotalSeconds(offsetSeconds); // the range check
      long seconds = days * 86_400 + hour * 3600L + minute * 60L + second - offsetSeconds;
      return seconds * MICROS_PER_SECOND + micros;
    } catch (DateTimeException e) {
      return null;
    }
  }

  /** The non-negative number of {@code count} ASCII digits at {@code from}, else -1. */
  private static int digits(String s, int from, int count) {
    int v = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }
}
