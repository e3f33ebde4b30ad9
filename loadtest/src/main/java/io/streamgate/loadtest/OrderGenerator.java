package io.streamgate.loadtest;

import io.streamgate.loadtest.orders.OrderSimulator;
import io.streamgate.loadtest.pacing.RatePacer;
import io.streamgate.loadtest.publish.KafkaEventPublisher;
import io.streamgate.loadtest.publish.ProgressReporter;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Command line entry point of the synthetic order stream: realistic {@code orders} events
 * ({@code created → paid → shipped}, skewed users and products) at a steady rate into Kafka.
 * The demo runs it as a child process; SIGTERM or Ctrl-C flushes and exits.
 */
@Command(name = "order-generator", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Writes synthetic orders to Kafka: each order is created, later paid, later shipped "
            + "(same orderId, one event per step, key = orderId).",
        "JSON: {\"orderId\",\"userId\",\"productId\",\"amount\",\"status\",\"ts\"}."})
public final class OrderGenerator implements Callable<Integer> {

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:19092",
      description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
  String bootstrap;

  @Option(names = "--topic", defaultValue = "orders", description = "Topic to write (default: ${DEFAULT-VALUE}).")
  String topic;

  @Option(names = "--rate", paramLabel = "N", defaultValue = "20",
      description = "Events per second (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--users", paramLabel = "N", defaultValue = "50",
      description = "Distinct users, a few of them much busier than the rest (default: ${DEFAULT-VALUE}).")
  int users;

  @Option(names = "--products", paramLabel = "N", defaultValue = "20",
      description = "Distinct products, skewed like users (default: ${DEFAULT-VALUE}).")
  int products;

  @Option(names = "--count", paramLabel = "N", defaultValue = "0",
      description = "Events to send, then exit; 0 runs until stopped (default: ${DEFAULT-VALUE}).")
  long count;

  @Option(names = "--seed", paramLabel = "N",
      description = "Random seed for a repeatable stream (default: a new one each run).")
  Long seed;

  @Option(names = "--progress-seconds", paramLabel = "S", defaultValue = "10",
      description = "Seconds between progress lines (default: ${DEFAULT-VALUE}).")
  int progressSeconds;

  @Spec CommandSpec spec;

  private final PrintStream out;
  private volatile boolean running = true;

  public OrderGenerator() {
    this(System.out);
  }

  OrderGenerator(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new OrderGenerator()).execute(args));
  }

  @Override
  public Integer call() throws InterruptedException {
    if (count < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--count must be >= 0, but was " + count);
    }
    if (progressSeconds < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--progress-seconds must be >= 1, but was " + progressSeconds);
    }
    RandomGenerator random = seed == null ? new Random() : new Random(seed);
    OrderSimulator simulator;
    RatePacer pacer;
    try {
      simulator = new OrderSimulator(
          OrderSimulator.Settings.defaults().withUsers(users).withProducts(products), random, runId(random));
      pacer = new RatePacer(rate);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    out.printf("order generator: %s events/s to topic '%s' at %s, %d users, %d products%s%n",
        rate, topic, bootstrap, users, products, count == 0 ? "" : ", " + count + " events");
    CountDownLatch finished = new CountDownLatch(1);
    Thread stopper = new Thread(() -> {
      running = false;
      try {
        // Let the loop flush what it sent before the JVM exits.
        finished.await(15, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "order-generator-stop");
    Runtime.getRuntime().addShutdownHook(stopper);
    try (KafkaEventPublisher publisher = new KafkaEventPublisher(bootstrap, topic, "streamgate-order-generator")) {
      try (ProgressReporter progress = new ProgressReporter(publisher, out)) {
        progress.start(Duration.ofSeconds(progressSeconds));
        new OrderStream(simulator, pacer, publisher, Clock.systemUTC()).run(count, () -> running);
      }
      out.printf("order generator done: sent %d, acked %d, %d errors%s%n", publisher.sent(), publisher.acked(),
          publisher.failed(), publisher.lastError() == null ? "" : " (last: " + publisher.lastError() + ")");
      return publisher.failed() == 0 ? 0 : 1;
    } finally {
      finished.countDown();
      try {
        // Normal end (--count reached): the hook is no longer needed.
        Runtime.getRuntime().removeShutdownHook(stopper);
      } catch (IllegalStateException shuttingDown) {
        // The JVM is already exiting; the hook runs and returns at once.
      }
    }
  }

  private static String runId(RandomGenerator random) {
    return Long.toString(random.nextLong(36L * 36 * 36 * 36 * 36, 36L * 36 * 36 * 36 * 36 * 36), 36);
  }
}
