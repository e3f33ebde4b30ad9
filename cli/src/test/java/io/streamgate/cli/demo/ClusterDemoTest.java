package io.streamgate.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterDemoTest {
  private final DemoSettings settings = DemoSettings.defaults(Path.of("/repo")).withGateways(3);

  @Test
  void checksEveryPortOfEveryClusterBeforeStarting() {
    List<Integer> ports = ClusterDemo.ports(settings).stream().map(PortGuard.Need::port).sorted().toList();
    // 3 gateways + 3 management, 3 brokers + 3 controllers, 6 Redis + 6 bus, master + UI + 2 worker UIs, metrics
    assertEquals(6 + 6 + 12 + 4 + 1, ports.size());
    assertEquals(ports.size(), ports.stream().distinct().count(), "no port counted twice: " + ports);
    assertTrue(ports.containsAll(List.of(8080, 8081, 8082, 9090, 9092, 19092, 19094, 19097, 16379, 16384, 26384,
        7077, 8480, 8481, 8482, 9464)), ports.toString());
  }

  @Test
  void theBannerSaysWhereEachClusterIsAndHowToRunChaos() {
    String lines = String.join("\n", ClusterDemo.clusterLines(settings, "127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094"));
    assertTrue(lines.contains("http://localhost:8080 - 8082"), lines);
    assertTrue(lines.contains("127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094 (replication 3, min.insync.replicas 2)"), lines);
    assertTrue(lines.contains("spark://127.0.0.1:7077, UI http://localhost:8480 (workers 8481-8482)"), lines);
    assertTrue(lines.contains("cluster 127.0.0.1:16379-16384"), lines);
    assertTrue(lines.contains("./streamgate bench chaos --duration 5m"), lines);
  }
}
