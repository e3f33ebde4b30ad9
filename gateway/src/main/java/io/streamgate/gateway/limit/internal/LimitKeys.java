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
 *   {&lt;p&gt;:rl}:c:&lt;plan&gt;:&lt;periodMs&gt;:&lt;window&gt;:&lt;principal&gt;   string  requests admitted by all gateways
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

  String counter(WindowCounter.SyncItem item) {
    WindowCounter c = item.counter();
    return tag + ":c:" + c.plan.name() + ":" + c.plan.periodMillis() + ":" + item.window() + ":"
        + principal(c.principal);
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
