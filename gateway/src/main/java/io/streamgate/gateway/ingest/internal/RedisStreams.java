package io.streamgate.gateway.ingest.internal;

import io.streamgate.contract.Keyspace;
import io.streamgate.contract.events.StreamEntry;
import io.streamgate.gateway.ingest.Streams;
import io.streamgate.gateway.store.ChannelSubscription;
import io.streamgate.gateway.store.Subscriptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registered streams kept in step with Redis, like the view catalog: read at start, re-read
 * on every message on {@link Keyspace#streamsChannel()}, after every re-subscription, and
 * periodically as a safety net. A verticle, so refreshes never overlap; readers on any thread see
 * the volatile snapshot.
 */
public final class RedisStreams extends VerticleBase implements Streams {
  private static final Logger LOG = LoggerFactory.getLogger(RedisStreams.class);
  public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(10);

  private final Redis redis;
  private final Subscriptions subscriptions;
  private final Keyspace keyspace;
  private final Duration refreshInterval;
  private final long timeoutMs;

  private volatile boolean loaded;
  private volatile Map<String, StreamEntry> byName = Map.of();
  // Context-confined state below.
  private ChannelSubscription subscription;
  private long refreshTimer = -1;
  private boolean refreshing;
  private boolean refreshAgain;
  private boolean reportedFailure;
  private Set<String> reportedBadEntries = Set.of();

  /** @param redis a client of its own (the reads are rare: one connection is plenty) */
  public RedisStreams(Redis redis, Subscriptions subscriptions, Keyspace keyspace,
      Duration refreshInterval, long timeoutMs) {
    this.redis = redis;
    this.subscriptions = subscriptions;
    this.keyspace = keyspace;
    this.refreshInterval = refreshInterval;
    this.timeoutMs = timeoutMs;
  }

  @Override
  public Optional<StreamEntry> find(String stream) {
    return Optional.ofNullable(byName.get(stream));
  }

  @Override
  public boolean loaded() {
    return loaded;
  }

  /** Completes after the first read attempt, successful or not: Redis may come up later. */
  @Override
  public Future<?> start() {
    subscription = subscriptions.subscribe(keyspace.streamsChannel(),
        name -> refresh(), ready -> refresh());
    refreshTimer = vertx.setPeriodic(refreshInterval.toMillis(), t -> refresh());
    return refresh().otherwiseEmpty();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(refreshTimer);
    return subscription.close().eventually(redis::close);
  }

  /** Coalesces refresh requests that arrive during a read into one more read afterwards. */
  private Future<Void> refresh() {
    if (refreshing) {
      refreshAgain = true;
      return Future.succeededFuture();
    }
    refreshing = true;
    return redis.send(Request.cmd(Command.HGETALL).arg(keyspace.streams()))
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .onSuccess(this::apply)
        .onFailure(this::reportFailure)
        .<Void>mapEmpty()
        .onComplete(ar -> {
          refreshing = false;
          if (refreshAgain) {
            refreshAgain = false;
            refresh();
          }
        });
  }

  private void apply(Response response) {
    if (reportedFailure) {
      LOG.info("streams readable again");
      reportedFailure = false;
    }
    Map<String, StreamEntry> entries = new HashMap<>();
    Set<String> bad = new HashSet<>();
    if (response != null) {
      for (String name : response.getKeys()) {
        String json = String.valueOf(response.get(name));
        try {
          StreamEntry entry = StreamEntry.fromJson(json);
          if (!entry.name().equals(name)) {
            throw new IllegalArgumentException("entry names stream '" + entry.name() + "'");
          }
          entries.put(name, entry);
        } catch (RuntimeException e) {
          String signature = name + "\u0000" + json;
          bad.add(signature);
          if (!reportedBadEntries.contains(signature)) {
            LOG.warn("skipping stream entry '{}' in {}: {}. Re-register the stream (restart its"
                + " pipeline) to fix it.", name, keyspace.streams(), e.getMessage());
          }
        }
      }
    }
    reportedBadEntries = bad;
    Map<String, StreamEntry> before = byName;
    byName = Map.copyOf(entries);
    loaded = true;
    logChanges(before, byName);
  }

  private void logChanges(Map<String, StreamEntry> before, Map<String, StreamEntry> after) {
    Set<String> added = new TreeSet<>();
    Set<String> changed = new TreeSet<>();
    after.forEach((name, entry) -> {
      StreamEntry old = before.get(name);
      if (old == null) {
        added.add(name);
      } else if (!old.equals(entry)) {
        changed.add(name);
      }
    });
    Set<String> removed = new TreeSet<>(before.keySet());
    removed.removeAll(after.keySet());
    if (!added.isEmpty() || !changed.isEmpty() || !removed.isEmpty()) {
      LOG.info("streams: {} for event ingest{}{}{}", after.size(),
          added.isEmpty() ? "" : ", added " + added,
          changed.isEmpty() ? "" : ", changed " + changed,
          removed.isEmpty() ? "" : ", removed " + removed);
    }
  }

  private void reportFailure(Throwable failure) {
    if (!reportedFailure) {
      LOG.warn("cannot read the streams for event ingest ({}); keeping the last known ones and"
          + " retrying every {} s. Check that Redis is running.", failure.getMessage(),
          refreshInterval.toSeconds());
      reportedFailure = true;
    }
  }
}
