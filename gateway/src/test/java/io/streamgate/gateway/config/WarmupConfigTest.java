package io.streamgate.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code http.warmup}: on by default, read from the file, overridden by env, checked. */
class WarmupConfigTest {
  @Test
  void onByDefaultForAtMostThirtySeconds() {
    WarmupConfig warmup = ConfigLoader.parse("", "gateway.yaml", Map.of()).http().warmup();
    assertEquals(WarmupConfig.defaults(), warmup);
    assertTrue(warmup.enabled());
    assertEquals(30_000, warmup.maxMs());
    assertEquals(WarmupConfig.defaults(), HttpConfig.defaults().warmup());
  }

  @Test
  void readFromTheFile() {
    WarmupConfig warmup = ConfigLoader.parse("""
        http:
          warmup: { minMs: 1000, maxMs: 4000, connections: 4 }
        """, "gateway.yaml", Map.of()).http().warmup();
    assertEquals(new WarmupConfig(true, 1_000, 4_000, 4, 10_000), warmup);
  }

  @Test
  void environmentVariablesWin() {
    WarmupConfig warmup = ConfigLoader.parse("http:\n  warmup: { enabled: true }\n",
        "gateway.yaml", Map.of(ConfigLoader.ENV_WARMUP_ENABLED, "false",
            ConfigLoader.ENV_WARMUP_MAX_MS, "5000")).http().warmup();
    assertFalse(warmup.enabled());
    assertEquals(5_000, warmup.maxMs());
  }

  @Test
  void badValuesNameFileFieldAndValue() {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
        "http:\n  warmup: { maxMs: 90000 }\n", "gateway.yaml", Map.of()));
    assertEquals("gateway.yaml: http.warmup.maxMs must be minMs (3000)-60000, but was 90000",
        e.getMessage());
    e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("", "gateway.yaml",
        Map.of(ConfigLoader.ENV_WARMUP_MAX_MS, "70000")));
    assertTrue(e.getMessage().contains(ConfigLoader.ENV_WARMUP_MAX_MS), e.getMessage());
  }
}
