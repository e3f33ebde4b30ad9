package io.streamgate.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PushConfigTest {

  @Test
  void theSectionIsReadFieldByField() {
    PushConfig push = ConfigLoader.parse("""
        push:
          enabled: false
          maxSubscriptions: 7
          maxKeysPerSubscription: 8
          maxFrameBytes: 4096
          writeQueueBytes: 2048
          maxPending: 9
          heartbeatMs: 1000
        """, "gateway.yaml", Map.of()).push();
    assertEquals(new PushConfig(false, 7, 8, 4096, 2048, 9, 1000), push);
  }

  @Test
  void absentMeansTheDefaults() {
    assertEquals(PushConfig.defaults(), ConfigLoader.parse("", "gateway.yaml", Map.of()).push());
  }

  @Test
  void badValuesNameFileFieldAndValue() {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
        "push:\n  maxFrameBytes: 100000\n", "gateway.yaml", Map.of()));
    assertEquals("gateway.yaml: push.maxFrameBytes must be 256-65536, but was 100000",
        e.getMessage());
    ConfigException typo = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
        "push:\n  heartbeat: 5\n", "gateway.yaml", Map.of()));
    assertEquals(true, typo.getMessage().startsWith("gateway.yaml: push.heartbeat is not a known"
        + " field"), typo.getMessage());
  }
}
