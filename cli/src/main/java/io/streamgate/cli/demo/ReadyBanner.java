package io.streamgate.cli.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the demo prints once ready: one "ready" line, then copy-paste examples that use the demo
 * token and, with the generator, a real order and user. Pure, so its content is tested.
 */
public final class ReadyBanner {
  /** Ids of the example event shown for {@code produce}, reused in the curl examples without the generator. */
  static final String EXAMPLE_ORDER = "o-hello-1";
  static final String EXAMPLE_USER = "user-hello";

  private ReadyBanner() {}

  /** The gateway's live dashboard, with a token in the fragment ({@code #token=}). */
  public static String dashboardUrl(int httpPort, String token) {
    return "http://localhost:" + httpPort + "/#token=" + token;
  }

  /**
   * @param orderId a real order id, or null without the generator
   * @param userId a real user id, or null without the generator
   */
  public static List<String> lines(int httpPort, Duration startup, String token, List<String> views,
      String orderId, String userId, String stateDir) {
    return lines(httpPort, startup, token, views, orderId, userId, stateDir, null);
  }

  /** @param psql with {@code --with-postgres}: a psql command line for the demo database, else null */
  public static List<String> lines(int httpPort, Duration startup, String token, List<String> views,
      String orderId, String userId, String stateDir, String psql) {
    String url = "http://localhost:" + httpPort;
    boolean real = orderId != null && userId != null;
    String order = real ? orderId : EXAMPLE_ORDER;
    String user = real ? userId : EXAMPLE_USER;
    List<String> out = new ArrayList<>();
    out.add(String.format(Locale.ROOT, "Streamgate demo ready in %.1f s at %s (views: %s). Ctrl-C stops everything.",
        startup.toMillis() / 1000.0, url, String.join(", ", views)));
    // The token rides in the URL fragment, which the browser never sends to the server.
    out.add("  live dashboard (open in a browser): " + dashboardUrl(httpPort, token));
    out.add("");
    out.add("  # a read-only token (scope views:read, valid 24 h):");
    out.add("  export TOKEN=" + token);
    out.add("");
    out.add(real ? "  # rows of a real order and its user, as the generator writes them:"
        : "  # rows of the example order below, once you have produced it:");
    out.add("  curl -H \"Authorization: Bearer $TOKEN\" " + url + "/v1/views/order_status/" + order);
    out.add("  curl -H \"Authorization: Bearer $TOKEN\" " + url + "/v1/views/user_totals/" + user);
    out.add("  curl -H \"Authorization: Bearer $TOKEN\" \"" + url + "/v1/views/order_status?userId=" + user
        + "\"   # the user's orders (an indexed column)");
    out.add("  curl -H \"Authorization: Bearer $TOKEN\" " + url + "/v1/views");
    out.add("  # live updates over SSE (or WebSocket /v1/ws, see docs/push.md):");
    out.add("  curl -N -H \"Authorization: Bearer $TOKEN\" " + url + "/v1/views/order_status/" + order
        + "/events");
    out.add("");
    out.add("  # send your own events (one JSON object per line):");
    out.add("  echo '{\"orderId\":\"" + EXAMPLE_ORDER + "\",\"userId\":\"" + EXAMPLE_USER + "\",\"productId\":\"sku-0001\","
        + "\"amount\":19.99,\"status\":\"created\",\"ts\":\"2025-01-01T12:00:00Z\"}' | ./streamgate produce orders");
    out.add("  ./streamgate consume orders --max 5        # watch the stream");
    out.add("  ./streamgate token --sub alice --scope \"views:user_totals:read\"   # more tokens");
    out.add("  ./streamgate views list                    # published views; views apply -f FILE publishes more");
    if (psql != null) {
      out.add("");
      out.add("  # the customers table of the demo PostgreSQL, live: change rows by hand, watch the views follow");
      out.add("  " + psql);
      out.add("  #   INSERT INTO customers VALUES ('c-9', 'Ida Rhodes', 'gold', 'London');");
      out.add("  #   UPDATE customers SET city = 'Paris' WHERE \"customerId\" = 'c-9';");
      out.add("  #   DELETE FROM customers WHERE \"customerId\" = 'c-9';");
      out.add("  curl -H \"Authorization: Bearer $TOKEN\" " + url + "/v1/views/customers/c-9");
      out.add("  curl -H \"Authorization: Bearer $TOKEN\" \"" + url + "/v1/views/customers_by_city/top?n=5\"");
    }
    out.add("");
    out.add("  logs: " + stateDir + "/logs/");
    return out;
  }
}
