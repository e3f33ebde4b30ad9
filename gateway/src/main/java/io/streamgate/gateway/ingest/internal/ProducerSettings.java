package io.streamgate.gateway.ingest.internal;

import io.streamgate.gateway.config.IngestConfig;
import java.util.HashMap;
import java.util.Map;

/** The Kafka producer properties for event ingest. Pure. */
final class ProducerSettings {
  private ProducerSettings() {}

  /**
   * The 202 promise needs {@code acks=all} and idempotence (a retried batch is not written
   * twice, and one key's events keep their order with up to 5 requests in flight). A send
   * blocked on metadata or a full buffer and each produce request are bounded by
   * {@code timeoutMs}; the delivery of a batch including retries by {@code deliveryTimeoutMs}
   * (longer), so a batch the client was already answered 503 for may still be acknowledged,
   * and an idempotent request then settles with that acknowledgement.
   */
  static Map<String, String> of(IngestConfig config) {
    Map<String, String> p = new HashMap<>(config.producer());
    p.put("bootstrap.servers", config.bootstrapServers());
    p.put("acks", "all");
    p.put("enable.idempotence", "true");
    p.putIfAbsent("max.in.flight.requests.per.connection", "5");
    p.put("linger.ms", Integer.toString(config.lingerMs()));
    p.put("batch.size", Integer.toString(config.batchSizeBytes()));
    p.put("compression.type", config.compression());
    // Longer than the client's wait (timeoutMs): a batch the client got a 503 for keeps being
    // retried (idempotently), so an acknowledgement that arrives late still settles the request.
    p.put("delivery.timeout.ms", Integer.toString(config.deliveryTimeoutMs()));
    // Kafka requires delivery.timeout.ms >= linger.ms + request.timeout.ms.
    p.put("request.timeout.ms", Integer.toString(config.timeoutMs() - config.lingerMs()));
    p.put("max.block.ms", Integer.toString(config.timeoutMs()));
    // Room for twice the in-flight bound (record overhead, compression buffers), so a send never
    // waits for buffer space while the gateway's own bound is respected.
    p.putIfAbsent("buffer.memory", Long.toString(2L * config.maxInFlightBytes() + (32L << 20)));
    p.putIfAbsent("reconnect.backoff.max.ms", "1000");
    p.putIfAbsent("client.id", "streamgate-gateway-ingest");
    p.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    p.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    return p;
  }
}
