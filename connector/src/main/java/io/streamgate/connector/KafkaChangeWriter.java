package io.streamgate.connector;

import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Writes each batch of change events to Kafka, to the topic Debezium named ({@code destination},
 * {@code <prefix>.<schema>.<table>}), with Debezium's key and value JSON, and marks the events
 * processed only once Kafka has acknowledged all of them. The engine stores positions of processed
 * events only, so a crash at any point repeats some events and never loses one.
 *
 * <p>Called by the engine's thread, one batch at a time.
 */
final class KafkaChangeWriter implements DebeziumEngine.ChangeConsumer<ChangeEvent<String, String>> {
  private final Producer<String, String> producer;
  private final ConnectorMetrics metrics;

  KafkaChangeWriter(Producer<String, String> producer, ConnectorMetrics metrics) {
    this.producer = producer;
    this.metrics = metrics;
  }

  @Override
  public void handleBatch(List<ChangeEvent<String, String>> events,
      DebeziumEngine.RecordCommitter<ChangeEvent<String, String>> committer) throws InterruptedException {
    List<Future<RecordMetadata>> acks = new ArrayList<>(events.size());
    for (ChangeEvent<String, String> event : events) {
      // A null value is the tombstone after a delete: written as such, like Kafka Connect does.
      acks.add(producer.send(new ProducerRecord<>(event.destination(), event.key(), event.value())));
    }
    producer.flush(); // no linger: the batch is complete
    for (int i = 0; i < acks.size(); i++) {
      try {
        acks.get(i).get();
      } catch (ExecutionException e) {
        // The idempotent producer has retried already; stop the engine without storing the batch.
        throw new KafkaWriteException("Kafka did not take the change event for topic "
            + events.get(i).destination() + ": " + e.getCause(), e.getCause());
      }
    }
    for (ChangeEvent<String, String> event : events) {
      committer.markProcessed(event);
      ChangeEnvelope change = ChangeEnvelope.parse(event.value());
      if (change != null) {
        metrics.written(change);
      }
    }
    committer.markBatchFinished();
  }

  @Override
  public boolean supportsTombstoneEvents() {
    return true;
  }

  /** A change event Kafka did not acknowledge; ends the connector. */
  static final class KafkaWriteException extends RuntimeException {
    KafkaWriteException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
