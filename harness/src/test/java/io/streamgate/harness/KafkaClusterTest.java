package io.streamgate.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** TCP-level checks; producing through a lost node is tested where kafka-clients is (ClusterIT). */
class KafkaClusterTest {

    @Test
    void threeNodesShareOneQuorumAndOneNodeRestartsAfterSigkill() throws Exception {
        List<Integer> ports;
        try (KafkaCluster kafka = KafkaCluster.start()) {
            List<KafkaBroker> nodes = kafka.brokers();
            ports = nodes.stream().map(KafkaBroker::port).toList();
            assertEquals(3, nodes.size());
            assertEquals(String.join(",", nodes.stream().map(KafkaBroker::bootstrapServers).toList()),
                    kafka.bootstrapServers());
            String properties = Files.readString(nodes.get(1).dir().resolve("server.properties"));
            assertTrue(properties.contains("node.id=2\n"), properties);
            assertTrue(properties.contains("default.replication.factor=3\n"), properties);
            assertTrue(properties.contains("min.insync.replicas=2\n"), properties);
            assertEquals(3, properties.lines().filter(l -> l.startsWith("controller.quorum.voters="))
                    .findFirst().orElseThrow().split(",").length, properties);
            String clusterId = clusterId(nodes.get(0).dir());
            assertEquals(clusterId, clusterId(nodes.get(2).dir()), "one cluster, not three");

            KafkaBroker second = nodes.get(1);
            long before = second.pid();
            second.kill();
            assertFalse(second.isRunning());
            assertFalse(TestSockets.accepts(second.port()));
            // The other two still form a majority of the quorum: the restarted node rejoins it.
            second.restart();
            assertTrue(TestSockets.accepts(second.port()));
            assertNotEquals(before, second.pid());
            assertEquals(clusterId, clusterId(second.dir()));
        }
        for (int port : ports) {
            assertFalse(TestSockets.accepts(port), "node on " + port + " stopped");
        }
    }

    @Test
    void refusesAClusterThatCannotLoseANode() {
        assertThrows(IllegalArgumentException.class, () -> KafkaCluster.Options.defaults().withSize(2));
    }

    private static String clusterId(Path nodeDir) throws Exception {
        return Files.readAllLines(nodeDir.resolve("data/meta.properties")).stream()
                .filter(line -> line.startsWith("cluster.id="))
                .findFirst().orElseThrow();
    }
}
