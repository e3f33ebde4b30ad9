package io.streamgate.gateway.ingest.internal;

import io.streamgate.gateway.config.IngestConfig;
import io.streamgate.gateway.ingest.EventLog;
import io.streamgate.gateway.ingest.EventLogUnavailableException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.kafka.client.producer.KafkaProducer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event log on Kafka, through a vertx-kafka-client producer (idempotent, {@code acks=all},
 * see {@link ProducerSettings}).
 *
 * <p>A worker task hands each request's records to the producer ({@code send} may block
 * on metadata or buffer space, so never on an event loop), all the requests to a topic that
 * queued up meanwhile in one task ({@link HandOff}); the producer's I/O thread reports
 * each acknowledgement, and the last one completes the request on its event loop. This is at
 * most one thread hop each way per request, where vertx-kafka-client's own {@code send} takes
 * one per record. A request not acknowledged within {@code timeoutMs} (plus a little, so that
 * Kafka's own delivery timeout usually answers first) fails; its records not yet handed over
 * are then never sent.
 *
 * <p>The producer is made when the first stream is known ({@link #prepare}) or on first use, so
 * a gateway without streams never connects to Kafka.
 */
public final class KafkaEventLog implements EventLog {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaEventLog.class);
  /** Extra wait past Kafka's own delivery timeout before the gateway gives up by itself. */
  private static final long GRACE_MS = 250;
  private static final int WORKERS = 8;
  private static final long WARN_INTERVAL_MS = 10_000;

  private final Vertx vertx;
  private final IngestConfig config;
  private final Map<String, String> settings;
  private final WorkerExecutor workers;
  private final long retryAfterSeconds;
  private final Object lock = new Object();
  private final Map<String, HandOff> handOffs = new ConcurrentHashMap<>();
  private final AtomicLong lastWarning = new AtomicLong(Long.MIN_VALUE / 2);
  /** Topics whose metadata {@link #prepare} fetched or is fetching. */
  private final Set<String> prepared = ConcurrentHashMap.newKeySet();
  private KafkaProducer<String, String> producer; // guarded by lock
  private boolean closed; // guarded by lock

  public KafkaEventLog(Vertx vertx, IngestConfig config) {
    this.vertx = vertx;
    this.config = config;
    this.settings = ProducerSettings.of(config);
    this.workers = vertx.createSharedWorkerExecutor("streamgate-ingest", WORKERS,
        4L * config.timeoutMs() + 10_000, TimeUnit.MILLISECONDS);
    this.retryAfterSeconds = Math.max(1, (config.timeoutMs() + 999) / 1000);
  }

  @Override
  public Future<List<Position>> append(String topic, List<Event> events) {
    return appendTracked(topic, events).answer();
  }

  @Override
  public Attempt appendTracked(String topic, List<Event> events) {
    Context context = vertx.getOrCreateContext();
    Promise<List<Position>> done = Promise.promise();
    Promise<List<Position>> settled = Promise.promise();
    AtomicBoolean abandoned = new AtomicBoolean();
    long timer = vertx.setTimer(config.timeoutMs() + GRACE_MS, id -> {
      abandoned.set(true);
      done.tryFail(unavailable("Kafka did not acknowledge within " + config.timeoutMs() + " ms",
          null));
    });
    handOffs.computeIfAbsent(topic, t -> new HandOff()).submit(() -> {
      if (abandoned.get()) {
        // Timed out while queued: send nothing.
        settled.tryFail(new EventLogUnavailableException("not sent", null, retryAfterSeconds,
            false));
        return;
      }
      try {
        send(producer(), topic, events, context, done, settled);
      } catch (RuntimeException e) {
        context.runOnContext(v -> {
          done.tryFail(unavailable("Kafka refused the events: " + e, e));
          settled.tryFail(unavailable("Kafka refused the events: " + e, e));
        });
      }
    });
    Future<List<Position>> answer = done.future().andThen(ar -> {
      vertx.cancelTimer(timer);
      if (ar.failed()) {
        warnThrottled(ar.cause());
      }
    });
    return new Attempt(answer, settled.future());
  }

  @Override
  public Future<Void> prepare(Set<String> topics) {
    List<String> fresh = topics.stream().filter(prepared::add).sorted().toList();
    if (fresh.isEmpty()) {
      return Future.succeededFuture();
    }
    return workers.<Void>executeBlocking(() -> {
      Producer<String, String> kafka = producer();
      for (String topic : fresh) {
        kafka.partitionsFor(topic); // blocks up to max.block.ms (the ingest timeout)
      }
      return null;
    }, false).onSuccess(v -> LOG.info("event ingest: connected to Kafka ahead of the first event"
        + " (metadata of {})", fresh)).onFailure(e -> {
          fresh.forEach(prepared::remove);
          LOG.warn("event ingest: could not connect to Kafka ahead of the first event ({}); the"
              + " first event to {} tries again", e.toString(), fresh);
        });
  }

  /**
   * The requests of one topic waiting to be handed to the producer. One worker task drains all
   * that queued up while it ran, instead of a worker task per request: under load that is one
   * thread hop each way per batch of requests, not per request (a wake-up per request and its
   * answer cost more than the send itself on a busy core). Per topic, so a send blocked on one
   * topic's metadata holds up only requests to that topic, as before.
   */
  private final class HandOff {
    private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();

    void submit(Runnable send) {
      queue.add(send);
      if (draining.compareAndSet(false, true)) {
        workers.executeBlocking(() -> {
          drain();
          return null;
        }, false).onFailure(e -> {
          // Rejected: the workers are closed, and so is the producer (close() closes it first),
          // so each send fails at once without blocking this event loop.
          drain();
        });
      }
    }

    /** Runs every queued send; a send queued while it stops is taken by it or a new task. */
    private void drain() {
      do {
        for (Runnable send = queue.poll(); send != null; send = queue.poll()) {
          try {
            send.run();
          } catch (RuntimeException e) {
            // Not expected (a send reports its own failures); must not stop the others.
            LOG.warn("event ingest: handing events to Kafka failed", e);
          }
        }
        draining.set(false);
      } while (!queue.isEmpty() && draining.compareAndSet(false, true));
    }
  }

  /** At most one line per {@value #WARN_INTERVAL_MS} ms, however many requests fail. */
  private void warnThrottled(Throwable failure) {
    long now = System.currentTimeMillis();
    long last = lastWarning.get();
    if (now - last >= WARN_INTERVAL_MS && lastWarning.compareAndSet(last, now)) {
      LOG.warn("event ingest answering 503: {}. Check that Kafka is running and reachable at {}"
          + " (ingest.kafka.bootstrapServers).", failure.getMessage(), config.bootstrapServers());
    }
  }

  /**
   * Hands every event to the producer: a request is sent whole or (timed out while queued) not
   * at all, so that its final outcome is all acknowledged or a failure, never a silent part.
   */
  private void send(Producer<String, String> kafka, String topic, List<Event> events,
      Context context, Promise<List<Position>> done, Promise<List<Position>> settled) {
    Position[] positions = new Position[events.size()];
    AtomicInteger pending = new AtomicInteger(events.size());
    AtomicBoolean failed = new AtomicBoolean();
    for (int i = 0; i < events.size() && !failed.get(); i++) {
      int index = i;
      Event event = events.get(i);
      kafka.send(new ProducerRecord<>(topic, event.key(), event.value()), (metadata, error) -> {
        // On the producer's I/O thread: record, and hop to the request's context once.
        if (error != null) {
          if (failed.compareAndSet(false, true)) {
            EventLogUnavailableException e =
                unavailable("Kafka did not take event " + index + ": " + error, error);
            context.runOnContext(v -> {
              done.tryFail(e);
              settled.tryFail(e);
            });
          }
        } else {
          positions[index] = new Position(metadata.partition(), metadata.offset());
          if (pending.decrementAndGet() == 0) {
            List<Position> all = Arrays.asList(positions);
            context.runOnContext(v -> {
              done.tryComplete(all);
              settled.tryComplete(all);
            });
          }
        }
      });
    }
  }

  private Producer<String, String> producer() {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("the gateway is shutting down");
      }
      if (producer == null) {
        producer = KafkaProducer.create(vertx, settings);
        LOG.info("event ingest: producing to Kafka at {} (acks=all, idempotent, linger {} ms,"
            + " timeout {} ms)", config.bootstrapServers(), config.lingerMs(), config.timeoutMs());
      }
      return producer.unwrap();
    }
  }

  private EventLogUnavailableException unavailable(String message, Throwable cause) {
    return new EventLogUnavailableException(message, cause, retryAfterSeconds);
  }

  @Override
  public Future<Void> close() {
    KafkaProducer<String, String> toClose;
    synchronized (lock) {
      closed = true;
      toClose = producer;
      producer = null;
    }
    Future<Void> closing = toClose == null ? Future.succeededFuture()
        : toClose.close(config.timeoutMs());
    return closing.eventually(workers::close);
  }
}
