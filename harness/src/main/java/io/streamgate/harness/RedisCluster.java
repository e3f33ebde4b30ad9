package io.streamgate.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A Redis Cluster of {@code redis-server} processes on loopback ports, primaries only or with
 * replicas, formed with {@code redis-cli --cluster create} as an operator would. Each node is a
 * {@link RedisServer}, so tests can kill, stop and restart single nodes; {@link #close()} stops
 * them all.
 */
public final class RedisCluster implements AutoCloseable {
    static final String CLI_NOT_FOUND = "redis-cli not found on PATH: install it with "
            + "`sudo apt-get install -y redis-tools` (Debian/Ubuntu) or `brew install redis` (macOS)";
    private static final Duration FORM_TIMEOUT = Duration.ofSeconds(30);

    private final List<RedisServer> nodes;
    private final Path cli;

    private RedisCluster(List<RedisServer> nodes, Path cli) {
        this.nodes = List.copyOf(nodes);
        this.cli = cli;
    }

    /**
     * How to start the cluster.
     *
     * @param primaries nodes that own the slots (at least 3)
     * @param replicasPerPrimary replicas of each primary (0: none, no failover)
     * @param firstPort port of the first node, the others follow; 0 picks free ports
     * @param dir parent of each node's directory {@code node-<port>}; null means temp directories
     * @param logDir where {@code redis-<port>.log} go; null means each node's directory
     * @param nodeTimeout how long a silent node takes to count as failed (and be failed over); null
     *     means Redis's default, 15 s
     */
    public record Options(int primaries, int replicasPerPrimary, int firstPort, Path dir, Path logDir,
            Duration nodeTimeout) {

        public Options {
            if (primaries < 3) {
                throw new IllegalArgumentException("redis-cli --cluster create needs at least 3 primaries, was " + primaries);
            }
            if (replicasPerPrimary < 0) {
                throw new IllegalArgumentException("replicasPerPrimary must be at least 0, was " + replicasPerPrimary);
            }
        }

        /** Three primaries, no replicas, free ports, temp directories. */
        public static Options primaries(int primaries) {
            return new Options(primaries, 0, 0, null, null, null);
        }

        /**
         * Three primaries with a replica each; a primary silent for 2 s is failed over (a few
         * seconds in all, instead of 15 s and more with Redis's defaults).
         */
        public static Options withFailover() {
            return new Options(3, 1, 0, null, null, Duration.ofSeconds(2));
        }

        public Options withFirstPort(int firstPort) {
            return new Options(primaries, replicasPerPrimary, firstPort, dir, logDir, nodeTimeout);
        }

        public Options withDir(Path dir) {
            return new Options(primaries, replicasPerPrimary, firstPort, dir, logDir, nodeTimeout);
        }

        public Options withLogDir(Path logDir) {
            return new Options(primaries, replicasPerPrimary, firstPort, dir, logDir, nodeTimeout);
        }

        int size() {
            return primaries * (1 + replicasPerPrimary);
        }
    }

    /**
     * Starts {@code primaries} cluster-enabled servers and assigns them all 16384 slots; returns
     * once every node reports {@code cluster_state:ok}.
     */
    public static RedisCluster start(int primaries) {
        return start(Options.primaries(primaries));
    }

    /**
     * Starts the nodes, lets {@code redis-cli --cluster create} assign slots and replicas, and
     * returns once every node reports {@code cluster_state:ok}. Always a new cluster: nodes start
     * without data (a directory from an earlier run is emptied of its cluster state).
     */
    public static RedisCluster start(Options options) {
        Path cli = Executables.find("redis-cli").orElseThrow(() -> new IllegalStateException(CLI_NOT_FOUND));
        List<RedisServer> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < options.size(); i++) {
                int port = options.firstPort() == 0 ? FreePorts.find() : options.firstPort() + i;
                RedisServer.Options node = RedisServer.Options.defaults()
                        .withPort(port)
                        .withClusterEnabled(true)
                        .withClusterNodeTimeout(options.nodeTimeout());
                if (options.dir() != null) {
                    Path nodeDir = options.dir().resolve("node-" + port);
                    Directories.deleteRecursively(nodeDir);
                    node = node.withDir(nodeDir);
                }
                if (options.logDir() != null) {
                    node = node.withLogFile(options.logDir().resolve("redis-" + port + ".log"));
                }
                nodes.add(RedisServer.start(node));
            }
            List<String> create = new ArrayList<>(List.of(cli.toString(), "--cluster", "create"));
            for (RedisServer node : nodes) {
                create.add(node.host() + ":" + node.port());
            }
            if (options.replicasPerPrimary() > 0) {
                create.addAll(List.of("--cluster-replicas", Integer.toString(options.replicasPerPrimary())));
            }
            create.add("--cluster-yes");
            run(create, FORM_TIMEOUT);
            RedisCluster cluster = new RedisCluster(nodes, cli);
            cluster.awaitState(FORM_TIMEOUT);
            return cluster;
        } catch (RuntimeException e) {
            nodes.forEach(RedisServer::close);
            throw e;
        }
    }

    public List<RedisServer> nodes() {
        return nodes;
    }

    /** Every node as a seed URL, comma-separated: {@code redis://127.0.0.1:p1,redis://127.0.0.1:p2,…}. */
    public String seedUrls() {
        return nodes.stream().map(RedisServer::uri).collect(Collectors.joining(","));
    }

    @Override
    public void close() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).close();
        }
    }

    @Override
    public String toString() {
        return "RedisCluster[" + seedUrls() + "]";
    }

    /** {@code CLUSTER INFO} of one node, as {@code redis-cli} prints it. */
    public String clusterInfo(RedisServer node) {
        return run(List.of(cli.toString(), "-p", Integer.toString(node.port()), "cluster", "info"), FORM_TIMEOUT);
    }

    /**
     * The nodes that are primaries now, as they say of themselves ({@code CLUSTER NODES},
     * {@code myself,master}); a stopped node is none. Changes after a failover.
     */
    public List<RedisServer> primaries() {
        List<RedisServer> primaries = new ArrayList<>();
        for (RedisServer node : nodes) {
            if (node.isRunning() && isPrimary(node)) {
                primaries.add(node);
            }
        }
        return primaries;
    }

    /**
     * Waits until every running node reports {@code cluster_state:ok} and the cluster has
     * {@code primaries} running primaries covering all slots, e.g. after a failover or a restart.
     *
     * @throws IllegalStateException after {@code timeout}, with the last {@code CLUSTER INFO}
     */
    public void awaitHealthy(int primaries, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (primaries().size() != primaries) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Redis Cluster " + seedUrls() + " has " + primaries().size()
                        + " running primaries, not " + primaries + ", after " + timeout.toSeconds() + " s");
            }
            pause();
        }
        awaitState(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
    }

    private boolean isPrimary(RedisServer node) {
        try {
            String nodes = run(List.of(cli.toString(), "-p", Integer.toString(node.port()), "cluster", "nodes"), FORM_TIMEOUT);
            return nodes.lines().anyMatch(line -> line.contains("myself,master"));
        } catch (IllegalStateException e) {
            return false; // died between isRunning() and the question
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the Redis Cluster", e);
        }
    }

    private void awaitState(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            boolean allOk = true;
            for (RedisServer node : nodes) {
                if (!node.isRunning()) {
                    continue;
                }
                last = clusterInfo(node);
                if (!last.contains("cluster_state:ok")) {
                    allOk = false;
                    break;
                }
            }
            if (allOk) {
                return;
            }
            pause();
        }
        throw new IllegalStateException("Redis Cluster " + seedUrls() + " not ok after " + timeout.toSeconds()
                + " s; last CLUSTER INFO:\n" + last);
    }

    private static String run(List<String> command, Duration timeout) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeout.toSeconds() + " s");
            }
            String text = new String(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (exit " + process.exitValue()
                        + "):\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command.get(0), e);
        }
    }
}
