package io.streamgate.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RedisClusterTest {

    @Test
    void formsAClusterOfThreePrimariesOwningEverySlotAndStopsIt() throws Exception {
        List<Integer> ports;
        try (RedisCluster cluster = RedisCluster.start(3)) {
            ports = cluster.nodes().stream().map(RedisServer::port).toList();
            assertEquals(3, ports.size());
            for (RedisServer node : cluster.nodes()) {
                String info = cluster.clusterInfo(node);
                assertTrue(info.contains("cluster_state:ok"), info);
                assertTrue(info.contains("cluster_slots_assigned:16384"), info);
                assertTrue(info.contains("cluster_known_nodes:3"), info);
            }
            assertEquals("redis://127.0.0.1:" + ports.get(0) + ",redis://127.0.0.1:" + ports.get(1)
                    + ",redis://127.0.0.1:" + ports.get(2), cluster.seedUrls());
        }
        for (int port : ports) {
            assertFalse(TestSockets.accepts(port), "node on " + port + " stopped");
        }
    }

    @Test
    void aReplicaTakesOverFromAKilledPrimaryWhichRejoinsAsReplica() {
        try (RedisCluster cluster = RedisCluster.start(RedisCluster.Options.withFailover())) {
            assertEquals(6, cluster.nodes().size());
            List<RedisServer> primaries = cluster.primaries();
            assertEquals(3, primaries.size());
            RedisServer victim = primaries.get(0);

            victim.kill();
            cluster.awaitHealthy(3, java.time.Duration.ofSeconds(30));
            assertFalse(cluster.primaries().contains(victim), "a replica took over its slots");

            victim.restart();
            cluster.awaitHealthy(3, java.time.Duration.ofSeconds(30));
            assertEquals(3, cluster.primaries().size());
            assertFalse(cluster.primaries().contains(victim), "the old primary came back as a replica");
            assertTrue(cluster.clusterInfo(victim).contains("cluster_state:ok"));
        }
    }
}
