package io.streamgate.processor.control;

import io.streamgate.contract.Keyspace;
import io.streamgate.contract.control.ViewStatus;
import io.streamgate.contract.json.Json;
import io.streamgate.contract.json.JsonException;
import io.streamgate.processor.sink.RedisConnections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The published view and source definitions and the views' status, in Redis beside the catalog
 * (the processor is their only writer). Each save of several definitions is one HSET, so a
 * request's changes land together or not at all. Driver only; thread-safe (stateless).
 */
public final class DefinitionStore {
  private static final Logger LOG = LoggerFactory.getLogger(DefinitionStore.class);

  private final String redisUri;
  private final Keyspace keyspace;

  public DefinitionStore(String redisUri, Keyspace keyspace) {
    this.redisUri = redisUri;
    this.keyspace = keyspace;
  }

  /** Every published view by name (sorted); unreadable entries are logged and left out. */
  public Map<String, ViewDefinition> views() {
    Map<String, ViewDefinition> views = new TreeMap<>();
    RedisConnections.client(redisUri).hgetAll(keyspace.viewDefinitions()).forEach((name, json) -> {
      try {
        views.put(name, ViewDefinition.fromJson(json));
      } catch (JsonException e) {
        LOG.error("view definition {} in Redis ({}) is unreadable and ignored: {}", name,
            keyspace.viewDefinitions(), e.getMessage());
      }
    });
    return views;
  }

  /** Every published source, by name, in the pipeline file's format. */
  public Map<String, Map<String, Object>> sources() {
    Map<String, Map<String, Object>> sources = new TreeMap<>();
    RedisConnections.client(redisUri).hgetAll(keyspace.sourceDefinitions())
        .forEach((name, json) -> {
          try {
            sources.put(name, Json.parseObject(json));
          } catch (JsonException e) {
            LOG.error("source definition {} in Redis is unreadable and ignored: {}", name,
                e.getMessage());
          }
        });
    return sources;
  }

  /** Stores these views and sources together (one HSET per hash, sources first). */
  public void save(Iterable<ViewDefinition> views, Map<String, Map<String, Object>> sources) {
    if (!sources.isEmpty()) {
      Map<String, String> fields = new LinkedHashMap<>();
      sources.forEach((name, spec) -> fields.put(name, Json.write(spec)));
      RedisConnections.client(redisUri).hset(keyspace.sourceDefinitions(), fields);
    }
    Map<String, String> fields = new LinkedHashMap<>();
    views.forEach(view -> fields.put(view.name(), view.toJson()));
    if (!fields.isEmpty()) {
      RedisConnections.client(redisUri).hset(keyspace.viewDefinitions(), fields);
    }
  }

  public void save(ViewDefinition view) {
    save(java.util.List.of(view), Map.of());
  }

  /** Forgets a view that was dropped: definition and status. */
  public void remove(String view) {
    RedisConnections.client(redisUri).hdel(keyspace.viewDefinitions(), view);
    RedisConnections.client(redisUri).hdel(keyspace.viewStatus(), view);
  }

  public void saveStatus(ViewStatus status) {
    RedisConnections.client(redisUri).hset(keyspace.viewStatus(), status.view(), status.toJson());
  }
}
