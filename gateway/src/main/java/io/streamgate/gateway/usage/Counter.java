package io.streamgate.gateway.usage;

/**
 * What usage counts, per principal, view or stream and UTC day. {@link #field()} is the name in
 * Redis and in the admin API's answers.
 */
public enum Counter {
  /** Requests answered 2xx or 3xx. */
  REQUESTS_OK("requests.ok"),
  /** Requests refused 4xx, except 429. */
  REQUESTS_REFUSED("requests.refused"),
  /** Requests refused by a rate limit or quota (429). */
  REQUESTS_LIMITED("requests.limited"),
  /** Requests that failed on our side (5xx). */
  REQUESTS_FAILED("requests.failed"),
  /** Rows in REST answers. */
  ROWS("rows"),
  /** Events accepted by ingest (202). */
  EVENTS("events"),
  /** Messages pushed over WebSocket or SSE. */
  PUSH_MESSAGES("push.messages"),
  /** Bytes of those messages. */
  PUSH_BYTES("push.bytes");

  private final String field;

  Counter(String field) {
    this.field = field;
  }

  public String field() {
    return field;
  }

  /** The counter for a request's HTTP status. */
  public static Counter forStatus(int status) {
    if (status == 429) {
      return REQUESTS_LIMITED;
    }
    return status >= 500 ? REQUESTS_FAILED : status >= 400 ? REQUESTS_REFUSED : REQUESTS_OK;
  }

  /**
   * The quota this counter counts towards ({@code requests}, {@code rows}, {@code events}), or
   * null: refused-by-limit requests and push do not spend a quota.
   */
  public String quota() {
    return switch (this) {
      case REQUESTS_OK, REQUESTS_REFUSED, REQUESTS_FAILED -> "requests";
      case ROWS -> "rows";
      case EVENTS -> "events";
      default -> null;
    };
  }
}
