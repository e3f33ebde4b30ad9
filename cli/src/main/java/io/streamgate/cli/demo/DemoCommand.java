package io.streamgate.cli.demo;

import io.streamgate.harness.Modules;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code streamgate demo}: runs the whole system locally until Ctrl-C (or SIGTERM), then stops
 * every process it started. Exits 1 if startup fails or a process dies while running.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Runs the whole system on this machine until Ctrl-C.",
        "Kafka, Redis, the Spark processor, the gateway and an order generator each run as their own process;",
        "once data is served, prints a token and copy-paste examples. Ctrl-C stops everything."})
public final class DemoCommand implements Callable<Integer> {
  private static final long WATCH_MILLIS = 1000;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + DemoSettings.DEFAULT_HTTP_PORT,
      description = "Gateway HTTP port (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(names = "--gateways", paramLabel = "N", defaultValue = "1",
      description = "Run N gateways on ports PORT..PORT+N-1, sharing one Redis: rate limits and live"
          + " updates are shared (1-" + DemoSettings.MAX_GATEWAYS + ", default: ${DEFAULT-VALUE}).")
  int gateways;

  @Option(names = "--kafka-port", paramLabel = "PORT", defaultValue = "" + DemoSettings.DEFAULT_KAFKA_PORT,
      description = "Kafka broker port (default: ${DEFAULT-VALUE}).")
  int kafkaPort;

  @Option(names = "--redis-port", paramLabel = "PORT", defaultValue = "" + DemoSettings.DEFAULT_REDIS_PORT,
      description = "Redis port (default: ${DEFAULT-VALUE}).")
  int redisPort;

  @Option(names = "--processor-metrics-port", paramLabel = "PORT",
      defaultValue = "" + DemoSettings.DEFAULT_PROCESSOR_METRICS_PORT,
      description = "Port of the processor's Prometheus /metrics (default: ${DEFAULT-VALUE}).")
  int processorMetricsPort;

  @Option(names = "--management-port", paramLabel = "PORT",
      defaultValue = "" + DemoSettings.DEFAULT_MANAGEMENT_PORT,
      description = "Management port of the first gateway: /metrics, health details and the admin API"
          + " of ./streamgate views; more gateways use the next ports (default: ${DEFAULT-VALUE}).")
  int managementPort;

  @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "./.streamgate",
      description = "Data, checkpoints, logs, pid files and the JWT secret (default: ${DEFAULT-VALUE}).")
  Path stateDir;

  @Option(names = "--fresh", description = "Delete the state directory first: start with no data.")
  boolean fresh;

  @Option(names = "--rate", paramLabel = "N", defaultValue = "20",
      description = "Order events per second from the generator (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--no-generator", description = "Do not start the order generator (produce your own events).")
  boolean noGenerator;

  @Option(names = "--with-postgres",
      description = "Also run PostgreSQL (port --postgres-port) with a customers table, and the change connector"
          + " that streams it to Kafka; adds the views customers and customers_by_city.")
  boolean withPostgres;

  @Option(names = "--postgres-port", paramLabel = "PORT", defaultValue = "" + DemoSettings.DEFAULT_POSTGRES_PORT,
      description = "PostgreSQL port with --with-postgres (default: ${DEFAULT-VALUE}).")
  int postgresPort;

  @Option(names = "--cluster",
      description = {"Run on real clusters instead, each node its own process: 3 Kafka brokers (ports KAFKA-PORT..+2,"
          + " controllers +3..+5; topics replicated 3 times, min.insync.replicas 2), a Spark standalone master"
          + " (7077, UI 8480) with 2 workers (UIs 8481-8482) running the processor as a supervised cluster-mode"
          + " driver, a Redis Cluster of 3 primaries + 3 replicas (REDIS-PORT..+5, bus +10000), 3 gateways"
          + " (PORT..+2) and the generator. A process that dies is restarted after 5 s (for"
          + " ./streamgate bench chaos). Needs about 6 GB of memory and redis-cli; always starts with no data."})
  boolean cluster;

  @Option(names = "--startup-timeout", paramLabel = "S", defaultValue = "240",
      description = "Give up if not ready after this many seconds (default: ${DEFAULT-VALUE}).")
  long startupTimeoutSeconds;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    DemoSettings settings;
    try {
      settings = new DemoSettings(Modules.root(), stateDir, httpPort, kafkaPort, redisPort, fresh, rate,
          !noGenerator, Duration.ofSeconds(startupTimeoutSeconds), gateways, processorMetricsPort, managementPort,
          withPostgres, postgresPort);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintStream out = System.out;
    StartupProgress progress = new StartupProgress(out);
    if (cluster && (withPostgres || gateways != 1)) {
      throw new ParameterException(spec.commandLine(), "--cluster runs 3 gateways and no PostgreSQL:"
          + " leave out --gateways and --with-postgres");
    }
    DemoRun demo = cluster ? new ClusterDemo(settings, progress) : new Demo(settings, progress);
    CountDownLatch stoppedByHook = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      // Already stopped (failed start, or a process died): nothing to say.
      if (!demo.isStopping()) {
        progress.note("");
        progress.note("stopping the demo...");
        demo.stop(line -> progress.step("stop", line));
        progress.note("demo stopped; nothing left running.");
      }
      stoppedByHook.countDown();
    }, "streamgate-demo-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      demo.start();
    } catch (DemoFailure e) {
      System.err.println("error: " + e.getMessage());
      return 1;
    }
    demo.banner().forEach(out::println);
    out.flush();
    return watch(demo, progress, stoppedByHook);
  }

  /** Runs until the hook stops the demo, or a process dies on its own (then stops the rest, exit 1). */
  private static int watch(DemoRun demo, StartupProgress progress, CountDownLatch stoppedByHook)
      throws InterruptedException {
    while (true) {
      Optional<Child> dead = demo.check(line -> progress.step("watch", line));
      if (dead.isPresent()) {
        // A child may die during a Ctrl-C or SIGTERM stop; give the shutdown hook a moment to claim it.
        Thread.sleep(WATCH_MILLIS);
        if (demo.isStopping()) {
          stoppedByHook.await();
          return 130;
        }
        Child child = dead.get();
        System.err.println("error: " + child.name() + " (pid " + child.pid() + ") exited unexpectedly. Last lines of "
            + child.logFile() + ":\n" + child.tail(30));
        demo.stop(line -> progress.step("stop", line));
        return 1;
      }
      if (stoppedByHook.getCount() == 0) {
        return 130;
      }
      Thread.sleep(WATCH_MILLIS);
    }
  }
}
