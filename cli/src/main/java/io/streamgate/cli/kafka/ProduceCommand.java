package io.streamgate.cli.kafka;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code streamgate produce STREAM}: JSON events from standard input, one per line, into topic
 * STREAM. Stops at the first line that is not a JSON object, after flushing what was sent before
 * it, and says which line it was.
 */
@Command(name = "produce", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Writes JSON events from stdin (one object per line) to a Kafka topic; acks=all, idempotent.",
        "Example: echo '{\"orderId\":\"o-1\",\"userId\":\"u-1\",\"productId\":\"p-1\",\"amount\":9.99,"
            + "\"status\":\"created\",\"ts\":\"2025-01-01T12:00:00Z\"}' | ./streamgate produce orders"})
public final class ProduceCommand implements Callable<Integer> {
  /** Kafka's own rule for topic names. */
  static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  @Parameters(index = "0", paramLabel = "STREAM", description = "Stream (topic) to write, e.g. orders.")
  String stream;

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT", defaultValue = KafkaOptions.DEMO_BOOTSTRAP,
      description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}, the demo's broker).")
  String bootstrap;

  @Option(names = "--key-field", paramLabel = "FIELD",
      description = "Event field to use as the record key (default: orderId when present, else no key).")
  String keyField;

  @Spec CommandSpec spec;

  private final InputStream in;

  public ProduceCommand() {
    this(System.in);
  }

  ProduceCommand(InputStream in) {
    this.in = in;
  }

  @Override
  public Integer call() throws IOException {
    if (!TOPIC.matcher(stream).matches()) {
      throw new ParameterException(spec.commandLine(),
          "STREAM '" + stream + "' is not a valid topic name (letters, digits, '.', '_', '-'; at most 249)");
    }
    PrintWriter err = spec.commandLine().getErr();
    AtomicLong acked = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicReference<Exception> firstError = new AtomicReference<>();
    long sent = 0;
    String badLine = null;
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(KafkaOptions.producer(bootstrap));
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      long lineNumber = 0;
      String line;
      // A failed send (typically: broker unreachable) stops the input: every further line would
      // wait out the same timeout.
      while (firstError.get() == null && (line = reader.readLine()) != null) {
        lineNumber++;
        if (line.isBlank()) {
          continue;
        }
        EventLine event;
        try {
          event = EventLine.parse(line, keyField);
        } catch (IllegalArgumentException e) {
          badLine = "line " + lineNumber + " " + e.getMessage();
          break;
        }
        producer.send(new ProducerRecord<>(stream, event.key(), event.value()), (metadata, error) -> {
          if (error == null) {
            acked.incrementAndGet();
          } else {
            failed.incrementAndGet();
            firstError.compareAndSet(null, error);
          }
        });
        sent++;
      }
      producer.flush();
    }
    if (firstError.get() != null) {
      err.println("error: " + describe(firstError.get()) + "; " + acked.get() + " of " + sent
          + " events were written to '" + stream + "' before it");
      return 1;
    }
    if (badLine != null) {
      err.println("error: " + badLine + "; stopped there, after writing " + acked.get() + " events to '" + stream + "'");
      return 1;
    }
    err.println("wrote " + acked.get() + " events to '" + stream + "' at " + bootstrap);
    return 0;
  }

  private String describe(Exception error) {
    if (error instanceof TimeoutException) {
      return "cannot reach Kafka at " + bootstrap + " (" + error.getMessage()
          + "): is the demo running? Start it with ./streamgate demo";
    }
    return error.getClass().getSimpleName() + ": " + error.getMessage();
  }
}
