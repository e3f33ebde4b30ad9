package io.streamgate.cli.demo;

import io.streamgate.cli.token.DemoSecret;
import io.streamgate.cli.token.TokenMinter;
import io.streamgate.cli.token.TokenRequest;
import java.io.IOException;
import io.streamgate.harness.PostgresServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The local demo: Redis, a Kafka broker, the Spark processor, the gateway and (optionally) the
 * order generator, each its own process, started in that order and stopped in reverse.
 *
 * <p>{@link #start()} returns once the gateway serves every view of the pipeline and, with the
 * generator, a real order's row; on failure it stops what it started and throws a
 * {@link DemoFailure} that names the cause and shows the failing process's log tail.
 * {@link #stop} may be called from another thread (a shutdown hook) at any time, also during
 * {@link #start()}, which then gives up.
 */
public final class Demo implements DemoRun {
  private static final int TAIL_LINES = 30;
  private static final String CLI_MAIN = "io.streamgate.cli.Main";

  private final DemoSettings settings;
  private final StartupProgress progress;
  private final StateDir state;
  private final PidFiles pids;
  private final GatewayClient gateway;
  private final List<Child> children = new CopyOnWriteArrayList<>();
  private volatile boolean stopping;
  private volatile boolean stopped;
  // Set once this demo wrote <state>/pids/demo.pid; another demo's file is never removed.
  private volatile boolean ownsDemoPidFile;
  private String token;
  private List<String> views = List.of();
  private OrderTap.SampleOrder sample;
  private Duration startupTime;
  private String psql;

  public Demo(DemoSettings settings, StartupProgress progress) {
    this.settings = settings;
    this.progress = progress;
    this.state = new StateDir(settings.stateDir());
    this.pids = new PidFiles(state.pids());
    this.gateway = new GatewayClient(URI.create("http://127.0.0.1:" + settings.httpPort()));
  }

  /** Starts every process and waits until the demo serves data; see the class comment. */
  @Override
  public void start() throws DemoFailure {
    try {
      prepare();
      StartupWait wait = new StartupWait(settings.startupTimeout(), children, () -> stopping, TAIL_LINES);
      DemoServices services = new DemoServices(settings, state, pids);
      if (settings.postgres()) {
        // First: without PostgreSQL installed the demo stops before starting anything.
        startPostgres(services);
      }
      Child redis = started(services.redis());
      progress.step("redis", "listening on 127.0.0.1:" + settings.redisPort() + pidNote(redis));
      Child kafka = started(services.kafka());
      services.createOrdersTopic();
      progress.step("kafka", "listening on " + settings.kafkaBootstrap() + pidNote(kafka));
      Path pipeline = settings.pipeline();
      if (settings.postgres()) {
        pipeline = startConnector(services);
      }
      long processorLogStart = LogFiles.size(state.log("processor"));
      Child processor = started(services.processor(pipeline));
      progress.step("processor", "starting Spark" + pidNote(processor) + ", log " + processor.logFile());
      List<Child> gateways = new ArrayList<>();
      for (int i = 0; i < settings.gateways(); i++) {
        Child gw = started(services.gateway(i));
        gateways.add(gw);
        progress.step(services.gatewayName(i), "starting" + pidNote(gw) + ", log " + gw.logFile());
      }
      for (int i = 0; i < gateways.size(); i++) {
        GatewayClient client = i == 0 ? gateway
            : new GatewayClient(URI.create("http://127.0.0.1:" + settings.gatewayPort(i)));
        wait.untilTrue("gateway " + services.gatewayName(i) + " to answer /health/ready", gateways.get(i),
            () -> client.health().ok());
        progress.step(services.gatewayName(i), "ready on http://localhost:" + settings.gatewayPort(i));
      }
      if (settings.gateways() > 1) {
        progress.step("gateways", settings.gateways() + " on ports " + settings.gatewayPort(0) + "-"
            + settings.gatewayPort(settings.gateways() - 1) + ", one Redis: rate limits and change messages"
            + " are shared");
      }
      String ready = wait.until("the processor to start its views", processor,
          () -> LogFiles.findSince(processor.logFile(), processorLogStart, "processor ready:"));
      progress.step("processor", ready.substring(ready.indexOf("processor ready:") + "processor ready:".length()).strip());
      List<String> expected = PipelineViews.names(pipeline);
      views = wait.until("the gateway to list the views " + expected, processor,
          () -> gateway.views(token).filter(listed -> listed.containsAll(expected)).orElse(null));
      progress.step("views", "served: " + String.join(", ", expected));
      if (settings.generator()) {
        startGenerator(services, wait, processor);
      }
      if (settings.postgres()) {
        wait.untilTrue("customers/c-1 (from the database) to be readable", processor,
            () -> gateway.row("customers", "c-1", token).ok());
        progress.step("first row", "customers/c-1 is served (from PostgreSQL through the connector)");
      }
      startupTime = progress.elapsed();
    } catch (DemoFailure e) {
      stop(line -> progress.step("stop", line));
      throw e;
    } catch (IOException | RuntimeException e) {
      stop(line -> progress.step("stop", line));
      throw new DemoFailure("demo failed to start: " + e.getMessage(), e);
    }
  }

  private void prepare() throws IOException, DemoFailure {
    List<PortGuard.Need> needs = new ArrayList<>();
    for (int i = 0; i < settings.gateways(); i++) {
      needs.add(new PortGuard.Need(settings.gatewayPort(i), "gateway HTTP", "--port"));
    }
    needs.add(new PortGuard.Need(settings.kafkaPort(), "Kafka", "--kafka-port"));
    needs.add(new PortGuard.Need(settings.redisPort(), "Redis", "--redis-port"));
    needs.add(new PortGuard.Need(settings.processorMetricsPort(), "processor metrics", "--processor-metrics-port"));
    for (int i = 0; i < settings.gateways(); i++) {
      needs.add(new PortGuard.Need(settings.managementPort(i), "gateway management", "--management-port"));
    }
    if (settings.postgres()) {
      needs.add(new PortGuard.Need(settings.postgresPort(), "PostgreSQL", "--postgres-port"));
    }
    token = prepare(settings, state, pids, progress, needs);
    ownsDemoPidFile = true;
  }

  /**
   * What every demo does before starting anything: refuses to run beside another demo on the same
   * state, stops what an earlier (SIGKILLed) demo left running, deletes the state with
   * {@code --fresh}, checks {@code needs} are free, writes its own pid file and returns a
   * read-only token signed with the demo secret (created on first use).
   */
  static String prepare(DemoSettings settings, StateDir state, PidFiles pids, StartupProgress progress,
      List<PortGuard.Need> needs) throws IOException, DemoFailure {
    progress.note("Streamgate demo: state in " + state.dir() + ", logs in " + state.logs());
    Optional<PidFiles.Entry> other = pids.runningDemo();
    if (other.isPresent()) {
      throw new DemoFailure("another demo (pid " + other.get().pid() + ") is running with state dir " + state.dir()
          + ": stop it (Ctrl-C in its terminal) or give this one another --state-dir");
    }
    for (PidFiles.Entry leftover : pids.stopLeftovers()) {
      progress.step("cleanup", "stopped " + leftover.name() + " (pid " + leftover.pid()
          + ") left running by an earlier demo");
    }
    if (settings.fresh()) {
      state.delete();
      progress.step("state", "deleted " + state.dir() + " (--fresh)");
    }
    List<String> taken = PortGuard.problems(needs);
    if (!taken.isEmpty()) {
      throw new DemoFailure(String.join("\n", taken));
    }
    state.create();
    pids.write(PidFiles.DEMO, ProcessHandle.current().pid(), List.of(CLI_MAIN));
    DemoSecret secret = DemoSecret.loadOrCreate(state.secretFile());
    if (secret.created()) {
      progress.step("secret", "created " + secret.file() + " (mode 600)");
    }
    try (TokenMinter minter = new TokenMinter(secret)) {
      return minter.mint(TokenRequest.demoReader());
    }
  }

  /** PostgreSQL with the demo schema. */
  private void startPostgres(DemoServices services) throws IOException, DemoFailure {
    PostgresServer db;
    try {
      db = services.postgres();
    } catch (IllegalStateException e) {
      // Not installed: the harness's one line says how to install it.
      throw new DemoFailure("--with-postgres: " + e.getMessage());
    }
    Child child = started(services.registered(db));
    psql = db.psqlCommand();
    progress.step("postgres", "listening on 127.0.0.1:" + settings.postgresPort() + ", database "
        + db.database() + pidNote(child));
  }

  /**
   * The connector (Kafka must be up); returns the pipeline the processor runs: the demo's plus
   * the database's views.
   */
  private Path startConnector(DemoServices services) throws IOException, DemoFailure {
    Child connector = started(services.connector());
    progress.step("connector", "capturing public.customers into topic streamgate.public.customers"
        + pidNote(connector) + ", log " + connector.logFile());
    // The lookup table's url names the default port; the database may listen on another.
    return PipelineMerge.write(settings.pipeline(), settings.postgresPipeline(),
        Map.of("127.0.0.1:" + DemoSettings.DEFAULT_POSTGRES_PORT + "/", "127.0.0.1:" + settings.postgresPort() + "/"),
        state.postgresPipeline());
  }

  private void startGenerator(DemoServices services, StartupWait wait, Child processor)
      throws IOException, DemoFailure {
    try (OrderTap tap = new OrderTap(settings.kafkaBootstrap(), DemoSettings.ORDERS_TOPIC)) {
      Child generator = started(services.generator());
      progress.step("generator", "writing " + formatRate(settings.rate()) + " orders/s to topic '" + DemoSettings.ORDERS_TOPIC
          + "'" + pidNote(generator));
      sample = wait.until("the generator's first order", generator,
          () -> tap.poll(Duration.ofMillis(250)).orElse(null));
    }
    OrderTap.SampleOrder order = sample;
    wait.untilTrue("order_status/" + order.orderId() + " and user_totals/" + order.userId() + " to be readable",
        processor, () -> gateway.row("order_status", order.orderId(), token).ok()
            && gateway.row("user_totals", order.userId(), token).ok());
    progress.step("first row", "order_status/" + sample.orderId() + " is served");
  }

  private Child started(Child child) throws DemoFailure {
    children.add(child);
    if (stopping) {
      throw new DemoFailure("startup interrupted");
    }
    return child;
  }

  private static String formatRate(double rate) {
    return rate == Math.rint(rate) ? Long.toString((long) rate) : Double.toString(rate);
  }

  private static String pidNote(Child child) {
    return child.pid() > 0 ? " (pid " + child.pid() + ")" : "";
  }

  /**
   * Stops every started process, newest first (generator, gateway, processor, Kafka, Redis), and
   * reports each as it goes. Idempotent and thread-safe.
   */
  @Override
  public synchronized void stop(Consumer<String> report) {
    stopping = true;
    if (stopped) {
      return;
    }
    List<Child> reversed = new ArrayList<>(children);
    Collections.reverse(reversed);
    for (Child child : reversed) {
      boolean wasAlive = child.isAlive();
      Duration took = child.stop();
      report.accept("stopped " + child.name() + pidNote(child)
          + (wasAlive ? String.format(Locale.ROOT, " in %.1f s", took.toMillis() / 1000.0) : ", had already exited"));
      pids.remove(child.name());
    }
    if (ownsDemoPidFile) {
      pids.remove(PidFiles.DEMO);
    }
    stopped = true;
  }

  /** The first process that exited: the demo does not run without any of them. */
  @Override
  public Optional<Child> check(Consumer<String> report) {
    return children.stream().filter(c -> !c.isAlive()).findFirst();
  }

  @Override
  public List<String> banner() {
    return ReadyBanner.lines(settings.httpPort(), startupTime, token, views,
        sample().map(OrderTap.SampleOrder::orderId).orElse(null),
        sample().map(OrderTap.SampleOrder::userId).orElse(null), displayPath(settings.stateDir()), psql);
  }

  /** The state directory relative to the working directory when it is inside it, for shorter lines. */
  static String displayPath(Path dir) {
    Path cwd = Path.of("").toAbsolutePath();
    return dir.startsWith(cwd) ? "./" + cwd.relativize(dir) : dir.toString();
  }

  /** Whether {@link #stop} has been called. */
  @Override
  public boolean isStopping() {
    return stopping;
  }

  @Override
  public void close() {
    stop(line -> { });
  }

  public DemoSettings settings() {
    return settings;
  }

  /** Every process started, in start order. */
  public List<Child> children() {
    return List.copyOf(children);
  }

  /** A read-only token (views:read, 24 h) signed with the demo secret. */
  public String token() {
    return token;
  }

  /** The views the gateway listed once ready. */
  public List<String> views() {
    return views;
  }

  /** A real order from the generator, if it runs. */
  public Optional<OrderTap.SampleOrder> sample() {
    return Optional.ofNullable(sample);
  }

  public GatewayClient gateway() {
    return gateway;
  }

  /** With {@code --with-postgres}: a psql command line for the demo database, else null. */
  public String psql() {
    return psql;
  }

  /** Time from construction to ready. */
  public Duration startupTime() {
    return startupTime;
  }

  public StateDir state() {
    return state;
  }
}
