package io.streamgate.processor.sink;

import io.streamgate.processor.pipeline.Messages;
import java.net.URI;

/** Redis did not answer; the message is one line naming the server (without its password). */
public final class RedisUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RedisUnavailableException(String redisUri, Throwable cause) {
    super("cannot reach Redis at " + redact(redisUri) + ": " + Messages.rootMessage(cause), cause);
  }

  /** The target without user info, for logs: each URL of a cluster target redacted. */
  public static String redact(String target) {
    if (RedisConnections.isCluster(target)) {
      return RedisConnections.CLUSTER_PREFIX + String.join(",",
          RedisConnections.urls(target).stream().map(RedisUnavailableException::redactOne).toList());
    }
    return redactOne(target);
  }

  private static String redactOne(String redisUri) {
    try {
      URI uri = URI.create(redisUri);
      if (uri.getUserInfo() == null) {
        return redisUri;
      }
      return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(),
          uri.getQuery(), null).toString();
    } catch (Exception e) {
      return "<unparseable URI>";
    }
  }
}
