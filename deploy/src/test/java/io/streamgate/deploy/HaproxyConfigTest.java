package io.streamgate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code haproxy -c} accepts compose's load balancer configuration (the gateways' names do not
 * resolve here; {@code init-addr none} lets it start without them). Skipped where haproxy is not
 * installed ({@code apt-get install haproxy}).
 */
class HaproxyConfigTest {

  @Test
  void composeLoadBalancerConfigIsValid() throws Exception {
    String cfg = ManifestsTest.deployDir().resolve("compose/haproxy.cfg").toString();
    Process process;
    try {
      process = new ProcessBuilder("haproxy", "-c", "-f", cfg).redirectErrorStream(true).start();
    } catch (java.io.IOException e) {
      assumeTrue(false, "haproxy not installed");
      return;
    }
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor(30, TimeUnit.SECONDS);
    assertEquals(0, process.exitValue(), "haproxy -c -f " + cfg + ":\n" + out);
  }
}
