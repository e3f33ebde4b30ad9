package io.streamgate.gateway.store.internal;

import io.streamgate.contract.Change;
import io.streamgate.contract.Indexes;
import io.streamgate.contract.Keyspace;
import io.streamgate.contract.Names;
import io.streamgate.contract.Row;
import io.streamgate.contract.Script;
import io.streamgate.contract.Scripts;
import io.streamgate.contract.Tombstone;
import io.streamgate.gateway.store.FilterPage;
import io.streamgate.gateway.store.RowBatch;
import io.streamgate.gateway.store.StoreUnavailableException;
import io.streamgate.gateway.store.ViewStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link ViewStore} over a pooled vertx-redis-client. A filter is one contract script
 * ({@code filter_keys}) in the view's index slot, then its rows. A row is one HMGET of its hash (a
 * tombstone is a hash with {@code deleted} and no value); many rows are one pipelined batch (on
 * a Redis Cluster, where a batch must stay on one node and a view's rows spread over all slots,
 * one batch per node, grouped by {@link NodeGroups}). Redis failures become
 * {@link StoreUnavailableException}. It sets no
 * timeout itself: {@link GuardedViewStore} wraps every call in the breaker, which does.
 * Thread-safe.
 */
public final class RedisViewStore implements ViewStore {
  /**
   * Most index entries one filter call walks in Redis (a few milliseconds of one Redis core at
   * worst), so a sparse intersection answers a short page with a cursor instead of holding Redis.
   */
  static final int FILTER_WALK_BUDGET = 2000;
  private final Redis redis;
  private final Keyspace keyspace;
  private final String address;
  private final boolean cluster;
  private final NodeGroups nodeGroups = new NodeGroups(System::currentTimeMillis);

  public RedisViewStore(Redis redis, Keyspace keyspace, String address, boolean cluster) {
    this.redis = redis;
    this.keyspace = keyspace;
    this.address = address;
    this.cluster = cluster;
  }

  public RedisViewStore(Redis redis, Keyspace keyspace, String address) {
    this(redis, keyspace, address, false);
  }

  @Override
  public Future<Change> get(String view, long version, String key) {
    String table = Names.table(view, version);
    return mapped(redis.send(rowRequest(keyspace.row(table, key))))
        .map(r -> toChange(view, table, key, r));
  }

  @Override
  public Future<RowBatch> getAll(String view, long version, List<String> keys) {
    String table = Names.table(view, version);
    List<Request> requests = new ArrayList<>(keys.size());
    List<String> redisKeys = new ArrayList<>(keys.size());
    for (String key : keys) {
      redisKeys.add(keyspace.row(table, key));
      requests.add(rowRequest(redisKeys.get(redisKeys.size() - 1)));
    }
    return mapped(batch(requests, redisKeys)).map(responses -> {
      List<Row> found = new ArrayList<>();
      List<String> missing = new ArrayList<>();
      List<Tombstone> deleted = new ArrayList<>();
      for (int i = 0; i < keys.size(); i++) {
        Change change = toChange(view, table, keys.get(i), responses.get(i));
        if (change instanceof Row row) {
          found.add(row);
        } else {
          missing.add(keys.get(i));
          if (change instanceof Tombstone tombstone) {
            deleted.add(tombstone);
          }
        }
      }
      return new RowBatch(found, missing, deleted);
    });
  }

  /** {@code requests}' answers in order; each request has one key, {@code keys} in the same order. */
  private Future<List<Response>> batch(List<Request> requests, List<String> keys) {
    if (!cluster) {
      return redis.batch(requests);
    }
    return nodeGroups.group(keys, redis).compose(groups -> groups == null ? singly(requests)
        : byNode(requests, groups));
  }

  /** One batch per group of {@code requests} (positions in it), the answers put back in order. */
  private Future<List<Response>> byNode(List<Request> requests, List<int[]> groups) {
    List<Future<List<Response>>> sends = new ArrayList<>(groups.size());
    for (int[] group : groups) {
      List<Request> part = new ArrayList<>(group.length);
      for (int position : group) {
        part.add(requests.get(position));
      }
      sends.add(part.size() == 1 ? redis.send(part.get(0)).map(Collections::singletonList)
          : redis.batch(part).recover(failure -> {
            if (!slotsMoved(failure)) {
              // Redis itself failed: key by key would only multiply the calls that fail.
              return Future.failedFuture(failure);
            }
            nodeGroups.forget(); // moved slots: this time key by key, which follows redirects
            return singly(part);
          }));
    }
    return Future.all(sends).map(all -> {
      Response[] answers = new Response[requests.size()];
      for (int g = 0; g < groups.size(); g++) {
        List<Response> part = all.resultAt(g);
        for (int i = 0; i < groups.get(g).length; i++) {
          answers[groups.get(g)[i]] = part.get(i);
        }
      }
      return Arrays.asList(answers);
    });
  }

  /**
   * True if a batch failed because the cluster client's slot map put its keys on more than one
   * node ({@code CROSSSLOT}, its words): ours was out of date. Redirects ({@code MOVED}, {@code
   * ASK}) the client follows itself; any other failure is Redis's own.
   */
  static boolean slotsMoved(Throwable failure) {
    return failure != null && failure.getMessage() != null
        && failure.getMessage().contains("CROSSSLOT");
  }

  private Future<List<Response>> singly(List<Request> requests) {
    List<Future<Response>> sends = new ArrayList<>(requests.size());
    for (Request request : requests) {
      sends.add(redis.send(request));
    }
    return Future.all(sends).map(all -> all.list());
  }

  @Override
  public Future<List<String>> keysAfter(String view, long version, String afterKey, int count) {
    Request request = Request.cmd(Command.ZRANGE)
        .arg(keyspace.keysIndex(Names.table(view, version)))
        .arg(afterKey == null ? "-" : "(" + afterKey).arg("+")
        .arg("BYLEX").arg("LIMIT").arg(0).arg(count);
    return mapped(redis.send(request)).map(RedisViewStore::strings);
  }

  @Override
  public Future<FilterPage> filter(String view, long version, Map<String, String> where,
      String afterKey, String keyPrefix, int limit) {
    String table = Names.table(view, version);
    List<String> keys = Scripts.filterKeysKeys(keyspace, table, where);
    List<String> args = Scripts.filterKeysArgs(afterKey, keyPrefix, limit,
        Math.max(FILTER_WALK_BUDGET, limit + 1));
    return mapped(eval(Scripts.FILTER_KEYS, keys, args)).compose(reply -> {
      List<String> found = strings(reply);
      String next = found.get(0).isEmpty() ? null : found.get(0);
      List<String> matching = found.subList(1, found.size());
      if (matching.isEmpty()) {
        return Future.succeededFuture(new FilterPage(List.of(), next));
      }
      return getAll(view, version, matching).map(batch -> {
        List<Row> rows = new ArrayList<>(batch.found().size());
        for (Row row : batch.found()) {
          if (Indexes.matches(where, row.valueJson())) {
            rows.add(row);
          }
        }
        return new FilterPage(rows, next);
      });
    });
  }

  /** EVALSHA, and EVAL (which caches the script again) if Redis lost it: a restart, a failover. */
  private Future<Response> eval(Script script, List<String> keys, List<String> args) {
    return redis.send(scriptRequest(Command.EVALSHA, script.sha1(), keys, args))
        .recover(failure -> failure.getMessage() != null
            && failure.getMessage().startsWith("NOSCRIPT")
            ? redis.send(scriptRequest(Command.EVAL, script.source(), keys, args))
            : Future.failedFuture(failure));
  }

  private static Request scriptRequest(Command command, String script, List<String> keys,
      List<String> args) {
    Request request = Request.cmd(command).arg(script).arg(keys.size());
    keys.forEach(request::arg);
    args.forEach(request::arg);
    return request;
  }

  @Override
  public Future<List<String>> topKeys(String view, long version, int n) {
    Request request = Request.cmd(Command.ZRANGE)
        .arg(keyspace.rankIndex(Names.table(view, version)))
        .arg(0).arg(n - 1).arg("REV");
    return mapped(redis.send(request)).map(RedisViewStore::strings);
  }

  private static List<String> strings(Response reply) {
    List<String> out = new ArrayList<>();
    if (reply != null) {
      for (Response item : reply) {
        out.add(item.toString());
      }
    }
    return out;
  }

  @Override
  public Future<Map<String, String>> catalogEntries() {
    return mapped(redis.send(Request.cmd(Command.HGETALL).arg(keyspace.catalog()))).map(r -> {
      Map<String, String> entries = new HashMap<>();
      if (r != null) {
        for (String name : r.getKeys()) {
          Response value = r.get(name);
          entries.put(name, value == null ? null : value.toString());
        }
      }
      return entries;
    });
  }

  @Override
  public Future<Void> ping() {
    return mapped(redis.send(Request.cmd(Command.PING))).mapEmpty();
  }

  private static Request rowRequest(String rowKey) {
    return Request.cmd(Command.HMGET).arg(rowKey)
        .arg(Row.FIELD_VERSION).arg(Row.FIELD_UPDATED_AT).arg(Row.FIELD_VALUE)
        .arg(Tombstone.FIELD_DELETED);
  }

  /**
   * The row or tombstone from an HMGET reply, or null if it has neither a value nor the deleted
   * mark (absent, or a hand-edited hash that lacks fields).
   *
   * @throws IllegalStateException if the hash does not hold a contract row or tombstone
   */
  private Change toChange(String view, String table, String key, Response reply) {
    Response value = reply == null ? null : reply.get(2);
    Response deleted = reply == null ? null : reply.get(3);
    if (value == null && deleted == null) {
      return null;
    }
    Response version = reply.get(0);
    Response updatedAt = reply.get(1);
    try {
      long v = version == null ? 0 : Long.parseLong(version.toString());
      long at = updatedAt == null ? 0 : Long.parseLong(updatedAt.toString());
      return value == null ? new Tombstone(view, key, v, at)
          : new Row(view, key, v, at, value.toString());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("row hash " + keyspace.row(table, key)
          + " is not a contract row: " + e.getMessage(), e);
    }
  }

  private <T> Future<T> mapped(Future<T> call) {
    // Connection refused or reset, pool queue full, LOADING after a restart: all mean "not now".
    return call.recover(failure -> Future.failedFuture(new StoreUnavailableException(
        "redis at " + address + " failed: " + failure.getMessage(), failure)));
  }
}
