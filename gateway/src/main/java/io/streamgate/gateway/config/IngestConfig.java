package io.streamgate.gateway.config;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Event ingest: {@code POST /v1/events/{stream}} into Kafka.
 *
 * @param enabled             false: the route answers 404 and no Kafka producer is made
 * @param bootstrapServers    Kafka {@code host:port[,host:port...]}
 * @param maxBodyBytes        larger request bodies get 413 (by Content-Length before reading,
 *                            or as soon as the bytes read pass it)
 * @param maxEventsPerRequest more events in one body get 413
 * @param maxInFlightBytes    body bytes of all requests waiting for Kafka at once; past it
 *                            requests get 503 at once instead of queueing
 * @param timeoutMs           longest wait for Kafka's acknowledgement; then 503. Also the
 *                            producer's delivery and blocking timeouts
 * @param lingerMs            producer {@code linger.ms}: how long a batch may wait to fill
 * @param batchSizeBytes      producer {@code batch.size} per partition
 * @param compression         producer {@code compression.type}
 * @param producer            extra producer properties (security, tuning); may not change the
 *                            delivery guarantees ({@link #FIXED_PRODUCER_PROPERTIES})
 * @param deliveryTimeoutMs   producer {@code delivery.timeout.ms}: how long Kafka keeps retrying
 *                            a batch after the client got its 503, so that an acknowledgement
 *                            arriving late still settles an idempotent request (at least
 *                            {@code timeoutMs})
 * @param idempotencyRetentionSeconds how long the answer to a request with an
 *                            {@code Idempotency-Key} is kept (in Redis) for retries to replay
 */
public record IngestConfig(boolean enabled, String bootstrapServers, int maxBodyBytes,
    int maxEventsPerRequest, int maxInFlightBytes, int timeoutMs, int lingerMs,
    int batchSizeBytes, String compression, Map<String, String> producer, int deliveryTimeoutMs,
    int idempotencyRetentionSeconds) {
  public static final boolean DEFAULT_ENABLED = true;
  public static final String DEFAULT_BOOTSTRAP_SERVERS = "127.0.0.1:9092";
  /** 1 MiB: a batch of a few thousand typical events. */
  public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;
  public static final int MAX_MAX_BODY_BYTES = 64 << 20;
  public static final int DEFAULT_MAX_EVENTS_PER_REQUEST = 10_000;
  public static final int MAX_MAX_EVENTS_PER_REQUEST = 1_000_000;
  /** 64 MiB of bodies waiting for acknowledgements. */
  public static final int DEFAULT_MAX_IN_FLIGHT_BYTES = 64 << 20;
  public static final int MAX_MAX_IN_FLIGHT_BYTES = 1 << 30;
  public static final int DEFAULT_TIMEOUT_MS = 5_000;
  public static final int MAX_TIMEOUT_MS = 120_000;
  /**
   * Under load batches fill while earlier ones are in flight, so waiting to fill them only delays
   * every 202: with 64 connections waiting for their answers, loadtest/bench/ingest.sh accepted
   * 31,620 single events/s at 0 ms against 19,033 at 1 ms (5 ms cut it to a fraction), and
   * batches of 100 as many at either.
   */
  public static final int DEFAULT_LINGER_MS = 0;
  public static final int DEFAULT_BATCH_SIZE_BYTES = 256 << 10;
  /** Kafka's own default: two minutes for a late acknowledgement to settle a request. */
  public static final int DEFAULT_DELIVERY_TIMEOUT_MS = 120_000;
  public static final int MAX_DELIVERY_TIMEOUT_MS = 900_000;
  /** 24 h, as the IETF Idempotency-Key draft suggests. */
  public static final int DEFAULT_IDEMPOTENCY_RETENTION_SECONDS = 86_400;
  public static final int MAX_IDEMPOTENCY_RETENTION_SECONDS = 7 * 86_400;
  public static final String DEFAULT_COMPRESSION = "lz4";
  static final Set<String> COMPRESSIONS = Set.of("none", "gzip", "snappy", "lz4", "zstd");
  /** Properties the gateway sets itself, because the 202 promise depends on them. */
  public static final Set<String> FIXED_PRODUCER_PROPERTIES = Set.of("acks", "enable.idempotence",
      "bootstrap.servers", "key.serializer", "value.serializer", "delivery.timeout.ms",
      "max.block.ms", "request.timeout.ms", "transactional.id");

  public IngestConfig {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new ConfigException("kafka.bootstrapServers",
          "must list host:port[,host:port...], but was empty");
    }
    for (String server : bootstrapServers.split(",")) {
      int colon = server.trim().lastIndexOf(':');
      if (colon < 1 || !server.trim().substring(colon + 1).matches("[0-9]{1,5}")) {
        throw new ConfigException("kafka.bootstrapServers",
            "must list host:port[,host:port...], but was '" + bootstrapServers + "'");
      }
    }
    check("maxBodyBytes", maxBodyBytes, 1024, MAX_MAX_BODY_BYTES);
    check("maxEventsPerRequest", maxEventsPerRequest, 1, MAX_MAX_EVENTS_PER_REQUEST);
    check("maxInFlightBytes", maxInFlightBytes, maxBodyBytes, MAX_MAX_IN_FLIGHT_BYTES);
    check("timeoutMs", timeoutMs, 100, MAX_TIMEOUT_MS);
    check("kafka.lingerMs", lingerMs, 0, Math.min(1_000, timeoutMs / 2));
    check("kafka.batchSizeBytes", batchSizeBytes, 1024, 16 << 20);
    if (compression == null || !COMPRESSIONS.contains(compression)) {
      throw new ConfigException("kafka.compression",
          "must be one of " + new TreeSet<>(COMPRESSIONS) + ", but was '"
              + compression + "'");
    }
    check("deliveryTimeoutMs", deliveryTimeoutMs, timeoutMs, MAX_DELIVERY_TIMEOUT_MS);
    check("idempotencyRetentionSeconds", idempotencyRetentionSeconds, 1,
        MAX_IDEMPOTENCY_RETENTION_SECONDS);
    producer = producer == null ? Map.of() : Map.copyOf(producer);
    for (String key : producer.keySet()) {
      if (FIXED_PRODUCER_PROPERTIES.contains(key)) {
        throw new ConfigException("kafka.producer." + key,
            "is set by the gateway (the 202 depends on it) and cannot be overridden");
      }
    }
  }

  /** Default delivery timeout (at least {@code timeoutMs}) and idempotency retention. */
  public IngestConfig(boolean enabled, String bootstrapServers, int maxBodyBytes,
      int maxEventsPerRequest, int maxInFlightBytes, int timeoutMs, int lingerMs,
      int batchSizeBytes, String compression, Map<String, String> producer) {
    this(enabled, bootstrapServers, maxBodyBytes, maxEventsPerRequest, maxInFlightBytes,
        timeoutMs, lingerMs, batchSizeBytes, compression, producer,
        Math.max(DEFAULT_DELIVERY_TIMEOUT_MS, timeoutMs), DEFAULT_IDEMPOTENCY_RETENTION_SECONDS);
  }

  public IngestConfig withDelivery(int newDeliveryTimeoutMs, int newRetentionSeconds) {
    return new IngestConfig(enabled, bootstrapServers, maxBodyBytes, maxEventsPerRequest,
        maxInFlightBytes, timeoutMs, lingerMs, batchSizeBytes, compression, producer,
        newDeliveryTimeoutMs, newRetentionSeconds);
  }

  public static IngestConfig defaults() {
    return new IngestConfig(DEFAULT_ENABLED, DEFAULT_BOOTSTRAP_SERVERS, DEFAULT_MAX_BODY_BYTES,
        DEFAULT_MAX_EVENTS_PER_REQUEST, DEFAULT_MAX_IN_FLIGHT_BYTES, DEFAULT_TIMEOUT_MS,
        DEFAULT_LINGER_MS, DEFAULT_BATCH_SIZE_BYTES, DEFAULT_COMPRESSION, Map.of());
  }

  public IngestConfig withBootstrapServers(String servers) {
    return new IngestConfig(enabled, servers, maxBodyBytes, maxEventsPerRequest,
        maxInFlightBytes, timeoutMs, lingerMs, batchSizeBytes, compression, producer,
        deliveryTimeoutMs, idempotencyRetentionSeconds);
  }

  public IngestConfig withLimits(int newMaxBodyBytes, int newMaxEvents, int newMaxInFlightBytes) {
    return new IngestConfig(enabled, bootstrapServers, newMaxBodyBytes, newMaxEvents,
        newMaxInFlightBytes, timeoutMs, lingerMs, batchSizeBytes, compression, producer,
        deliveryTimeoutMs, idempotencyRetentionSeconds);
  }

  public IngestConfig withTimeoutMs(int newTimeoutMs) {
    return new IngestConfig(enabled, bootstrapServers, maxBodyBytes, maxEventsPerRequest,
        maxInFlightBytes, newTimeoutMs, Math.min(lingerMs, newTimeoutMs / 2), batchSizeBytes,
        compression, producer,
        Math.max(deliveryTimeoutMs, newTimeoutMs), idempotencyRetentionSeconds);
  }

  public IngestConfig withEnabled(boolean on) {
    return new IngestConfig(on, bootstrapServers, maxBodyBytes, maxEventsPerRequest,
        maxInFlightBytes, timeoutMs, lingerMs, batchSizeBytes, compression, producer,
        deliveryTimeoutMs, idempotencyRetentionSeconds);
  }

  private static void check(String field, long value, long min, long max) {
    if (value < min || value > max) {
      throw new ConfigException(field, "must be " + min + "-" + max + ", but was " + value);
    }
  }
}
