package io.streamgate.connector;

import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.Json;
import io.streamgate.connector.config.ConnectorConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Debezium's embedded engine for one PostgreSQL database, writing to Kafka through a
 * {@link KafkaChangeWriter}, with a progress line every {@value #PROGRESS_SECONDS} s while changes
 * flow. Start once, then {@link #await()} its end or {@link #close()} it.
 *
 * <p>Thread-safe: {@link #close()} may be called from any thread (a shutdown hook), any number of
 * times.
 */
final class ChangeConnector implements AutoCloseable {
  static final int PROGRESS_SECONDS = 10;
  private static final Logger LOG = LoggerFactory.getLogger(ChangeConnector.class);
  private static final Duration PRODUCER_CLOSE = Duration.ofSeconds(10);

  private final DebeziumEngine<ChangeEvent<String, String>> engine;
  private final KafkaProducer<String, String> producer;
  private final ExecutorService engineThread;
  private final ScheduledExecutorService progress;
  private final CompletableFuture<Void> finished;
  private boolean closed; // guarded by this

  private ChangeConnector(DebeziumEngine<ChangeEvent<String, String>> engine, KafkaProducer<String, String> producer,
      ExecutorService engineThread, ScheduledExecutorService progress, CompletableFuture<Void> finished) {
    this.engine = engine;
    this.producer = producer;
    this.engineThread = engineThread;
    this.progress = progress;
    this.finished = finished;
  }

  /** Starts the engine on a thread of its own; returns at once. */
  static ChangeConnector start(ConnectorConfig config, ConnectorMetrics metrics) {
    try {
      Files.createDirectories(config.stateDir());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the state directory " + config.stateDir(), e);
    }
    KafkaProducer<String, String> producer = new KafkaProducer<>(producerProperties(config));
    CompletableFuture<Void> finished = new CompletableFuture<>();
    DebeziumEngine<ChangeEvent<String, String>> engine;
    try {
      engine = DebeziumEngine.create(Json.class)
          .using(DebeziumProperties.of(config))
          .notifying(new KafkaChangeWriter(producer, metrics))
          .using(new DebeziumEngine.ConnectorCallback() {
            @Override
            public void taskStarted() {
              LOG.info("capturing changes: slot {}, publication {}, topics {}.<schema>.<table>",
                  config.slot(), config.publication(), config.topicPrefix());
            }
          })
          .using((success, message, error) -> {
            if (success) {
              finished.complete(null);
            } else {
              finished.completeExceptionally(new IllegalStateException(message, error));
            }
          })
          .build();
    } catch (RuntimeException e) {
      producer.close(Duration.ZERO);
      throw e;
    }
    ExecutorService engineThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "debezium-engine"));
    engineThread.execute(engine);
    ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "connector-progress");
      t.setDaemon(true);
      return t;
    });
    progress.scheduleAtFixedRate(new ProgressLog(metrics), PROGRESS_SECONDS, PROGRESS_SECONDS, TimeUnit.SECONDS);
    return new ChangeConnector(engine, producer, engineThread, progress, finished);
  }

  /**
   * Blocks until the engine ends.
   *
   * @throws ExecutionException if it ended with an error (the cause says which)
   */
  void await() throws InterruptedException, ExecutionException {
    finished.get();
  }

  /** Stops the engine (which stores the positions of what Kafka acknowledged), then the producer. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    progress.shutdownNow();
    try {
      // An engine that ended by itself (a failure) refuses a second shutdown.
      if (!finished.isDone()) {
        engine.close();
      }
      engineThread.shutdown();
      if (!engineThread.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.warn("the Debezium engine did not stop within 30 s");
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("the Debezium engine did not close cleanly: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      // Only now: the engine may be waiting for acknowledgements until it stopped.
      producer.close(PRODUCER_CLOSE);
    }
  }

  private static Properties producerProperties(ConnectorConfig config) {
    Properties p = new Properties();
    p.setProperty(ProducerConfig.CLIENT_ID_CONFIG, "streamgate-connector-" + config.slot());
    // Each change once per send, in order per key, acknowledged by all in-sync replicas: offsets
    // are stored only after this acknowledgement.
    p.setProperty(ProducerConfig.ACKS_CONFIG, "all");
    p.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.putAll(config.kafka().producer());
    p.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers());
    p.setProperty(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.setProperty(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return p;
  }

  /** One line per period in which changes were written; nothing while the database is quiet. */
  static final class ProgressLog implements Runnable {
    private final ConnectorMetrics metrics;
    private long lastTotal;

    ProgressLog(ConnectorMetrics metrics) {
      this.metrics = metrics;
    }

    @Override
    public void run() {
      String line = next();
      if (line != null) {
        LOG.info(line);
      }
    }

    /** The progress line since the last call, or null if nothing was written meanwhile. */
    String next() {
      long total = metrics.total();
      long written = total - lastTotal;
      lastTotal = total;
      if (written == 0) {
        return null;
      }
      return "changes: " + Math.round((double) written / PROGRESS_SECONDS) + "/s, " + total + " in total, last LSN "
          + ChangeEnvelope.formatLsn(metrics.lastLsn()) + ", lag " + metrics.lagMs() + " ms";
    }
  }
}
