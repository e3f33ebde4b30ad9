package io.streamgate.gateway.store.internal;

import io.streamgate.contract.Keyspace;
import io.streamgate.contract.Row;
import io.streamgate.gateway.store.RowBatch;
import io.streamgate.gateway.store.StoreUnavailableException;
import io.streamgate.gateway.store.ViewStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link ViewStore} over a pooled vertx-redis-client. A row is one HMGET of its hash; many rows
 * are one pipelined batch (on a Redis Cluster, where a batch must stay in one slot and a view's
 * rows spread over all slots, concurrent single sends that the client routes per node). Redis failures become {@link StoreUnavailableException}. It sets no
 * timeout itself: {@link GuardedViewStore} wraps every call in the breaker, which does.
 * Thread-safe.
 */
public final class RedisViewStore implements ViewStore {
  private final Redis redis;
  private final Keyspace keyspace;
  private final String address;
  private final boolean cluster;

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
  public Future<Row> get(String view, String key) {
    return mapped(redis.send(rowRequest(view, key))).map(r -> toRow(view, key, r));
  }

  @Override
  public Future<RowBatch> getAll(String view, List<String> keys) {
    List<Request> requests = new ArrayList<>(keys.size());
    for (String key : keys) {
      requests.add(rowRequest(view, key));
    }
    return mapped(batch(requests)).map(responses -> {
      List<Row> found = new ArrayList<>();
      List<String> missing = new ArrayList<>();
      for (int i = 0; i < keys.size(); i++) {
        Row row = toRow(view, keys.get(i), responses.get(i));
        if (row == null) {
          missing.add(keys.get(i));
        } else {
          found.add(row);
        }
      }
      return new RowBatch(found, missing);
    });
  }

  private Future<List<Response>> batch(List<Request> requests) {
    if (!cluster) {
      return redis.batch(requests);
    }
    List<Future<Response>> sends = new ArrayList<>(requests.size());
    for (Request request : requests) {
      sends.add(redis.send(request));
    }
    return Future.all(sends).map(all -> all.list());
  }

  @Override
  public Future<List<String>> keysAfter(String view, String afterKey, int count) {
    Request request = Request.cmd(Command.ZRANGE).arg(keyspace.keysIndex(view))
        .arg(afterKey == null ? "-" : "(" + afterKey).arg("+")
        .arg("BYLEX").arg("LIMIT").arg(0).arg(count);
    return mapped(redis.send(request)).map(RedisViewStore::strings);
  }

  @Override
  public Future<List<String>> topKeys(String view, int n) {
    Request request = Request.cmd(Command.ZRANGE).arg(keyspace.rankIndex(view))
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

  private Request rowRequest(String view, String key) {
    return Request.cmd(Command.HMGET).arg(keyspace.row(view, key))
        .arg(Row.FIELD_VERSION).arg(Row.FIELD_UPDATED_AT).arg(Row.FIELD_VALUE);
  }

  /**
   * The row from an HMGET reply, or null if it has no value (absent, or expired between fields,
   * which cannot happen within one HMGET but a hand-edited hash could lack fields).
   *
   * @throws IllegalStateException if the hash does not hold a contract row
   */
  private Row toRow(String view, String key, Response reply) {
    Response value = reply == null ? null : reply.get(2);
    if (value == null) {
      return null;
    }
    Response version = reply.get(0);
    Response updatedAt = reply.get(1);
    try {
      return new Row(view, key,
          version == null ? 0 : Long.parseLong(version.toString()),
          updatedAt == null ? 0 : Long.parseLong(updatedAt.toString()),
          value.toString());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "row hash " + keyspace.row(view, key) + " is not a contract row: " + e.getMessage(), e);
    }
  }

  private <T> Future<T> mapped(Future<T> call) {
    // Connection refused or reset, pool queue full, LOADING after a restart: all mean "not now".
    return call.recover(failure -> Future.failedFuture(new StoreUnavailableException(
        "redis at " + address + " failed: " + failure.getMessage(), failure)));
  }
}
