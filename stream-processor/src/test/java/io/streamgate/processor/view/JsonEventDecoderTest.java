package io.streamgate.processor.view;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.processor.SparkTestSession;
import io.streamgate.processor.pipeline.SourceSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The decoder gives exactly what {@code from_json} gives, for string and binary values: for
 * schemas its fast path ({@link FlatEventReader}) takes, over thousands of random events of every
 * form, and for others.
 */
class JsonEventDecoderTest {
  private static final StructType FLAT = SourceParser.parseSchema(StructType.fromDDL(
      "id STRING NOT NULL, qty INT, big BIGINT, amount DOUBLE, ok BOOLEAN, ts TIMESTAMP"));
  private static final StructType SCHEMA = SourceParser.parseSchema(StructType.fromDDL(
      "id STRING NOT NULL, amount DOUBLE, qty INT, big BIGINT, ok BOOLEAN, ts TIMESTAMP,"
          + " day DATE, price DECIMAL(10,2), tags ARRAY<STRING>, address STRUCT<city: STRING,"
          + " zip: INT>, counts MAP<STRING, INT>"));

  private static final List<String> VALUES = List.of(
      "{\"id\":\"o1\",\"amount\":10.5,\"qty\":2,\"big\":9007199254740993,\"ok\":true,"
          + "\"ts\":\"2026-11-25T10:00:00Z\",\"day\":\"2026-11-25\",\"price\":12.345,"
          + "\"tags\":[\"a\",\"b\"],\"address\":{\"city\":\"Zürich\",\"zip\":8001},"
          + "\"counts\":{\"x\":1}}",
      "{\"id\":\"o2\",\"ts\":\"2026-11-25 10:00:00\"}",
      "{\"id\":\"o3\",\"ts\":\"2026-11-25T10:00:00.123+02:00\",\"day\":\"2026-11-25T01:00:00\"}",
      "{\"id\":\"o4\",\"ts\":1764064800}",
      "{\"id\":\"o5\",\"amount\":\"ten\"}",
      "{\"id\":\"o6\",\"amount\":\"NaN\",\"qty\":1.5}",
      "{\"id\":\"o7\",\"qty\":99999999999}",
      "{\"id\":\"o8\",\"ok\":\"yes\"}",
      "{\"id\":\"o9\",\"address\":\"nowhere\",\"tags\":\"a\"}",
      "{\"id\":\"\\u00e9\\n\\\"q\\\"\",\"extra\":{\"deep\":[1,{\"x\":null}]}}",
      "{\"id\":null,\"amount\":null}",
      "{\"amount\":1}",
      "not json at all",
      "{\"id\":\"o10\",",
      "[1,2]",
      "[{\"id\":\"a1\"},{\"id\":\"a2\"}]",
      "42",
      "\"just a string\"",
      "null",
      "",
      "   ",
      "{}",
      "{\"id\":\"o11\"} trailing",
      "{\"id\":\"o12\",\"id\":\"dup\"}",
      "{\"id\":\"日本語 🚀\",\"amount\":-0.0,\"price\":1e3}",
      "{\"id\":12.5,\"qty\":\"3\"}");

  private final SparkSession spark = SparkTestSession.get();

  @Test
  void stringValuesParseAsFromJsonParsesThem() {
    assertSameAsFromJson(SCHEMA, VALUES, DataTypes.StringType);
  }

  @Test
  void binaryValuesParseAsFromJsonParsesThem() {
    assertSameAsFromJson(SCHEMA, VALUES, DataTypes.BinaryType);
  }

  @Test
  void randomFlatEventsParseAsFromJsonParsesThemWhicheverPathReadsThem() {
    List<String> values = RandomEvents.of(FLAT, new Random(20261206L), 4_000);
    FlatEventReader flat = FlatEventReader.of(FLAT, SourceSpec.CORRUPT_RECORD_COLUMN);
    long fast = values.stream().filter(v -> {
      byte[] b = v.getBytes(StandardCharsets.UTF_8);
      return flat.read(b, 0, b.length) != null;
    }).count();
    assertTrue(fast > values.size() / 4 && fast < values.size() * 3 / 4,
        "both paths are exercised: " + fast + " of " + values.size() + " read by the fast path");
    assertSameAsFromJson(FLAT, values, DataTypes.BinaryType);
    assertSameAsFromJson(FLAT, values, DataTypes.StringType);
  }

  @Test
  void theFastPathReadsTypicalEventsAndLeavesOtherSchemasToSpark() {
    byte[] event = ("{\"id\":\"o1\",\"qty\":2,\"big\":5000000000,\"amount\":10.5,\"ok\":true,"
        + "\"ts\":\"2026-11-25T10:00:00.500000789Z\",\"other\":{\"a\":[1]}}")
        .getBytes(StandardCharsets.UTF_8);
    InternalRow row = FlatEventReader.of(FLAT, SourceSpec.CORRUPT_RECORD_COLUMN)
        .read(event, 0, event.length);
    assertEquals("o1", row.getUTF8String(0).toString());
    assertEquals(5_000_000_000L, row.getLong(2));
    assertEquals(1_795_600_800_500_000L, row.getLong(5));
    assertTrue(row.isNullAt(6));
    assertNull(FlatEventReader.of(SCHEMA, SourceSpec.CORRUPT_RECORD_COLUMN));
  }

  /**
   * The one difference from Spark 4.2's from_json, which wrote such a value anew ({@code -2500.0},
   * double quotes): the decoder keeps the event's own text, as later Spark does.
   */
  @Test
  void aValueThatIsNotAStringKeepsItsOwnTextInAStringField() {
    Dataset<Row> raw = spark.createDataFrame(List.of(RowFactory.create("{\"id\":-2.5e3}"),
            RowFactory.create("{'id':['x',1]}")),
        new StructType().add("value", DataTypes.StringType));
    assertEquals(List.of("-2.5e3", "['x',1]"), raw.select(decoded(FLAT, DataTypes.StringType)
        .as("e")).select("e.id").as(Encoders.STRING()).collectAsList());
  }

  @Test
  void bytesThatAreNotUtf8AreACorruptRecord() {
    byte[] latin1 = "{\"id\":\"café\"}".getBytes(StandardCharsets.ISO_8859_1);
    Dataset<Row> raw = spark.createDataFrame(List.of(RowFactory.create((Object) latin1)),
        new StructType().add("value", DataTypes.BinaryType));
    Row event = raw.select(decoded(SCHEMA, DataTypes.BinaryType).as("e"))
        .select("e.id", "e." + SourceSpec.CORRUPT_RECORD_COLUMN).first();
    assertNull(event.get(0));
    assertNotNull(event.get(1));
  }

  private void assertSameAsFromJson(StructType schema, List<String> values, DataType valueType) {
    List<Row> rows = new ArrayList<>();
    for (String v : values) {
      rows.add(RowFactory.create(valueType == DataTypes.BinaryType
          ? v.getBytes(StandardCharsets.UTF_8) : v));
    }
    rows.add(RowFactory.create((Object) null));
    Dataset<Row> raw = spark.createDataFrame(rows, new StructType().add("value", valueType));
    Column expected = from_json(col("value").cast(DataTypes.StringType), schema, Map.of(
        "mode", "PERMISSIVE", "columnNameOfCorruptRecord", SourceSpec.CORRUPT_RECORD_COLUMN));
    // As text: collecting a DATE as a Java object needs JVM flags the unit tests do not have.
    List<Row> both = raw.select(expected.cast(DataTypes.StringType),
        decoded(schema, valueType).cast(DataTypes.StringType)).collectAsList();
    assertEquals(values.size() + 1, both.size());
    List<String> differences = new ArrayList<>();
    for (int i = 0; i < both.size(); i++) {
      if (!Objects.equals(both.get(i).get(0), both.get(i).get(1))) {
        differences.add((i < values.size() ? values.get(i) : null) + "\n  from_json: "
            + both.get(i).get(0) + "\n  decoder:   " + both.get(i).get(1));
      }
    }
    assertEquals(List.of(), differences.subList(0, Math.min(20, differences.size())),
        differences.size() + " values read differently");
  }

  private Column decoded(StructType schema, DataType valueType) {
    return JsonEventDecoder.column(col("value"), valueType, schema,
        SourceSpec.CORRUPT_RECORD_COLUMN, spark.conf().get("spark.sql.session.timeZone"));
  }
}
