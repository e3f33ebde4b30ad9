package io.streamgate.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.harness.FreePorts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

class PortGuardTest {
  @Test
  void namesTheTakenPortItsUseAndTheFlagThatMovesIt() throws IOException {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      int busy = taken.getLocalPort();
      int free = FreePorts.find();
      List<String> problems = PortGuard.problems(List.of(
          new PortGuard.Need(free, "Redis", "--redis-port"),
          new PortGuard.Need(busy, "gateway HTTP", "--port")));
      assertEquals(List.of("port " + busy + " (gateway HTTP) is already in use: stop what listens there"
          + " or pick another with --port"), problems);
    }
  }

  @Test
  void freePortsPassAndAPortGivenTwiceIsReported() {
    int port = FreePorts.find();
    assertTrue(PortGuard.problems(List.of(new PortGuard.Need(port, "Kafka", "--kafka-port"))).isEmpty());
    List<String> problems = PortGuard.problems(List.of(
        new PortGuard.Need(port, "Kafka", "--kafka-port"), new PortGuard.Need(port, "Redis", "--redis-port")));
    assertEquals(1, problems.size());
    assertTrue(problems.get(0).contains("given for both Kafka (--kafka-port) and Redis (--redis-port)"),
        problems.get(0));
  }
}
