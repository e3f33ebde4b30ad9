package io.streamgate.gateway.http;

/**
 * The kinds of error the API returns, each with a stable {@code type} URI that clients may
 * switch on (RFC 9457). Adding a kind is fine; renaming one breaks clients.
 */
public enum ProblemType {
  BAD_REQUEST("bad-request", "Bad request", 400),
  UNAUTHORIZED("unauthorized", "Unauthorized", 401),
  FORBIDDEN("forbidden", "Forbidden", 403),
  NOT_FOUND("not-found", "Not found", 404),
  METHOD_NOT_ALLOWED("method-not-allowed", "Method not allowed", 405),
  TOO_MANY_REQUESTS("rate-limited", "Too many requests", 429),
  INTERNAL("internal-error", "Internal server error", 500),
  STORE_UNAVAILABLE("store-unavailable", "View store unavailable", 503),
  NOT_READY("not-ready", "Not ready", 503),
  // Event ingest (POST /v1/events/{stream}); after the read path's kinds so forStatus keeps them.
  INVALID_EVENTS("invalid-events", "Invalid events", 400),
  PAYLOAD_TOO_LARGE("payload-too-large", "Payload too large", 413),
  UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", "Unsupported media type", 415),
  EVENTS_UNAVAILABLE("events-unavailable", "Event log unavailable", 503),
  // Requests refused before routing (issue 14); after the others so forStatus keeps them.
  URI_TOO_LONG("uri-too-long", "URI too long", 414),
  HEADERS_TOO_LARGE("headers-too-large", "Request header fields too large", 431),
  NOT_IMPLEMENTED("not-implemented", "Not implemented", 501),
  // Idempotent ingest (Idempotency-Key).
  REQUEST_IN_PROGRESS("request-in-progress", "Request in progress", 409),
  IDEMPOTENCY_KEY_REUSED("idempotency-key-reused", "Idempotency key reused", 422),
  // A point read of a deleted row whose tombstone is still kept: 404 with version and deletedAt.
  ROW_DELETED("row-deleted", "Row deleted", 404),
  // The admin API: the processor refused a pipeline (with its error lines), or did not answer.
  INVALID_PIPELINE("invalid-pipeline", "Invalid pipeline", 422),
  PROCESSOR_TIMEOUT("processor-timeout", "Processor did not answer", 504),
  // A read with max_staleness of a view that lags more (issue 17): with lagMs and Retry-After.
  STALE_VIEW("stale-view", "View too stale", 503),
  // A plan's daily or monthly quota is spent (usage); after TOO_MANY_REQUESTS so forStatus keeps it.
  QUOTA_EXCEEDED("quota-exceeded", "Quota exceeded", 429);

  public static final String TYPE_BASE = "https://streamgate.dev/problems/";

  private final String slug;
  private final String title;
  private final int status;

  ProblemType(String slug, String title, int status) {
    this.slug = slug;
    this.title = title;
    this.status = status;
  }

  public String uri() {
    return TYPE_BASE + slug;
  }

  public String title() {
    return title;
  }

  public int status() {
    return status;
  }

  /** The kind for a bare status code (routing failures); unknown codes count as internal. */
  static ProblemType forStatus(int status) {
    for (ProblemType type : values()) {
      if (type.status == status) {
        return type;
      }
    }
    return status >= 400 && status < 500 ? BAD_REQUEST : INTERNAL;
  }
}
