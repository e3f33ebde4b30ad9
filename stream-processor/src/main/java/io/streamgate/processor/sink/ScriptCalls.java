package io.streamgate.processor.sink;

import io.streamgate.contract.Script;
import java.util.List;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Single (unpipelined) contract script calls: EVALSHA, and on NOSCRIPT (a restarted or flushed
 * Redis) SCRIPT LOAD and once more. Stateless; the Jedis belongs to the calling thread.
 */
final class ScriptCalls {
  private ScriptCalls() {}

  static Object evalsha(Jedis jedis, Script script, List<String> keys, List<String> args) {
    try {
      return jedis.evalsha(script.sha1(), keys, args);
    } catch (JedisNoScriptException e) {
      load(jedis, script);
      return jedis.evalsha(script.sha1(), keys, args);
    }
  }

  static void load(Jedis jedis, Script script) {
    String sha = jedis.scriptLoad(script.source());
    if (!script.sha1().equalsIgnoreCase(sha)) {
      throw new IllegalStateException("Redis loaded contract script " + script.name()
          + " as " + sha + ", expected " + script.sha1());
    }
  }
}
