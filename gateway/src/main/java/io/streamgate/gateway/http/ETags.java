package io.streamgate.gateway.http;

/**
 * Caching headers: {@code If-None-Match} evaluation (RFC 9110 §13.1.2: weak comparison) and the
 * header that marks a stale answer. Stateless.
 */
public final class ETags {
  /** Marks an answer served from the near cache because the store could not be asked. */
  public static final String STALE_HEADER = "Streamgate-Stale";
  /** On every view response (REST, SSE): the view version that answered. */
  public static final String VIEW_VERSION_HEADER = "Streamgate-View-Version";

  private ETags() {}

  /**
   * @param ifNoneMatch the header value, may be null
   * @param etag        the current entity tag, quoted, strong or weak ({@code W/"…"})
   */
  public static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    String opaque = etag.startsWith("W/") ? etag.substring(2) : etag;
    for (String candidate : ifNoneMatch.split(",")) {
      String tag = candidate.trim();
      if (tag.equals("*")) {
        return true;
      }
      if (tag.startsWith("W/")) {
        tag = tag.substring(2);
      }
      if (tag.equals(opaque)) {
        return true;
      }
    }
    return false;
  }
}
