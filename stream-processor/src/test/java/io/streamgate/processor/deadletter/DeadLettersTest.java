package io.streamgate.processor.deadletter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamgate.processor.SparkTestSession;
import io.streamgate.processor.pipeline.PipelineParser;
import io.streamgate.processor.pipeline.SourceSpec;
import io.streamgate.processor.view.SourceParser;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Every raw record is either a source row or a dead letter with its reason, never both. */
class DeadLettersTest {
  private static final SourceSpec ORDERS = PipelineParser.parse("p.yaml", """
      sources:
        orders:
          topic: orders
          schema: "orderId STRING NOT NULL, amount DOUBLE NOT NULL, qty INT, ts TIMESTAMP"
      views:
        v: { sql: SELECT orderId FROM orders, key: orderId, kind: latest }
      """).sources().get("orders");
  private static final StructType KAFKA = new StructType()
      .add("key", DataTypes.BinaryType)
      .add("value", DataTypes.BinaryType)
      .add("topic", DataTypes.StringType)
      .add("partition", DataTypes.IntegerType)
      .add("offset", DataTypes.LongType)
      .add("timestamp", DataTypes.TimestampType);

  private final SparkSession spark = SparkTestSession.get();

  @Test
  void refusedEventsBecomeDeadLettersWithTheirReasonAndOrigin() {
    Dataset<Row> raw = raw(
        "{\"orderId\":\"o1\",\"amount\":10.5,\"qty\":2,\"ts\":\"2026-11-25T10:00:00Z\"}",
        "not json at all",
        "[1,2]",
        "{\"orderId\":\"o2\",\"amount\":\"ten\"}",
        "{\"amount\":3.0}",
        null,
        "{\"orderId\":\"o3\",\"amount\":1,\"extra\":{\"a\":1}}",
        "{\"orderId\":\"o4\",\"amount\":2.0,\"qty\":1.5}",
        "42",
        "{\"orderId\":\"café\",\"amount\":1.0}".getBytes(StandardCharsets.ISO_8859_1));

    List<String> good = SourceParser.parse(ORDERS, raw).select("orderId").as(
        org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertEquals(List.of("o1", "o3"), good);

    Map<Long, Map<String, String>> letters = new LinkedHashMap<>();
    for (Row r : DeadLetters.of(ORDERS, raw).collectAsList()) {
      Map<String, String> headers = new LinkedHashMap<>();
      for (Row h : r.<Row>getList(r.fieldIndex("headers"))) {
        headers.put(h.getString(0), new String((byte[]) h.get(1), StandardCharsets.UTF_8));
      }
      assertEquals(DeadLetters.HEADERS, new ArrayList<>(headers.keySet()));
      assertEquals("orders", headers.get(DeadLetters.SOURCE_HEADER));
      assertEquals("orders", headers.get(DeadLetters.TOPIC_HEADER));
      assertEquals("1", headers.get(DeadLetters.PARTITION_HEADER));
      long offset = Long.parseLong(headers.get(DeadLetters.OFFSET_HEADER));
      assertEquals("2026-11-25T10:00:00.000Z", headers.get(DeadLetters.TIMESTAMP_HEADER));
      assertEquals("k" + offset, new String((byte[]) r.get(0), StandardCharsets.UTF_8));
      byte[] value = (byte[]) r.get(1);
      headers.put("value", value == null ? null : new String(value, StandardCharsets.UTF_8));
      letters.put(offset, headers);
    }
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 7L, 8L, 9L), new ArrayList<>(letters.keySet()));
    assertEquals("not json at all", letters.get(1L).get("value"));
    assertEquals(null, letters.get(5L).get("value"));
    assertEquals("field amount: expected a number, got the string \"ten\"", reason(letters, 3));
    assertEquals("field orderId: is missing but required (NOT NULL)", reason(letters, 4));
    assertEquals("the record has no value (null)", reason(letters, 5));
    assertEquals("field qty: expected a 32-bit integer, got the number 1.5", reason(letters, 7));
    assertEquals("an event must be a JSON object, got an array", reason(letters, 2));
    assertEquals("an event must be a JSON object, got the number 42", reason(letters, 8));
    assertEquals(true, reason(letters, 1).startsWith("not JSON: "), reason(letters, 1));
    assertEquals("not UTF-8 text", reason(letters, 9));
  }

  private static String reason(Map<Long, Map<String, String>> letters, long offset) {
    return letters.get(offset).get(DeadLetters.REASON_HEADER);
  }

  /** Records with these values: text (as UTF-8) or bytes. */
  private Dataset<Row> raw(Object... values) {
    List<Row> rows = new ArrayList<>();
    Timestamp ts = Timestamp.from(java.time.Instant.parse("2026-11-25T10:00:00Z"));
    for (int i = 0; i < values.length; i++) {
      rows.add(RowFactory.create(("k" + i).getBytes(StandardCharsets.UTF_8),
          values[i] instanceof String text ? text.getBytes(StandardCharsets.UTF_8) : values[i],
          "orders", 1, (long) i, ts));
    }
    return spark.createDataFrame(rows, KAFKA);
  }
}
