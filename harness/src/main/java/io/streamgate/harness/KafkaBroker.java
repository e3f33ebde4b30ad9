package io.streamgate.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real Kafka broker (KRaft combined mode: broker and controller in one process) in a child JVM
 * started from the {@code kafka-runtime} module's classpath.
 *
 * <pre>{@code
 * try (KafkaBroker kafka = KafkaBroker.start()) {
 *     produce(kafka.bootstrapServers());
 * }
 * }</pre>
 *
 * <p>Thread-safe: lifecycle methods are synchronized; accessors never change.
 */
public final class KafkaBroker extends LocalService {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    /** A member serves once a majority of the quorum runs: all start at once on a loaded machine. */
    private static final Duration MEMBER_READY_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(60);
    /** Controlled shutdown takes about 2-3 s; beyond this the broker is SIGKILLed. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);
    /** Logged by KafkaRaftServer once the broker is unfenced and serving. */
    private static final String STARTED = "Kafka Server started";
    private static final String RUNTIME_MODULE = "kafka-runtime";
    /** Quiet log that still says when the server started (slf4j-simple is the broker's binding). */
    private static final List<String> LOGGING = List.of(
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "-Dorg.slf4j.simpleLogger.log.kafka.server.KafkaRaftServer=info",
            "-Dorg.slf4j.simpleLogger.showDateTime=true",
            "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS");
    private static final List<String> BROKER_JVM = concat(
            List.of("-Xms256m", "-Xmx512m", "-XX:+UseG1GC", "-Djava.awt.headless=true"), LOGGING);
    // The format tool runs for a second: C1 only starts faster.
    private static final List<String> TOOL_JVM = concat(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"), LOGGING);

    private static KafkaBroker shared; // guarded by KafkaBroker.class

    /**
     * How to start the broker.
     *
     * @param port client (PLAINTEXT) port; 0 picks a free one
     * @param dir holds server.properties, the data and the log; null means a temp directory that
     *     {@link #close()} deletes. Existing data in a given directory is reused.
     * @param defaultPartitions partitions of auto-created topics (at least 1)
     * @param logFile broker log; null means {@code dir/broker.log}
     */
    public record Options(int port, Path dir, int defaultPartitions, Path logFile) {

        public Options {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be 0..65535, was " + port);
            }
            if (defaultPartitions < 1) {
                throw new IllegalArgumentException("defaultPartitions must be at least 1, was " + defaultPartitions);
            }
        }

        /** Free port, temp directory, 2 partitions per auto-created topic, log in the directory. */
        public static Options defaults() {
            return new Options(0, null, 2, null);
        }

        public Options withPort(int port) {
            return new Options(port, dir, defaultPartitions, logFile);
        }

        public Options withDir(Path dir) {
            return new Options(port, dir, defaultPartitions, logFile);
        }

        public Options withDefaultPartitions(int defaultPartitions) {
            return new Options(port, dir, defaultPartitions, logFile);
        }

        public Options withLogFile(Path logFile) {
            return new Options(port, dir, defaultPartitions, logFile);
        }
    }

    private final int controllerPort;
    private final boolean isShared;
    private final KafkaConfig.Membership membership;

    private KafkaBroker(int port, int controllerPort, Path dir, boolean ownsDir, Path logFile, boolean isShared,
            KafkaConfig.Membership membership) {
        super(membership.replicas() == 1 ? "Kafka broker" : "Kafka broker " + membership.nodeId(), port, dir, ownsDir,
                logFile, STARTED, membership.replicas() == 1 ? READY_TIMEOUT : MEMBER_READY_TIMEOUT, STOP_GRACE);
        this.controllerPort = controllerPort;
        this.isShared = isShared;
        this.membership = membership;
    }

    /** Starts a broker on a free port with a temp directory; returns once it serves clients. */
    public static KafkaBroker start() {
        return start(Options.defaults());
    }

    /**
     * Starts a broker as {@code options} say (formatting its storage on first use); returns once
     * it serves clients, typically after about 5 s.
     *
     * @throws IllegalStateException if the kafka-runtime classpath is missing, or the broker does
     *     not start within 60 s (message includes the log tail)
     */
    public static KafkaBroker start(Options options) {
        return start(options, false);
    }

    /**
     * One broker per JVM, started on first use (and restarted if someone stopped it), stopped
     * and deleted at JVM exit. Saves a broker start per test class; {@link #close()} on it does
     * nothing. Use topic names unique to the test, since all tests share it.
     */
    public static synchronized KafkaBroker shared() {
        if (shared == null) {
            shared = start(Options.defaults(), true);
        } else if (shared.process() == null) {
            shared.restart();
        }
        return shared;
    }

    private static KafkaBroker start(Options options, boolean isShared) {
        int port = options.port() != 0 ? options.port() : FreePorts.find();
        int controllerPort = FreePorts.find();
        KafkaBroker broker = prepare(options, port, controllerPort, KafkaConfig.Membership.alone(controllerPort),
                KafkaConfig.newClusterId(), isShared);
        // On failure launch() has already killed the process; the directory (with the log the
        // exception points to) stays until JVM exit so the failure can be inspected.
        broker.launch();
        return broker;
    }

    /**
     * A broker configured (storage formatted on first use with {@code clusterId}) but not started:
     * the members of a quorum must start together, since none serves before a majority runs.
     */
    static KafkaBroker prepare(Options options, int port, int controllerPort, KafkaConfig.Membership membership,
            String clusterId, boolean isShared) {
        boolean ownsDir = options.dir() == null;
        Path dir = ownsDir ? Reaper.createTempDir("streamgate-kafka-") : options.dir().toAbsolutePath();
        Path logFile = options.logFile() != null ? options.logFile().toAbsolutePath() : dir.resolve("broker.log");
        KafkaBroker broker = new KafkaBroker(port, controllerPort, dir, ownsDir, logFile, isShared, membership);
        try {
            broker.configure(options.defaultPartitions(), clusterId);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare Kafka directory " + dir, e);
        }
        return broker;
    }

    /** {@code 127.0.0.1:<port>}. */
    public String bootstrapServers() {
        return HOST + ":" + port();
    }

    /**
     * Stops the broker and deletes its directory if it was a temp directory we created.
     * Idempotent. Does nothing on the {@link #shared()} broker, which lives until JVM exit.
     */
    @Override
    public synchronized void close() {
        if (!isShared) {
            super.close();
        }
    }

    /** The node id in its quorum (1 for a lone broker). */
    public int nodeId() {
        return membership.nodeId();
    }

    @Override
    public String toString() {
        return "KafkaBroker[" + bootstrapServers() + ", dir " + dir() + (isShared ? ", shared" : "") + "]";
    }

    /** Writes server.properties and, unless the data directory already is, formats storage. */
    private void configure(int defaultPartitions, String clusterId) throws IOException {
        Files.createDirectories(dir());
        Path data = dir().resolve("data");
        KafkaConfig.write(properties(), port(), controllerPort, data, defaultPartitions, membership);
        if (Files.exists(data.resolve("meta.properties"))) {
            return;
        }
        // Static quorum (controller.quorum.voters), so no --standalone: Kafka 4.1 rejects that
        // flag unless the quorum is dynamic (controller.quorum.bootstrap.servers).
        ManagedProcess format = ManagedProcess.startJava("kafka-format-" + port(), RUNTIME_MODULE, TOOL_JVM,
                "kafka.tools.StorageTool",
                List.of("format", "--cluster-id", clusterId, "--config", properties().toString()),
                Map.of(), logFile());
        Integer exit;
        try {
            exit = format.waitFor(FORMAT_TIMEOUT);
        } catch (InterruptedException e) {
            format.kill();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while formatting Kafka storage in " + data, e);
        }
        if (exit == null || exit != 0) {
            format.kill();
            String outcome = exit == null ? "did not finish within " + FORMAT_TIMEOUT.toSeconds() + " s" : "failed (exit " + exit + ")";
            throw Await.failure("Formatting Kafka storage in " + data + " " + outcome, format);
        }
    }

    @Override
    ManagedProcess startProcess() throws IOException {
        return ManagedProcess.startJava("kafka-" + port(), RUNTIME_MODULE, BROKER_JVM, "kafka.Kafka",
                List.of(properties().toString()), Map.of(), logFile());
    }

    @Override
    boolean answers() {
        return Probes.canConnect(HOST, port());
    }

    private Path properties() {
        return dir().resolve("server.properties");
    }

    private static List<String> concat(List<String> first, List<String> second) {
        return Stream.concat(first.stream(), second.stream()).toList();
    }
}
