package io.streamgate.harness;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Several KRaft nodes (each broker and controller in one process) forming one Kafka cluster with
 * a static controller quorum. Topics get replication factor {@code min(size, 3)} by default and,
 * with three or more nodes, {@code min.insync.replicas=2}: an {@code acks=all} write is on two
 * nodes before it is acknowledged, so one node may crash without losing it.
 *
 * <p>Each node is a {@link KafkaBroker}: tests {@link KafkaBroker#kill()} and
 * {@link KafkaBroker#restart()} single nodes; {@link #close()} stops them all.
 *
 * <p>Thread-safe: the node list never changes; nodes are thread-safe.
 */
public final class KafkaCluster implements AutoCloseable {

    /**
     * How to start the cluster.
     *
     * @param size number of nodes (at least 3: a quorum that survives one loss)
     * @param firstPort client port of node 1, node i gets {@code firstPort + i - 1} and its
     *     controller {@code firstPort + size + i - 1} (fixed, so a kept directory finds its quorum
     *     again); 0 picks free ports
     * @param dir parent of each node's directory {@code node-<i>}; null means temp directories
     * @param defaultPartitions partitions of auto-created topics
     * @param logDir where {@code kafka-<i>.log} go; null means each node's directory
     */
    public record Options(int size, int firstPort, Path dir, int defaultPartitions, Path logDir) {

        public Options {
            if (size < 3) {
                throw new IllegalArgumentException("a Kafka cluster needs at least 3 nodes to survive one loss, was " + size);
            }
            if (firstPort < 0 || firstPort + 2 * size - 1 > 65_535) {
                throw new IllegalArgumentException("firstPort must leave room for " + size + " ports, was " + firstPort);
            }
        }

        /** Three nodes on free ports in temp directories, 2 partitions per auto-created topic. */
        public static Options defaults() {
            return new Options(3, 0, null, 2, null);
        }

        public Options withSize(int size) {
            return new Options(size, firstPort, dir, defaultPartitions, logDir);
        }

        public Options withFirstPort(int firstPort) {
            return new Options(size, firstPort, dir, defaultPartitions, logDir);
        }

        public Options withDir(Path dir) {
            return new Options(size, firstPort, dir, defaultPartitions, logDir);
        }

        public Options withDefaultPartitions(int defaultPartitions) {
            return new Options(size, firstPort, dir, defaultPartitions, logDir);
        }

        public Options withLogDir(Path logDir) {
            return new Options(size, firstPort, dir, defaultPartitions, logDir);
        }
    }

    private final List<KafkaBroker> brokers;

    private KafkaCluster(List<KafkaBroker> brokers) {
        this.brokers = List.copyOf(brokers);
    }

    /** Starts a three-node cluster on free ports in temp directories. */
    public static KafkaCluster start() {
        return start(Options.defaults());
    }

    /**
     * Starts every node at once (none serves until a majority of the quorum runs); returns when
     * all serve clients, typically after 10-20 s.
     *
     * @throws IllegalStateException if a node does not start (the message has its log tail);
     *     the others are stopped then
     */
    public static KafkaCluster start(Options options) {
        int size = options.size();
        List<Integer> ports = new ArrayList<>();
        List<Integer> controllerPorts = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            ports.add(options.firstPort() == 0 ? FreePorts.find() : options.firstPort() + i);
            controllerPorts.add(options.firstPort() == 0 ? FreePorts.find() : options.firstPort() + size + i);
        }
        String voters = IntStream.range(0, size)
                .mapToObj(i -> (i + 1) + "@" + LocalService.HOST + ":" + controllerPorts.get(i))
                .collect(Collectors.joining(","));
        String clusterId = KafkaConfig.newClusterId();
        int replicas = Math.min(size, 3);
        List<KafkaBroker> brokers = new ArrayList<>();
        try {
            // Formatting takes a JVM start each: in parallel too.
            List<CompletableFuture<KafkaBroker>> prepared = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                int nodeId = i + 1;
                KafkaBroker.Options node = KafkaBroker.Options.defaults()
                        .withPort(ports.get(i))
                        .withDefaultPartitions(options.defaultPartitions());
                if (options.dir() != null) {
                    node = node.withDir(options.dir().resolve("node-" + nodeId));
                }
                if (options.logDir() != null) {
                    node = node.withLogFile(options.logDir().resolve("kafka-" + nodeId + ".log"));
                }
                KafkaBroker.Options nodeOptions = node;
                int index = i;
                // A node reused from an earlier run keeps the cluster id it was formatted with.
                prepared.add(CompletableFuture.supplyAsync(() -> KafkaBroker.prepare(nodeOptions, ports.get(index),
                        controllerPorts.get(index), new KafkaConfig.Membership(nodeId, voters, replicas), clusterId, false)));
            }
            for (CompletableFuture<KafkaBroker> broker : prepared) {
                try {
                    brokers.add(broker.join());
                } catch (CompletionException e) {
                    prepared.forEach(p -> p.thenAccept(KafkaBroker::close));
                    throw e;
                }
            }
            List<CompletableFuture<Void>> starts = brokers.stream()
                    .map(broker -> CompletableFuture.runAsync(broker::launch))
                    .toList();
            CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
            return new KafkaCluster(brokers);
        } catch (RuntimeException e) {
            brokers.forEach(KafkaBroker::close);
            throw e instanceof CompletionException && e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /** The nodes, node 1 first. */
    public List<KafkaBroker> brokers() {
        return brokers;
    }

    /** Every node's {@code 127.0.0.1:<port>}, comma-separated. */
    public String bootstrapServers() {
        return brokers.stream().map(KafkaBroker::bootstrapServers).collect(Collectors.joining(","));
    }

    /** Stops every node, last first; deletes temp directories. Idempotent. */
    @Override
    public void close() {
        for (int i = brokers.size() - 1; i >= 0; i--) {
            brokers.get(i).close();
        }
    }

    @Override
    public String toString() {
        return "KafkaCluster[" + bootstrapServers() + "]";
    }
}
