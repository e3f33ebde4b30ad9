package io.streamgate.processor.deadletter;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.udf;

import io.streamgate.processor.pipeline.SourceSpec;
import io.streamgate.processor.view.SourceParser;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Pure: a source's raw Kafka records to its dead letters, shaped for Spark's Kafka sink. A dead
 * letter is a record the source's views leave out (the negation of {@link SourceParser#valid}, so
 * every record is either used or a dead letter, never both, never neither). It keeps the original
 * key and value bytes, so it can be fixed and replayed, and says where it came from and why it was
 * refused in headers ({@link #HEADERS}).
 */
public final class DeadLetters {
  public static final String SOURCE_HEADER = "streamgate.source";
  public static final String TOPIC_HEADER = "streamgate.topic";
  public static final String PARTITION_HEADER = "streamgate.partition";
  public static final String OFFSET_HEADER = "streamgate.offset";
  public static final String TIMESTAMP_HEADER = "streamgate.timestamp";
  public static final String REASON_HEADER = "streamgate.reason";
  public static final List<String> HEADERS = List.of(SOURCE_HEADER, TOPIC_HEADER,
      PARTITION_HEADER, OFFSET_HEADER, TIMESTAMP_HEADER, REASON_HEADER);
  /** Name of the observed metric holding a batch's dead-letter count ({@code n}). */
  public static final String METRIC = "dead_letters";

  private DeadLetters() {}

  /**
   * @param raw the Kafka source's rows ({@code key, value, topic, partition, offset, timestamp})
   * @return {@code key, value, headers} rows, one per dead letter, with the {@link #METRIC}
   *     observation attached
   */
  public static Dataset<Row> of(SourceSpec source, Dataset<Row> raw) {
    Column reason = udf(source.changelog()
            ? new ChangeDeadLetterReason(source.eventSchema(), source.key())
            : new DeadLetterReason(source.eventSchema()), DataTypes.StringType)
        .apply(col(SourceParser.VALUE).cast(DataTypes.BinaryType));
    Column headers = array(
        header(SOURCE_HEADER, lit(source.name())),
        header(TOPIC_HEADER, col("topic")),
        header(PARTITION_HEADER, col("partition")),
        header(OFFSET_HEADER, col("offset")),
        header(TIMESTAMP_HEADER,
            date_format(col("timestamp"), "yyyy-MM-dd'T'HH:mm:ss.SSSXXX")),
        header(REASON_HEADER, reason));
    return SourceParser.withEvent(source, raw)
        .where(SourceParser.deadLetter(source))
        .select(col("key"), col(SourceParser.VALUE).cast(DataTypes.BinaryType).as("value"),
            headers.as("headers"))
        .observe(METRIC, count(lit(1)).as("n"));
  }

  private static Column header(String name, Column value) {
    return struct(lit(name).as("key"),
        value.cast(DataTypes.StringType).cast(DataTypes.BinaryType).as("value"));
  }
}
