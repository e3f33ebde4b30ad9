package io.streamgate.processor.sink;

import io.streamgate.contract.Script;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Contract script calls: single EVALSHA, and on NOSCRIPT (a restarted or flushed Redis, or a
 * cluster node that never saw the script) SCRIPT LOAD on every node and once more; and the retry
 * rule of the sinks' pipelined writes. Stateless.
 */
final class ScriptCalls {
  private static final Logger LOG = LoggerFactory.getLogger(ScriptCalls.class);
  static final int ATTEMPTS = 3;
  static final long RETRY_BACKOFF_MS = 200;

  private ScriptCalls() {}

  /**
   * {@code write}'s result, trying again after a lost connection ({@link #ATTEMPTS} in all,
   * waiting longer each time) and after NOSCRIPT once {@code scripts} are loaded on every node
   * (with none, NOSCRIPT is thrown). Safe because every sink write can be repeated: rows are
   * written only if newer, folds skip what they have seen. Blocks while it waits: call from a
   * Spark task or its flusher.
   */
  static <T> T withRetries(String target, String view, List<Script> scripts, Supplier<T> write) {
    for (int attempt = 1; ; attempt++) {
      try {
        return write.get();
      } catch (JedisNoScriptException e) {
        if (scripts.isEmpty()) {
          throw e; // the caller handles NOSCRIPT itself
        }
        scripts.forEach(s -> load(target, s));
        if (attempt == ATTEMPTS) {
          throw e;
        }
      } catch (JedisConnectionException e) {
        if (attempt == ATTEMPTS) {
          throw e;
        }
        LOG.warn("view {}: Redis write failed ({}), retrying {} more time(s)", view,
            e.getMessage(), ATTEMPTS - attempt);
        sleep(RETRY_BACKOFF_MS * attempt);
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while retrying a Redis write", e);
    }
  }

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
