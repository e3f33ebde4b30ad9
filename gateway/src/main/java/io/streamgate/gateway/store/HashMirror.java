package io.streamgate.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Redis hash of named JSON entries (the view catalog, the streams of event ingest) mirrored in
 * memory: read at start, re-read on every message on its announcement channel, after every
 * re-subscription, and periodically as a safety net. Runs on the context that {@link #start}s it,
 * so refreshes never overlap (requests during a read coalesce into one more read afterwards, so
 * the last change is never missed); readers on any thread see the latest immutable map. An entry
 * that does not parse, or names another key than its own, is skipped and logged once.
 *
 * @param <E> the parsed entry
 */
public final class HashMirror<E> {
  private static final Logger LOG = LoggerFactory.getLogger(HashMirror.class);

  /**
   * What is mirrored, for logs.
   *
   * @param logChanges whether to log entries added, changed and removed (not for entries that
   *                   change with every read, such as the processor's view status)
   */
  public record Description(String name, String hashKey, String unit, String whatToDo,
      boolean logChanges) {
    public Description(String name, String hashKey, String unit, String whatToDo) {
      this(name, hashKey, unit, whatToDo, true);
    }
  }

  private final Description description;
  private final Supplier<Future<Map<String, String>>> read;
  private final Function<String, E> parse;
  private final Function<E, String> nameOf;
  private final Consumer<Map<String, E>> onChange;
  private final Duration refreshInterval;

  private volatile Map<String, E> entries = Map.of();
  private volatile boolean loaded;
  // Confined to the starting context.
  private Vertx vertx;
  private ChannelSubscription subscription;
  private long refreshTimer = -1;
  private boolean refreshing;
  private boolean refreshAgain;
  private boolean reportedFailure;
  private Set<String> reportedBadEntries = Set.of();

  /**
   * @param read     reads the whole hash (field → JSON); it is small
   * @param parse    parses one entry, throwing a RuntimeException saying why it is not one
   * @param nameOf   the name an entry gives itself, which must equal its field
   * @param onChange called on the mirror's context with every newly read map
   */
  public HashMirror(Description description, Supplier<Future<Map<String, String>>> read,
      Function<String, E> parse, Function<E, String> nameOf, Consumer<Map<String, E>> onChange,
      Duration refreshInterval) {
    this.description = description;
    this.read = read;
    this.parse = parse;
    this.nameOf = nameOf;
    this.onChange = onChange;
    this.refreshInterval = refreshInterval;
  }

  /**
   * Completes after the first read attempt, successful or not: Redis may come up later.
   *
   * @param channel the hash's announcement channel; null: none, the periodic read only
   */
  public Future<Void> start(Vertx vertx, Subscriptions subscriptions, String channel) {
    this.vertx = vertx;
    subscription = channel == null ? null
        : subscriptions.subscribe(channel, name -> refresh(), ready -> refresh());
    refreshTimer = vertx.setPeriodic(refreshInterval.toMillis(), t -> refresh());
    return refresh().otherwiseEmpty();
  }

  public Future<Void> stop() {
    vertx.cancelTimer(refreshTimer);
    return subscription == null ? Future.succeededFuture() : subscription.close();
  }

  public Map<String, E> entries() {
    return entries;
  }

  /** True once the hash has been read at least once. */
  public boolean loaded() {
    return loaded;
  }

  private Future<Void> refresh() {
    if (refreshing) {
      refreshAgain = true;
      return Future.succeededFuture();
    }
    refreshing = true;
    return read.get()
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

  private void apply(Map<String, String> raw) {
    if (reportedFailure) {
      LOG.info("{} readable again", description.name());
      reportedFailure = false;
    }
    Map<String, E> parsed = new HashMap<>();
    Set<String> bad = new HashSet<>();
    raw.forEach((name, json) -> {
      try {
        E entry = parse.apply(json);
        if (!nameOf.apply(entry).equals(name)) {
          throw new IllegalArgumentException("the entry names '" + nameOf.apply(entry) + "'");
        }
        parsed.put(name, entry);
      } catch (RuntimeException e) {
        String signature = name + "\u0000" + json;
        bad.add(signature);
        if (!reportedBadEntries.contains(signature)) {
          LOG.warn("skipping {} entry '{}' in {}: {}. {}", description.name(), name,
              description.hashKey(), e.getMessage(), description.whatToDo());
        }
      }
    });
    reportedBadEntries = bad;
    Map<String, E> before = entries;
    entries = Map.copyOf(parsed);
    loaded = true;
    onChange.accept(entries);
    if (description.logChanges()) {
      logChanges(before, entries);
    }
  }

  private void logChanges(Map<String, E> before, Map<String, E> after) {
    Set<String> added = new TreeSet<>();
    Set<String> changed = new TreeSet<>();
    after.forEach((name, entry) -> {
      E old = before.get(name);
      if (old == null) {
        added.add(name);
      } else if (!old.equals(entry)) {
        changed.add(name);
      }
    });
    Set<String> removed = new TreeSet<>(before.keySet());
    removed.removeAll(after.keySet());
    if (!added.isEmpty() || !changed.isEmpty() || !removed.isEmpty()) {
      LOG.info("{}: {} {}{}{}{}", description.name(), after.size(), description.unit(),
          added.isEmpty() ? "" : ", added " + added,
          changed.isEmpty() ? "" : ", changed " + changed,
          removed.isEmpty() ? "" : ", removed " + removed);
    }
  }

  private void reportFailure(Throwable failure) {
    if (!reportedFailure) {
      LOG.warn("cannot read the {} ({}); keeping the last known {} and retrying every {} s."
          + " Check that Redis is running.", description.name(), failure.getMessage(),
          description.unit(), refreshInterval.toSeconds());
      reportedFailure = true;
    }
  }
}
