package io.streamgate.processor.sink;

import io.streamgate.contract.Script;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Single (unpipelined) contract script calls: EVALSHA, and on NOSCRIPT (a restarted or flushed
 * Redis, or a cluster node that never saw the script) SCRIPT LOAD on every node and once more.
 * Stateless.
 */
final class ScriptCalls {
  private ScriptCalls() {}

  static Object evalsha(String target, Script script, List<String> keys, List<String> args) {
    UnifiedJedis client = RedisConnections.client(target);
    try {
      return client.evalsha(script.sha1(), keys, args);
    } catch (JedisNoScriptException e) {
      load(target, script);
      return client.evalsha(script.sha1(), keys, args);
    }
  }

  /** Loads {@code script} on every node of {@code target}. */
  static void load(String target, Script script) {
    RedisConnections.forEachNode(target, jedis -> {
      String sha = jedis.scriptLoad(script.source());
      if (!script.sha1().equalsIgnoreCase(sha)) {
        throw new IllegalStateException("Redis loaded contract script " + script.name()
            + " as " + sha + ", expected " + script.sha1());
      }
    });
  }
}
