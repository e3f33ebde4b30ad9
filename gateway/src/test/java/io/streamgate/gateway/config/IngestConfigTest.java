package io.streamgate.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestConfigTest {

  @Test
  void defaultsWhenTheSectionIsAbsent() {
    assertEquals(IngestConfig.defaults(), ConfigLoader.parse("", "g.yaml", Map.of()).ingest());
  }

  @Test
  void readsEveryField() {
    IngestConfig c = ConfigLoader.parse("""
        ingest:
          enabled: false
          maxBodyBytes: 4096
          maxEventsPerRequest: 50
          maxInFlightBytes: 100000
          timeoutMs: 2000
          kafka:
            bootstrapServers: k1:9092,k2:9093
            lingerMs: 20
            batchSizeBytes: 65536
            compression: zstd
            producer: { security.protocol: SSL, linger.ms: 7 }
        """, "g.yaml", Map.of()).ingest();
    assertEquals(new IngestConfig(false, "k1:9092,k2:9093", 4096, 50, 100000, 2000, 20, 65536,
        "zstd", Map.of("security.protocol", "SSL", "linger.ms", "7")), c);
  }

  @Test
  void environmentNamesTheBroker() {
    assertEquals("kafka:29092", ConfigLoader.parse("", "g.yaml",
        Map.of(ConfigLoader.ENV_KAFKA_BOOTSTRAP, "kafka:29092")).ingest().bootstrapServers());
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("",
        "g.yaml", Map.of(ConfigLoader.ENV_KAFKA_BOOTSTRAP, "nohostport")));
    assertEquals("g.yaml: ingest.kafka.bootstrapServers (from STREAMGATE_KAFKA_BOOTSTRAP) must"
        + " list host:port[,host:port...], but was 'nohostport'", e.getMessage());
  }

  @Test
  void badValuesNameTheirField() {
    assertEquals("g.yaml: ingest.maxBodyBytes must be 1024-67108864, but was 10",
        message("ingest: { maxBodyBytes: 10 }"));
    assertEquals("g.yaml: ingest.kafka.compression must be one of [gzip, lz4, none, snappy,"
        + " zstd], but was 'brotli'", message("ingest: { kafka: { compression: brotli } }"));
    assertEquals("g.yaml: ingest.kafka.producer.acks is set by the gateway (the 202 depends on"
        + " it) and cannot be overridden", message("ingest: { kafka: { producer: { acks: 1 } } }"));
    assertEquals("g.yaml: ingest.kafka.lingr is not a known field; expected one of"
        + " [bootstrapServers, lingerMs, batchSizeBytes, compression, producer]",
        message("ingest: { kafka: { lingr: 5 } }"));
  }

  private static String message(String yaml) {
    return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "g.yaml", Map.of()))
        .getMessage();
  }
}
