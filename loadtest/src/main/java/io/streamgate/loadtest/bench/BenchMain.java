package io.streamgate.loadtest.bench;

import io.streamgate.loadtest.bench.scenario.Chaos;
import io.streamgate.loadtest.bench.scenario.Freshness;
import io.streamgate.loadtest.bench.scenario.Ingest;
import io.streamgate.loadtest.bench.scenario.Noop;
import io.streamgate.loadtest.bench.scenario.NoopServer;
import io.streamgate.loadtest.bench.scenario.RateLimit;
import io.streamgate.loadtest.bench.scenario.RestRead;
import io.streamgate.loadtest.bench.scenario.Soak;
import io.streamgate.loadtest.bench.scenario.Suite;
import io.streamgate.loadtest.bench.scenario.WsFanout;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code streamgate bench}: load and freshness measurements against any Streamgate deployment.
 * Each scenario prints a progress line per second, a summary at the end, and writes
 * {@code results.json} and a self-contained {@code report.html}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, version = "streamgate bench 0.1.0",
    description = {"Load and freshness benchmarks against a Streamgate deployment (default: the local demo).",
        "Open model with --rate N (constant arrival rate, latency from the intended send time), closed model "
            + "with --connections N. Results: <out>/results.json and <out>/report.html.",
        "Keep the tool off the server's cores: taskset -c 1 ./streamgate bench ... (server pinned to CPU 0)."},
    subcommands = {RestRead.class, WsFanout.class, Freshness.class, Ingest.class, RateLimit.class, Noop.class,
        NoopServer.class,
        Suite.class, Chaos.class, Soak.class},
    footer = {"", "Run ./streamgate bench SCENARIO --help for a scenario's options."})
public final class BenchMain implements Runnable {
  @Spec CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line; errors print one line, not a stack trace. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new BenchMain());
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      line.getErr().println("bench " + line.getCommandName() + ": " + (e.getMessage() != null ? e.getMessage()
          : e.toString()));
      if (System.getenv("STREAMGATE_DEBUG") != null) {
        e.printStackTrace(line.getErr());
      }
      return 1;
    });
    return cli;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
