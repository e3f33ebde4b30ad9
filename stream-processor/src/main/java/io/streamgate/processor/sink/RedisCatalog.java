package io.streamgate.processor.sink;

import io.streamgate.contract.CatalogEntry;
import io.streamgate.contract.Keyspace;
import io.streamgate.contract.Scripts;
import io.streamgate.contract.events.StreamEntry;
import java.util.List;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The processor's startup conversation with Redis, on the driver: check it answers, then register
 * every view in the catalog ({@link Scripts#REGISTER_VIEW}, which also announces it) and every
 * source in the streams hash. Stateless.
 */
public final class RedisCatalog {
  private RedisCatalog() {}

  /** @throws RedisUnavailableException with a one-line reason if Redis does not answer PING */
  public static void ping(String redisUri) {
    try {
      RedisConnections.client(redisUri).ping();
    } catch (JedisException e) {
      throw new RedisUnavailableException(redisUri, e);
    }
  }

  /**
   * Registers the pipeline's sources as streams for event ingest (same script, the streams hash),
   * so the gateway validates and routes {@code POST /v1/events/<source>} with their schema.
   *
   * @return how many entries changed
   */
  public static int registerStreams(String redisUri, Keyspace keyspace, List<StreamEntry> entries) {
    int changed = 0;
    try {
      for (StreamEntry entry : entries) {
        Object result = ScriptCalls.evalsha(redisUri, Scripts.REGISTER_VIEW,
            Scripts.registerStreamKeys(keyspace), Scripts.registerStreamArgs(keyspace, entry));
        if (Long.valueOf(1).equals(result)) {
          changed++;
        }
      }
    } catch (JedisException e) {
      throw new RedisUnavailableException(redisUri, e);
    }
    return changed;
  }

  /** @return how many entries changed (0 when re-registering the same views) */
  public static int register(String redisUri, Keyspace keyspace, List<CatalogEntry> entries) {
    int changed = 0;
    try {
      for (CatalogEntry entry : entries) {
        Object result = ScriptCalls.evalsha(redisUri, Scripts.REGISTER_VIEW,
            Scripts.registerViewKeys(keyspace), Scripts.registerViewArgs(keyspace, entry));
        if (Long.valueOf(1).equals(result)) {
          changed++;
        }
      }
    } catch (JedisException e) {
      throw new RedisUnavailableException(redisUri, e);
    }
    return changed;
  }

  /** Removes a dropped view from the catalog and announces it; gateways then answer 404. */
  public static void unregister(String redisUri, Keyspace keyspace, String view) {
    try {
      ScriptCalls.evalsha(redisUri, Scripts.UNREGISTER_VIEW, Scripts.registerViewKeys(keyspace),
          Scripts.unregisterViewArgs(keyspace, view));
    } catch (JedisException e) {
      throw new RedisUnavailableException(redisUri, e);
    }
  }
}
