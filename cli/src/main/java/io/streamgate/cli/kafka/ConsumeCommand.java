package io.streamgate.cli.kafka;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code streamgate consume TOPIC}: prints record values, one per line, until no record has come
 * for {@code --timeout} seconds or {@code --max} were printed. Reads every partition without a
 * consumer group, so it never moves anyone's committed offsets.
 */
@Command(name = "consume", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Prints the values of a Kafka topic's records, one per line.")
public final class ConsumeCommand implements Callable<Integer> {
  private static final Duration POLL = Duration.ofMillis(200);

  @Parameters(index = "0", paramLabel = "TOPIC", description = "Topic to read, e.g. orders.")
  String topic;

  @Option(names = "--from-beginning", description = "Start at the oldest record instead of only new ones.")
  boolean fromBeginning;

  @Option(names = "--timeout", paramLabel = "S", defaultValue = "10",
      description = "Exit after this many seconds without a new record; 0 waits forever (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Option(names = "--max", paramLabel = "N", defaultValue = "0",
      description = "Exit after printing N records; 0 means no limit (default: ${DEFAULT-VALUE}).")
  long max;

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT", defaultValue = KafkaOptions.DEMO_BOOTSTRAP,
      description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}, the demo's broker).")
  String bootstrap;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (timeoutSeconds < 0 || max < 0) {
      throw new ParameterException(spec.commandLine(), "--timeout and --max must be >= 0");
    }
    if (!ProduceCommand.TOPIC.matcher(topic).matches()) {
      throw new ParameterException(spec.commandLine(), "TOPIC '" + topic + "' is not a valid topic name");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    long printed = 0;
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(KafkaOptions.consumer(bootstrap))) {
      List<PartitionInfo> partitions = consumer.partitionsFor(topic);
      if (partitions == null || partitions.isEmpty()) {
        err.println("error: topic '" + topic + "' does not exist at " + bootstrap);
        return 1;
      }
      List<TopicPartition> assigned = partitions.stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(assigned);
      if (fromBeginning) {
        consumer.seekToBeginning(assigned);
      } else {
        consumer.seekToEnd(assigned);
      }
      long idleSince = System.nanoTime();
      while (max == 0 || printed < max) {
        boolean gotAny = false;
        for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
          out.println(record.value());
          gotAny = true;
          if (++printed == max) {
            break;
          }
        }
        out.flush();
        if (gotAny) {
          idleSince = System.nanoTime();
        } else if (timeoutSeconds > 0 && System.nanoTime() - idleSince > Duration.ofSeconds(timeoutSeconds).toNanos()) {
          break;
        }
      }
    } catch (TimeoutException e) {
      err.println("error: cannot reach Kafka at " + bootstrap + " (" + e.getMessage()
          + "): is the demo running? Start it with ./streamgate demo");
      return 1;
    }
    err.println("read " + printed + " records from '" + topic + "'");
    return 0;
  }
}
