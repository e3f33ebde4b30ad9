package io.streamgate.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Placeholder for the load and freshness benchmark; says so instead of pretending. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "(coming) Load and freshness benchmark against a running demo; not available yet.")
final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getErr().println("bench is not available yet; meanwhile the demo's order generator"
        + " takes --rate (./streamgate demo --rate 200)");
    return 2;
  }
}
