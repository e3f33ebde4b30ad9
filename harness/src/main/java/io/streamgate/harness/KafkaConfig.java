package io.streamgate.harness;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Writes the {@code server.properties} of a KRaft node (broker and controller in one process),
 * alone or one of a static quorum, tuned for fast starts on a small machine.
 *
 * <p>Thread-safe: stateless.
 */
final class KafkaConfig {

    /**
     * Where a node stands in its cluster.
     *
     * @param nodeId this node's id (1..size)
     * @param voters {@code controller.quorum.voters}: {@code id@host:controllerPort} of every node
     * @param replicas replication factor of topics and internal topics; with 3 or more, writes need
     *     2 in-sync replicas ({@code min.insync.replicas}), so one node may die without losing an ack
     */
    record Membership(int nodeId, String voters, int replicas) {

        Membership {
            if (nodeId < 1 || replicas < 1) {
                throw new IllegalArgumentException("nodeId and replicas must be at least 1, were " + nodeId + ", " + replicas);
            }
        }

        /** A lone node: its own quorum, one replica of everything. */
        static Membership alone(int controllerPort) {
            return new Membership(1, "1@127.0.0.1:" + controllerPort, 1);
        }

        int minInSyncReplicas() {
            return replicas >= 3 ? 2 : 1;
        }
    }

    private KafkaConfig() {}

    /** Writes {@code file} for a broker on {@code port} with its controller on {@code controllerPort}. */
    static void write(Path file, int port, int controllerPort, Path dataDir, int defaultPartitions,
            Membership membership) throws IOException {
        String replicas = String.valueOf(membership.replicas());
        String minIsr = String.valueOf(membership.minInSyncReplicas());
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(membership.nodeId()));
        // A static quorum: formatted without --standalone, and nothing to re-bootstrap on restart.
        p.put("controller.quorum.voters", membership.voters());
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dataDir.toString());
        p.put("num.partitions", String.valueOf(defaultPartitions));
        p.put("auto.create.topics.enable", "true");
        // Alone, every topic must make do with one replica; in a cluster, acks=all writes survive
        // the loss of one node.
        p.put("default.replication.factor", replicas);
        p.put("min.insync.replicas", minIsr);
        p.put("offsets.topic.replication.factor", replicas);
        p.put("transaction.state.log.replication.factor", replicas);
        p.put("transaction.state.log.min.isr", minIsr);
        p.put("share.coordinator.state.topic.replication.factor", replicas);
        p.put("share.coordinator.state.topic.min.isr", minIsr);
        // Fewer internal partitions (default 50) make the first consumer group / transaction fast.
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.num.partitions", "4");
        // Consumers join immediately instead of waiting 3 s for more members.
        p.put("group.initial.rebalance.delay.ms", "0");
        // Small segments and cleaner buffer: the broker gets a 512 MB heap on a 2-core machine.
        p.put("log.segment.bytes", String.valueOf(16 * 1024 * 1024));
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
        // After a crash (SIGKILL) the controller refuses the restarted broker's registration
        // until the old session expires: 9 s by default, which dominates crash-restart tests.
        p.put("broker.heartbeat.interval.ms", "1000");
        p.put("broker.session.timeout.ms", "5000");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");

        StringBuilder text = new StringBuilder("# Written by streamgate-harness; rewritten on every start.\n");
        // Properties syntax treats backslash as an escape.
        p.forEach((key, value) -> text.append(key).append('=').append(value.replace("\\", "\\\\")).append('\n'));
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    /** A random cluster id in Kafka's format: 16 random bytes, base64url without padding (22 chars). */
    static String newClusterId() {
        while (true) {
            UUID uuid = UUID.randomUUID();
            ByteBuffer bytes = ByteBuffer.allocate(16)
                    .putLong(uuid.getMostSignificantBits())
                    .putLong(uuid.getLeastSignificantBits());
            String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
            // Like Kafka's Uuid.randomUuid(): an id starting with '-' would parse as a CLI flag.
            if (!id.startsWith("-")) {
                return id;
            }
        }
    }
}
