package io.streamgate.cli;

import io.streamgate.cli.token.DemoSecret;
import io.streamgate.cli.token.TokenMinter;
import io.streamgate.cli.token.TokenRequest;
import io.streamgate.harness.Modules;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code streamgate bench SCENARIO ...}: runs the load and freshness tool
 * ({@code io.streamgate.loadtest.bench.BenchMain}) in its own JVM with full JIT (this CLI runs
 * with C1 only, which would make the tool its own bottleneck), passing every argument through.
 * Without {@code --token} (and {@code $STREAMGATE_BENCH_TOKEN}), mints a token from the demo's key
 * in {@code ./.streamgate} (or the {@code --state-dir} given) when it exists, and with that key
 * always mints the WebSocket clients' tokens (a subject per {@value #SOCKETS_PER_SUBJECT}
 * clients). {@code --state-dir} goes on to the scenarios that read it (soak, chaos) only. CPU
 * affinity is inherited: {@code taskset -c 1 ./streamgate bench ...} pins the tool.
 */
@Command(name = "bench", description = {"Load and freshness benchmarks: rest-read, ws-fanout, freshness, ingest, "
    + "rate-limit, noop, suite. Run ./streamgate bench --help for the list, ./streamgate bench SCENARIO --help "
    + "for options."})
final class BenchCommand implements Callable<Integer> {
  static final String MAIN = "io.streamgate.loadtest.bench.BenchMain";
  static final String TOKEN_ENV = "STREAMGATE_BENCH_TOKEN";
  /** The tool's file of WebSocket clients' tokens (loadtest CommonOptions). */
  static final String WS_TOKENS_FILE_ENV = "STREAMGATE_BENCH_WS_TOKENS_FILE";
  /**
   * WebSocket clients per minted subject: half the gateway's default {@code
   * push.maxSocketsPerPrincipal} (50), so reconnects that overlap a closing socket still fit.
   */
  static final int SOCKETS_PER_SUBJECT = 25;

  @Unmatched List<String> args = new ArrayList<>();

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // G1: pinned to one CPU the JVM would pick the serial collector, and the tool's own pauses
    // count as the server's latency in the open model.
    command.addAll(List.of("-Xms256m", "-Xmx1g", "-XX:+UseG1GC", "-cp", Modules.classpath("loadtest"), MAIN));
    command.addAll(forwarded(args));
    ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
    PrintWriter err = spec.commandLine().getErr();
    Path secret = demoSecret(args);
    if (wantsToken(args) && Files.isRegularFile(secret)) {
      try (TokenMinter minter = new TokenMinter(DemoSecret.load(secret))) {
        if (System.getenv(TOKEN_ENV) == null) {
          builder.environment().put(TOKEN_ENV, minter.mint(tokenFor(args)));
          err.println("bench: using a token minted from " + secret + " (scope \"" + tokenFor(args).scope()
              + "\")");
          err.flush();
        }
        // Also with a token given: one subject for every client would exceed the gateway's
        // sockets per principal (push.maxSocketsPerPrincipal) and the clients would be refused.
        Path wsTokens = Files.createTempFile("streamgate-bench-ws-tokens", ".txt");
        wsTokens.toFile().deleteOnExit();
        Files.write(wsTokens, wsTokens(minter, args));
        builder.environment().put(WS_TOKENS_FILE_ENV, wsTokens.toString());
      }
    }
    Process child = builder.start();
    // Stopping this command (Ctrl-C, SIGTERM) stops the tool too; else a noop-server or a load
    // run would carry on, orphaned.
    Thread stopChild = new Thread(() -> {
      child.destroy();
      try {
        child.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "bench-stop");
    Runtime.getRuntime().addShutdownHook(stopChild);
    return child.waitFor();
  }

  /** Whether a token is worth minting: a scenario runs and none was given. */
  static boolean wantsToken(List<String> args) {
    return !args.isEmpty() && !args.contains("--token") && !args.contains("--help") && !args.contains("-h")
        && args.stream().noneMatch(a -> a.startsWith("--token="));
  }

  /**
   * The arguments for the tool: without {@code --state-dir} unless the scenario reads it (soak and
   * chaos find the demo's processes there); for the others it only told this command where the
   * demo's key is.
   */
  static List<String> forwarded(List<String> args) {
    if (!args.isEmpty() && (args.get(0).equals("soak") || args.get(0).equals("chaos"))) {
      return args;
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).equals("--state-dir")) {
        i++; // and its value
      } else if (!args.get(i).startsWith("--state-dir=")) {
        out.add(args.get(i));
      }
    }
    return out;
  }

  /** The demo's signing key: in the --state-dir the arguments name, else ./.streamgate. */
  static Path demoSecret(List<String> args) {
    return Path.of(valueOf(args, "--state-dir", ".streamgate"), DemoSecret.FILE_NAME);
  }

  /**
   * Tokens of subjects bench-ws-0, bench-ws-1, … (scope views:read), enough for the clients
   * {@code --subscribers} asks for (at least 1,000) at {@value #SOCKETS_PER_SUBJECT} per subject.
   */
  static List<String> wsTokens(TokenMinter minter, List<String> args) {
    int subscribers;
    try {
      subscribers = Math.max(1000, Integer.parseInt(valueOf(args, "--subscribers", "0")));
    } catch (NumberFormatException e) {
      subscribers = 1000; // the tool reports the bad value itself
    }
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < (subscribers + SOCKETS_PER_SUBJECT - 1) / SOCKETS_PER_SUBJECT; i++) {
      tokens.add(minter.mint(new TokenRequest("bench-ws-" + i, "views:read", null, null, Duration.ofHours(6))));
    }
    return tokens;
  }

  /** Reads the views and writes the stream the arguments name (default orders), with --plan if given. */
  static TokenRequest tokenFor(List<String> args) {
    String stream = valueOf(args, "--stream", "orders");
    return new TokenRequest("bench", "views:read events:" + stream + ":write", null, valueOf(args, "--plan", null),
        Duration.ofHours(6));
  }

  private static String valueOf(List<String> args, String option, String fallback) {
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).equals(option) && i + 1 < args.size()) {
        return args.get(i + 1);
      }
      if (args.get(i).startsWith(option + "=")) {
        return args.get(i).substring(option.length() + 1);
      }
    }
    return fallback;
  }
}
