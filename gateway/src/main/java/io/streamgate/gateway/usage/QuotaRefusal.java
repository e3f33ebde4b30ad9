package io.streamgate.gateway.usage;

/**
 * A spent quota: which plan, period ({@code day} or {@code month}) and counter
 * ({@code requests}, {@code rows}, {@code events}), its limit, what was used as far as this
 * gateway knows, and the seconds until the period ends (UTC), when it is renewed.
 */
public record QuotaRefusal(String plan, String period, String counter, long limit, long used,
    long retryAfterSeconds) {

  public String message() {
    String adjective = period.equals("day") ? "daily" : period + "ly"; // "dayly" is no word
    return "the " + adjective + " quota of plan '" + plan + "' is spent: " + used + " of " + limit
        + " " + counter + "; it renews at the end of the UTC " + period + ", in "
        + retryAfterSeconds + " s";
  }
}
