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
 * A Redis Cluster of {@code redis-server} processes on loopback ports, primaries only, formed with
 * {@code redis-cli --cluster create} as an operator would. Each node is a {@link RedisServer}, so
 * tests can stop and restart single nodes; {@link #close()} stops them all.
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
     * Starts {@code primaries} cluster-enabled servers and assigns them all 16384 slots; returns
     * once every node reports {@code cluster_state:ok}.
     */
    public static RedisCluster start(int primaries) {
        if (primaries < 3) {
            throw new IllegalArgumentException("redis-cli --cluster create needs at least 3 primaries");
        }
        Path cli = Executables.find("redis-cli").orElseThrow(() -> new IllegalStateException(CLI_NOT_FOUND));
        List<RedisServer> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < primaries; i++) {
                nodes.add(RedisServer.start(RedisServer.Options.defaults().withClusterEnabled(true)));
            }
            List<String> create = new ArrayList<>(List.of(cli.toString(), "--cluster", "create"));
            for (RedisServer node : nodes) {
                create.add(node.host() + ":" + node.port());
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

    private void awaitState(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            boolean allOk = true;
            for (RedisServer node : nodes) {
                last = clusterInfo(node);
                if (!last.contains("cluster_state:ok")) {
                    allOk = false;
                    break;
                }
            }
            if (allOk) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the cluster formed", e);
            }
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
