package io.streamgate.processor.view;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.streaming.runtime.MemoryStream;
import scala.jdk.javaapi.CollectionConverters;

/** A stream of raw JSON events, shaped like the Kafka source's {@code value} column. */
final class MemorySource {
  private final MemoryStream<String> stream;

  MemorySource(SparkSession spark) {
    this.stream = MemoryStream.apply(Encoders.STRING(), spark);
  }

  /** One call, one micro-batch (once the query processes all available data). */
  void add(String... json) {
    stream.addData(CollectionConverters.asScala(java.util.Arrays.asList(json)).toList());
  }

  Dataset<Row> raw() {
    return stream.toDF();
  }
}
