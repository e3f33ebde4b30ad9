package io.streamgate.gateway.ingest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamgate.gateway.config.IngestConfig;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class ProducerSettingsTest {

  @Test
  void acksAllIdempotentAndEveryWaitButDeliveryWithinTheTimeout() {
    IngestConfig config = IngestConfig.defaults().withBootstrapServers("k1:9092,k2:9092")
        .withTimeoutMs(3000);
    Map<String, String> p = ProducerSettings.of(config);
    assertEquals("all", p.get("acks"));
    assertEquals("true", p.get("enable.idempotence"));
    assertEquals("k1:9092,k2:9092", p.get("bootstrap.servers"));
    // The client's wait is timeoutMs; Kafka keeps retrying for longer (late acknowledgements
    // settle idempotent requests).
    assertEquals(Integer.toString(IngestConfig.DEFAULT_DELIVERY_TIMEOUT_MS),
        p.get("delivery.timeout.ms"));
    assertEquals("7000", ProducerSettings.of(config.withDelivery(7000, 60))
        .get("delivery.timeout.ms"));
    assertEquals("3000", p.get("max.block.ms"));
    assertEquals(Integer.toString(3000 - config.lingerMs()), p.get("request.timeout.ms"));
    // Kafka's own check (delivery.timeout.ms >= linger.ms + request.timeout.ms) passes.
    new ProducerConfig(Map.copyOf(p));
  }

  @Test
  void extraPropertiesPassThrough() {
    IngestConfig base = IngestConfig.defaults();
    IngestConfig config = new IngestConfig(true, base.bootstrapServers(), base.maxBodyBytes(),
        base.maxEventsPerRequest(), base.maxInFlightBytes(), base.timeoutMs(), base.lingerMs(),
        base.batchSizeBytes(), "zstd", Map.of("security.protocol", "SSL"));
    Map<String, String> p = ProducerSettings.of(config);
    assertEquals("SSL", p.get("security.protocol"));
    assertEquals("zstd", p.get("compression.type"));
  }
}
