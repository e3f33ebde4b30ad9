package io.streamgate.gateway.limit;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the limiter decided for one request, with the numbers for the response headers of the
 * IETF httpapi draft "RateLimit header fields for HTTP". Immutable.
 *
 * @param plan              the plan applied
 * @param limit             requests allowed in any period
 * @param remaining         requests left now, as far as this instance knows
 * @param resetSeconds      seconds until the oldest counted request leaves the sliding window
 *                          (at least 1)
 * @param retryAfterSeconds when refused, seconds until a retry may succeed; 0 when allowed
 */
public record Decision(boolean allowed, String plan, long limit, long remaining,
    long resetSeconds, long retryAfterSeconds) {
  public static final String LIMIT = "RateLimit-Limit";
  public static final String REMAINING = "RateLimit-Remaining";
  public static final String RESET = "RateLimit-Reset";
  public static final String RETRY_AFTER = "Retry-After";

  /** The {@code RateLimit-*} headers, plus {@code Retry-After} when refused. */
  public Map<String, String> headers() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(LIMIT, Long.toString(limit));
    headers.put(REMAINING, Long.toString(remaining));
    headers.put(RESET, Long.toString(resetSeconds));
    if (!allowed) {
      headers.put(RETRY_AFTER, Long.toString(retryAfterSeconds));
    }
    return headers;
  }
}
