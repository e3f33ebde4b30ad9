package io.streamgate.gateway.ingest.internal;

import io.streamgate.contract.Keyspace;
import io.streamgate.contract.events.StreamEntry;
import io.streamgate.gateway.ingest.Streams;
import io.streamgate.gateway.store.HashMirror;
import io.streamgate.gateway.store.Subscriptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The registered streams kept in step with Redis, like the view catalog, by a
 * {@link HashMirror} of {@link Keyspace#streams()}: read at start, re-read on every message on
 * {@link Keyspace#streamsChannel()}, after every re-subscription, and periodically. A verticle,
 * so refreshes never overlap; readers on any thread see the volatile snapshot.
 */
public final class RedisStreams extends VerticleBase implements Streams {
  public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(10);

  private final Redis redis;
  private final Subscriptions subscriptions;
  private final Keyspace keyspace;
  private final long timeoutMs;
  private final HashMirror<StreamEntry> mirror;

  /**
   * @param redis a client of its own (the reads are rare: one connection is plenty)
   * @param onTopics called on the mirror's context with the topics of all streams after every
   *     read (e.g. {@link io.streamgate.gateway.ingest.EventLog#prepare})
   */
  public RedisStreams(Redis redis, Subscriptions subscriptions, Keyspace keyspace,
      Duration refreshInterval, long timeoutMs, Consumer<Set<String>> onTopics) {
    this.redis = redis;
    this.subscriptions = subscriptions;
    this.keyspace = keyspace;
    this.timeoutMs = timeoutMs;
    this.mirror = new HashMirror<>(
        new HashMirror.Description("streams", keyspace.streams(), "streams for event ingest",
            "Re-register the stream (restart its pipeline) to fix it."),
        this::read, StreamEntry::fromJson, StreamEntry::name,
        entries -> onTopics.accept(entries.values().stream().map(StreamEntry::topic)
            .collect(Collectors.toSet())), refreshInterval);
  }

  @Override
  public Optional<StreamEntry> find(String stream) {
    return Optional.ofNullable(mirror.entries().get(stream));
  }

  @Override
  public boolean loaded() {
    return mirror.loaded();
  }

  /** Completes after the first read attempt, successful or not: Redis may come up later. */
  @Override
  public Future<?> start() {
    return mirror.start(vertx, subscriptions, keyspace.streamsChannel());
  }

  @Override
  public Future<?> stop() {
    return mirror.stop().eventually(redis::close);
  }

  private Future<Map<String, String>> read() {
    return redis.send(Request.cmd(Command.HGETALL).arg(keyspace.streams()))
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .map(RedisStreams::fields);
  }

  private static Map<String, String> fields(Response response) {
    Map<String, String> out = new HashMap<>();
    if (response != null) {
      for (String name : response.getKeys()) {
        out.put(name, String.valueOf(response.get(name)));
      }
    }
    return out;
  }
}
