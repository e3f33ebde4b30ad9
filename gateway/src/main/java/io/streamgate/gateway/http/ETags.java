package io.streamgate.gateway.http;

/** {@code If-None-Match} evaluation (RFC 9110 §13.1.2: weak comparison). Stateless. */
final class ETags {
  private ETags() {}

  /**
   * @param ifNoneMatch the header value, may be null
   * @param etag        the current strong entity tag, quoted
   */
  static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String candidate : ifNoneMatch.split(",")) {
      String tag = candidate.trim();
      if (tag.equals("*")) {
        return true;
      }
      if (tag.startsWith("W/")) {
        tag = tag.substring(2);
      }
      if (tag.equals(etag)) {
        return true;
      }
    }
    return false;
  }
}
