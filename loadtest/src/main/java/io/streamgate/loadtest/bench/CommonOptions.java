package io.streamgate.loadtest.bench;

import io.streamgate.loadtest.bench.load.Target;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options every scenario takes. */
public final class CommonOptions {
  /** Where the token comes from without --token; {@code ./streamgate bench} sets it. */
  public static final String TOKEN_ENV = "STREAMGATE_BENCH_TOKEN";
  /**
   * A file of tokens, one per line, each of its own subject: WebSocket clients spread over them,
   * because a gateway accepts at most {@code push.maxSocketsPerPrincipal} sockets per subject
   * (./streamgate bench writes it when it mints from the demo key).
   */
  public static final String WS_TOKENS_FILE_ENV = "STREAMGATE_BENCH_WS_TOKENS_FILE";
  public static final String DEFAULT_TARGET = "http://127.0.0.1:8080";

  @Option(names = "--target", paramLabel = "URL",
      description = "Gateway base URL; repeat for several gateways (rate-limit spreads over them). Default: "
          + DEFAULT_TARGET + " (the demo).")
  List<String> targets = new ArrayList<>();

  @Option(names = "--rate", paramLabel = "N",
      description = "Open model: N units per second at constant arrival rate; latency is measured from each "
          + "unit's intended send time (coordinated omission corrected). Without it: closed model.")
  Double rate;

  @Option(names = "--connections", paramLabel = "N", defaultValue = "64",
      description = "Closed model: N concurrent request loops. Open model: HTTP connection pool size and "
          + "requests sent at once; due requests beyond it wait in the tool (default: ${DEFAULT-VALUE}).")
  int connections;

  @Option(names = "--duration", paramLabel = "TIME", defaultValue = "10s", converter = DurationConverter.class,
      description = "Measured time, e.g. 30s or 2m (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(names = "--warmup", paramLabel = "TIME", defaultValue = "5s", converter = DurationConverter.class,
      description = "Load before measuring, for JIT and caches on both sides; not recorded "
          + "(default: ${DEFAULT-VALUE}).")
  Duration warmup;

  @Option(names = "--ramp", paramLabel = "TIME", converter = DurationConverter.class,
      description = "Open model: the rate climbs linearly from 0 to --rate over this part of the warm-up, as a "
          + "load balancer's slow start feeds a new instance (default: 0s; soak: the whole warm-up).")
  Duration ramp;

  @Option(names = "--token", paramLabel = "JWT",
      description = "Bearer token. Default: $" + TOKEN_ENV + " (./streamgate bench mints one from the demo key).")
  String token;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Directory for results.json and report.html (default: bench-results/<scenario>-<time>).")
  Path out;

  @Option(names = "--timeout", paramLabel = "TIME", defaultValue = "10s", converter = DurationConverter.class,
      description = "Per-request timeout; a unit not done by then is error 'timeout' (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--event-loops", paramLabel = "N",
      description = "Client event loops (default: the CPUs this process may use, so taskset -c 1 means 1).")
  Integer eventLoops;

  @Option(names = "--max-in-flight", paramLabel = "N", defaultValue = "20000",
      description = "Open model: units outstanding at most; beyond it sends are skipped and counted as "
          + "'client_overload' (default: ${DEFAULT-VALUE}).")
  int maxInFlight;

  @Option(names = "--insecure",
      description = "HTTPS/WSS: accept any server certificate (self-signed test deployments). Off by default.")
  boolean insecure;

  public boolean insecure() {
    return insecure;
  }

  public List<Target> targets() {
    List<String> urls = targets.isEmpty() ? List.of(DEFAULT_TARGET) : targets;
    return urls.stream().map(Target::parse).toList();
  }

  public boolean targetGiven() {
    return !targets.isEmpty();
  }

  public Double rate() {
    return rate;
  }

  public int connections() {
    return connections;
  }

  public Duration duration() {
    return duration;
  }

  public Duration warmup() {
    return warmup;
  }

  /** --ramp, or null when not given (the scenario picks its default). */
  public Duration ramp() {
    return ramp;
  }

  public Duration timeout() {
    return timeout;
  }

  public int maxInFlight() {
    return maxInFlight;
  }

  public int eventLoops() {
    return eventLoops != null ? eventLoops : Runtime.getRuntime().availableProcessors();
  }

  /** The token from --token, else from the environment; null means requests go without one. */
  public String token() {
    if (token != null && !token.isBlank()) {
      return token.strip();
    }
    String env = System.getenv(TOKEN_ENV);
    return env == null || env.isBlank() ? null : env.strip();
  }

  /**
   * The token of WebSocket client {@code i}: the i-th (round robin) of {@link #WS_TOKENS_FILE_ENV}'s
   * when given, else {@link #token()}.
   */
  public String wsToken(int i) {
    List<String> tokens = wsTokens();
    return tokens.isEmpty() ? token() : tokens.get(i % tokens.size());
  }

  private List<String> wsTokens() {
    if (wsTokens == null) {
      String file = System.getenv(WS_TOKENS_FILE_ENV);
      try {
        wsTokens = file == null || file.isBlank() ? List.of()
            : java.nio.file.Files.readAllLines(Path.of(file)).stream().map(String::strip)
                .filter(t -> !t.isEmpty()).toList();
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException("$" + WS_TOKENS_FILE_ENV + ": cannot read " + file + " (" + e + ")");
      }
    }
    return wsTokens;
  }

  private List<String> wsTokens;

  public Path out(String scenario) {
    return out != null ? out : Path.of("bench-results",
        scenario + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
  }

  /** The first problem with the values, or null. */
  String problem() {
    if (rate != null && (!(rate > 0) || rate.isInfinite())) {
      return "--rate must be a positive number per second, but was " + rate;
    }
    if (connections < 1) {
      return "--connections must be at least 1, but was " + connections;
    }
    if (duration.isZero() || duration.isNegative()) {
      return "--duration must be positive, but was " + duration;
    }
    if (warmup.isNegative()) {
      return "--warmup must be >= 0, but was " + warmup;
    }
    if (ramp != null && (ramp.isNegative() || ramp.compareTo(warmup) > 0)) {
      return "--ramp must be between 0 and --warmup (" + warmup.toSeconds() + " s): only full-rate load is measured,"
          + " but was " + ramp;
    }
    if (timeout.isZero() || timeout.isNegative()) {
      return "--timeout must be positive, but was " + timeout;
    }
    if (eventLoops != null && eventLoops < 1) {
      return "--event-loops must be at least 1, but was " + eventLoops;
    }
    if (maxInFlight < 1) {
      return "--max-in-flight must be at least 1, but was " + maxInFlight;
    }
    try {
      targets();
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    return null;
  }
}
