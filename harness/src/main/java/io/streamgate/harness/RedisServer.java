package io.streamgate.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A real {@code redis-server} on a free port (or a given one), data in a temp directory (or a
 * given one), no persistence by default.
 *
 * <pre>{@code
 * try (RedisServer redis = RedisServer.start()) {
 *     connect(redis.uri());
 * }
 * }</pre>
 *
 * <p>Thread-safe: lifecycle methods are synchronized; accessors never change.
 */
public final class RedisServer extends LocalService {

    static final String NOT_FOUND = "redis-server not found on PATH: install it with "
            + "`sudo apt-get install -y redis-server` (Debian/Ubuntu) or `brew install redis` (macOS)";

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    /** Logged once listening; PING alone could be answered by another server on a taken port. */
    private static final String READY = "Ready to accept connections";

    /**
     * How to start the server.
     *
     * @param port TCP port; 0 picks a free one
     * @param dir working directory for data and cluster config; null means a temp directory that
     *     {@link #close()} deletes
     * @param clusterEnabled start with {@code --cluster-enabled yes} (no slots assigned)
     * @param logFile server log; null means {@code dir/redis.log}
     */
    public record Options(int port, Path dir, boolean clusterEnabled, Path logFile, boolean persistent,
            Duration clusterNodeTimeout) {

        public Options {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be 0..65535, was " + port);
            }
        }

        /** Free port, temp directory, no cluster mode, log in the data directory. */
        public static Options defaults() {
            return new Options(0, null, false, null, false, null);
        }

        public Options withPort(int port) {
            return new Options(port, dir, clusterEnabled, logFile, persistent, clusterNodeTimeout);
        }

        public Options withDir(Path dir) {
            return new Options(port, dir, clusterEnabled, logFile, persistent, clusterNodeTimeout);
        }

        public Options withClusterEnabled(boolean clusterEnabled) {
            return new Options(port, dir, clusterEnabled, logFile, persistent, clusterNodeTimeout);
        }

        public Options withLogFile(Path logFile) {
            return new Options(port, dir, clusterEnabled, logFile, persistent, clusterNodeTimeout);
        }

        /**
         * With cluster mode: how long a node may not answer before the others count it failed and
         * its replica takes over (Redis's default, 15 s, when null). Replicas then fail over
         * however stale they think they are: a test kills a primary to see the failover.
         */
        public Options withClusterNodeTimeout(Duration clusterNodeTimeout) {
            return new Options(port, dir, clusterEnabled, logFile, persistent, clusterNodeTimeout);
        }

        /** Keep data across restarts in an append-only file in the directory (the demo's state). */
        public Options withPersistent(boolean persistent) {
            return new Options(port, dir, clusterEnabled, logFile, persistent, clusterNodeTimeout);
        }
    }

    private final Path executable;
    private final boolean clusterEnabled;
    private final boolean persistent;
    private final Duration clusterNodeTimeout;

    private RedisServer(Path executable, int port, Path dir, boolean ownsDir, Options options, Path logFile) {
        super("redis-server", port, dir, ownsDir, logFile, READY, READY_TIMEOUT, STOP_GRACE);
        this.executable = executable;
        this.clusterEnabled = options.clusterEnabled();
        this.persistent = options.persistent();
        this.clusterNodeTimeout = options.clusterNodeTimeout();
    }

    /** Starts a server on a free port with a temp data directory; returns once PING answers. */
    public static RedisServer start() {
        return start(Options.defaults());
    }

    /**
     * Starts a server as {@code options} say; returns once PING answers.
     *
     * @throws IllegalStateException if redis-server is not installed (one-line message saying how
     *     to install it) or does not answer within 10 s (message includes the log tail)
     */
    public static RedisServer start(Options options) {
        return start(options, () -> Executables.find("redis-server"));
    }

    static RedisServer start(Options options, Supplier<Optional<Path>> locator) {
        Path executable = locator.get().orElseThrow(() -> new IllegalStateException(NOT_FOUND));
        boolean ownsDir = options.dir() == null;
        Path dir = ownsDir ? Reaper.createTempDir("streamgate-redis-") : createDirectories(options.dir());
        Path logFile = options.logFile() != null ? options.logFile().toAbsolutePath() : dir.resolve("redis.log");
        int port = options.port() != 0 ? options.port() : FreePorts.find();
        RedisServer server = new RedisServer(executable, port, dir, ownsDir, options, logFile);
        // On failure launch() has already killed the process; the directory (with the log the
        // exception points to) stays until JVM exit so the failure can be inspected.
        server.launch();
        return server;
    }

    /** Always {@code "127.0.0.1"}. */
    public String host() {
        return HOST;
    }

    /** {@code redis://127.0.0.1:<port>}. */
    public String uri() {
        return "redis://" + HOST + ":" + port();
    }

    @Override
    public String toString() {
        return "RedisServer[" + uri() + (clusterEnabled ? ", cluster" : "") + ", dir " + dir() + "]";
    }

    @Override
    ManagedProcess startProcess() throws IOException {
        List<String> command = new ArrayList<>(List.of(executable.toString(),
                "--port", String.valueOf(port()),
                "--bind", HOST,
                // No RDB snapshots; AOF only when asked: test data is disposable, fsyncs cost time.
                "--save", "",
                "--appendonly", persistent ? "yes" : "no",
                "--appendfsync", "everysec",
                "--dir", dir().toString(),
                "--logfile", logFile().toString(),
                "--daemonize", "no"));
        if (clusterEnabled) {
            command.addAll(List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes-" + port() + ".conf"));
            if (clusterNodeTimeout != null) {
                command.addAll(List.of("--cluster-node-timeout", Long.toString(clusterNodeTimeout.toMillis()),
                        "--cluster-replica-validity-factor", "0"));
            }
        }
        return ManagedProcess.start("redis-" + port(), command, Map.of(), dir(), logFile());
    }

    @Override
    boolean answers() {
        return Probes.redisPing(HOST, port());
    }

    private static Path createDirectories(Path dir) {
        try {
            return Files.createDirectories(dir.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + dir, e);
        }
    }
}
