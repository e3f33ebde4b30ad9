package io.streamgate.gateway.store.internal;

import io.streamgate.contract.Slots;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Which Redis Cluster primary serves each hash slot, from {@code CLUSTER SLOTS}, to split a
 * multi-get into one pipelined batch per node: the cluster client runs a batch only when all its
 * keys are on one node, and a multi-get sent as one command per key would take as many places of
 * {@link GatedClusterClient}'s few as it has keys.
 *
 * <p>The map is a hint: a batch sent to a node that no longer serves a slot fails (or is
 * redirected by the client), its caller sends that group key by key and calls
 * {@link #forget()}, and the next multi-get fetches the map again. It is refetched in the
 * background when older than {@value #MAX_AGE_MS} ms. Thread-safe, lock-free.
 */
final class NodeGroups {
  static final long MAX_AGE_MS = 10_000;

  /** Slot → node index; null while unknown. */
  private volatile int[] nodeOfSlot;
  private volatile long fetchedAtMs;
  /** The CLUSTER SLOTS in flight, or null: one at a time, whoever asks. */
  private final AtomicReference<Future<int[]>> fetching = new AtomicReference<>();
  private final LongSupplier clockMs;

  NodeGroups(LongSupplier clockMs) {
    this.clockMs = clockMs;
  }

  /**
   * The positions of {@code keys} grouped by the node that serves them, in key order within a
   * group; null if the map cannot be had (the caller sends each key on its own). Without a map it
   * waits for one CLUSTER SLOTS; with an old one it refetches in the background.
   */
  Future<List<int[]>> group(List<String> keys, Redis redis) {
    int[] map = nodeOfSlot;
    if (map == null) {
      return fetch(redis).map(fetched -> fetched == null ? null : group(keys, fetched));
    }
    if (clockMs.getAsLong() - fetchedAtMs > MAX_AGE_MS) {
      fetch(redis);
    }
    return Future.succeededFuture(group(keys, map));
  }

  /** The map proved wrong (a failover, a resharding): ask again before trusting it. */
  void forget() {
    nodeOfSlot = null;
  }

  static List<int[]> group(List<String> keys, int[] nodeOfSlot) {
    Map<Integer, List<Integer>> byNode = new LinkedHashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      byNode.computeIfAbsent(nodeOfSlot[Slots.slot(keys.get(i))], n -> new ArrayList<>()).add(i);
    }
    return byNode.values().stream()
        .map(positions -> positions.stream().mapToInt(Integer::intValue).toArray()).toList();
  }

  private Future<int[]> fetch(Redis redis) {
    Promise<int[]> promise = Promise.promise();
    Future<int[]> mine = promise.future();
    Future<int[]> running = fetching.compareAndExchange(null, mine);
    if (running != null) {
      return running;
    }
    Future<Response> reply;
    try {
      reply = redis.send(Request.cmd(Command.CLUSTER).arg("SLOTS"));
    } catch (RuntimeException e) {
      reply = Future.failedFuture(e);
    }
    reply.onComplete(ar -> {
      int[] map = ar.succeeded() ? parse(ar.result()) : null;
      if (map != null) {
        nodeOfSlot = map;
        fetchedAtMs = clockMs.getAsLong();
      }
      fetching.set(null);
      promise.complete(map);
    });
    return mine;
  }

  /**
   * Slot → index of its primary ({@code host:port}) from a CLUSTER SLOTS reply: entries of
   * {@code [start, end, [host, port, id, …], replicas…]}. Null if a slot has no primary (a
   * cluster still forming): then every key goes on its own.
   */
  static int[] parse(Response reply) {
    if (reply == null) {
      return null;
    }
    int[] map = new int[Slots.COUNT];
    Arrays.fill(map, -1);
    Map<String, Integer> nodes = new HashMap<>();
    for (Response range : reply) {
      if (range == null || range.size() < 3 || range.get(2) == null || range.get(2).size() < 2) {
        continue;
      }
      String primary = range.get(2).get(0).toString() + ":" + range.get(2).get(1).toString();
      int node = nodes.computeIfAbsent(primary, p -> nodes.size());
      int start = range.get(0).toInteger();
      int end = range.get(1).toInteger();
      if (start < 0 || end >= Slots.COUNT || start > end) {
        return null;
      }
      Arrays.fill(map, start, end + 1, node);
    }
    for (int node : map) {
      if (node < 0) {
        return null;
      }
    }
    return map;
  }
}
