package io.streamgate.cli;

import io.streamgate.cli.apikey.ApiKeyCommand;
import io.streamgate.cli.demo.DemoCommand;
import io.streamgate.cli.kafka.ConsumeCommand;
import io.streamgate.cli.kafka.ProduceCommand;
import io.streamgate.cli.seed.SeedCommand;
import io.streamgate.cli.token.TokenCommand;
import io.streamgate.cli.usage.UsageCommand;
import io.streamgate.cli.views.ViewsCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * Entry point of {@code ./streamgate}: parses the command line and runs one subcommand on the
 * main thread. Unexpected errors print one line (the cause), not a stack trace, and exit 1.
 */
@Command(name = "streamgate", mixinStandardHelpOptions = true, version = "streamgate 0.1.0",
    description = "Event streams in Kafka, views in Spark SQL, served live from Redis by a Vert.x gateway.",
    subcommands = {DemoCommand.class, TokenCommand.class, ProduceCommand.class, ConsumeCommand.class,
        SeedCommand.class,
        BenchCommand.class, ViewsCommand.class, ApiKeyCommand.class, UsageCommand.class},
    footer = {"", "Run ./streamgate COMMAND --help for a command's options."})
public final class Main implements Runnable {
  @Spec CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line; tests run it with their own streams. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      line.getErr().println("error: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
      if (System.getenv("STREAMGATE_DEBUG") != null) {
        e.printStackTrace(line.getErr());
      }
      return 1;
    });
    return cli;
  }

  @Override
  public void run() {
    // No subcommand: show what there is.
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
