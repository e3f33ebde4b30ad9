package io.streamgate.gateway.limit.internal;

import io.streamgate.contract.Keyspace;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where the shared rate-limit counts live in Redis. They are the gateway's own state, not part
 * of the serving contract, but sit under the same namespace prefix. All share one hash tag, so
 * a whole reconciliation is one pipelined batch on one node, also on Redis Cluster.
 *
 * <pre>
 *   {&lt;p&gt;:rl}:w:&lt;periodMs&gt;:&lt;principal&gt;   hash    slot → requests admitted by all gateways
 *   {&lt;p&gt;:rl}:instances                                 zset    gateway id → liveness deadline (ms)
 * </pre>
 * Immutable.
 */
final class LimitKeys {
  /** Longer principals are hashed, so a huge {@code sub} claim cannot make huge keys. */
  private static final int MAX_PRINCIPAL_LENGTH = 128;

  private final String tag;

  LimitKeys(Keyspace keyspace) {
    this.tag = "{" + keyspace.prefix() + ":rl}";
  }

  String counter(SlidingCounter.SyncItem item) {
    SlidingCounter c = item.counter();
    return tag + ":w:" + c.periodMillis + ":" + principal(c.principal);
  }

  String instances() {
    return tag + ":instances";
  }

  private static String principal(String principal) {
    if (principal.length() <= MAX_PRINCIPAL_LENGTH) {
      return principal;
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return "sha256:" + HexFormat.of().formatHex(sha.digest(principal.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
