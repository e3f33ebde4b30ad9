package io.streamgate.gateway.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.CatalogEntry;
import io.streamgate.contract.Keyspace;
import io.streamgate.contract.Scripts;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.streamgate.contract.Row;
import io.streamgate.contract.Tombstone;
import io.streamgate.contract.ViewKind;
import io.streamgate.gateway.GatewayFixture;
import io.streamgate.gateway.Poll;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real headless browser (Debian's {@code chromium}): it loads from the
 * gateway with a token in the URL fragment, reads the demo views and shows changes that arrive
 * over its WebSocket while rows are being written. Skipped when chromium is not installed
 * ({@code apt-get install -y chromium}).
 */
public class DashboardBrowserIT {
  public static final List<String> CHROMIUM =
      List.of("/usr/bin/chromium", "/usr/bin/chromium-browser");

  @TempDir static Path tempDir;
  static GatewayFixture fx;
  static String browser;

  @BeforeAll
  static void start() {
    browser = CHROMIUM.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst()
        .orElse(null);
    Assumptions.assumeTrue(browser != null, "chromium is not installed (apt-get install -y"
        + " chromium); skipping the dashboard's browser test");
    fx = GatewayFixture.start(tempDir, seed -> {
      seed.register("user_totals", "orders", "total");
      seed.register("order_status", "status");
      seed.register(new CatalogEntry("product_revenue", "Revenue per product, ranked", "key",
          ViewKind.AGGREGATE, List.of(new CatalogEntry.Column("revenue", "double")), "revenue",
          0, System.currentTimeMillis()));
      Row u1 = new Row("user_totals", "u1", 1, System.currentTimeMillis(),
          "{\"orders\":1,\"total\":10.5}");
      seed.write(u1);
      // Indexed as the processor does, so the page's first REST read (paging) finds it.
      List<String> keys = Scripts.indexRowKeys(new Keyspace(GatewayFixture.NAMESPACE),
          "user_totals");
      Request index = Request.cmd(Command.EVAL).arg(Scripts.INDEX_ROW.source())
          .arg(keys.size());
      keys.forEach(index::arg);
      Scripts.indexRowArgs(u1, null).forEach(index::arg);
      seed.send(index);
    });
  }

  @AfterAll
  static void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void thePageIsServedWithoutATokenAndLoadsNothingFromElsewhere() {
    HttpResponse<String> page = fx.get("/", null);
    assertEquals(200, page.statusCode());
    assertTrue(page.headers().firstValue("content-type").orElse("").startsWith("text/html"));
    assertTrue(page.headers().firstValue("content-security-policy").orElse("")
        .contains("default-src 'none'"));
    assertTrue(!page.body().contains("http://") && !page.body().contains("https://"),
        "no absolute URLs");
    HttpResponse<String> script = fx.get("/dashboard.js", null);
    assertEquals(200, script.statusCode());
    assertTrue(!script.body().contains("http://") && !script.body().contains("https://"));
  }

  @Test
  void theDashboardShowsRowsChangingLive() throws Exception {
    String token = fx.token("views:read");
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicLong version = new AtomicLong();
    Thread writer = new Thread(() -> {
      while (writing.get()) {
        long v = version.incrementAndGet();
        fx.seeder().write(new Row("order_status", "live-order", v, System.currentTimeMillis(),
            "{\"status\":\"step-" + v + "\"}"));
        fx.seeder().write(new Row("product_revenue", "p1", v, System.currentTimeMillis(),
            "{\"revenue\":" + v * 10 + "}"));
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "row-writer");
    writer.start();
    String dom;
    try (Browser page = Browser.open(browser, tempDir,
        "http://127.0.0.1:" + fx.gateway.port() + "/#token=" + token)) {
      // Until the page shows rows that arrived over its WebSocket (or the deadline).
      dom = Poll.until(Duration.ofSeconds(20), page::dom,
          d -> d != null && d.contains("data-key=\"live-order\"") && updates(d) >= 5
              && d.contains("data-key=\"u1\""), "live rows on the page");
      // A delete removes the row from the page (its whole-view subscription gets "delete").
      fx.seeder().delete(new Tombstone("user_totals", "u1", 2, System.currentTimeMillis()));
      Poll.until(Duration.ofSeconds(10), page::dom,
          d -> d != null && !d.contains("data-key=\"u1\""), "u1 removed from the page");
    } finally {
      writing.set(false);
      writer.join(5_000);
    }
    assertTrue(dom.contains("id=\"view-user_totals\""), dom);
    assertTrue(dom.contains("id=\"view-order_status\""), dom);
    assertTrue(dom.contains("id=\"view-product_revenue\""), dom);
    assertTrue(dom.contains("data-key=\"u1\""), "a row read over REST (then deleted): " + dom);
    assertTrue(updates(dom) >= 5, "live updates: " + updates(dom));
    Matcher live = Pattern.compile("data-key=\"live-order\" data-version=\"(\\d+)\"")
        .matcher(dom);
    assertTrue(live.find(), "a row written while the page was open: " + dom);
    assertTrue(Long.parseLong(live.group(1)) > 1);
    assertTrue(dom.contains("id=\"state\" class=\"live\""), dom);
  }

  static int updates(String dom) {
    Matcher updates = Pattern.compile("id=\"updates\">(\\d+)<").matcher(dom);
    return updates.find() ? Integer.parseInt(updates.group(1)) : -1;
  }

  /**
   * Headless chromium with the page open, read through the DevTools protocol (a JDK WebSocket
   * to its debugging port): {@link #dom()} is the live DOM, not a one-off dump. (Also drives
   * the admin feature's views page, ViewsPageBrowserIT.)
   */
  public static final class Browser implements AutoCloseable {
    private final Process process;
    private final WsCdp cdp;

    private Browser(Process process, WsCdp cdp) {
      this.process = process;
      this.cdp = cdp;
    }

    public static Browser open(String browser, Path dir, String url) throws Exception {
      Path profile = dir.resolve("chromium-profile");
      Process process = new ProcessBuilder(browser, "--headless", "--no-sandbox",
          "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
          "--remote-debugging-port=0", "--remote-allow-origins=*",
          "--user-data-dir=" + profile, url)
          .redirectOutput(dir.resolve("chromium.out").toFile())
          .redirectError(dir.resolve("chromium.log").toFile()).start();
      try {
        Path portFile = profile.resolve("DevToolsActivePort");
        String port = Poll.until(Duration.ofSeconds(20), () -> {
          try {
            return Files.exists(portFile) ? Files.readAllLines(portFile).get(0).trim() : "";
          } catch (IOException | IndexOutOfBoundsException e) {
            return "";
          }
        }, p -> !p.isEmpty(), "chromium's DevTools port");
        HttpClient http = HttpClient.newHttpClient();
        String target = Poll.until(Duration.ofSeconds(10), () -> {
          try {
            JsonArray targets = new JsonArray(http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
            for (int i = 0; i < targets.size(); i++) {
              JsonObject t = targets.getJsonObject(i);
              if ("page".equals(t.getString("type"))) {
                return t.getString("webSocketDebuggerUrl");
              }
            }
            return null;
          } catch (IOException e) {
            return null;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
          }
        }, t -> t != null, "the page target");
        return new Browser(process, WsCdp.connect(target));
      } catch (RuntimeException e) {
        process.destroyForcibly();
        throw e;
      }
    }

    public String dom() {
      return cdp.evaluate("document.documentElement.outerHTML");
    }

    /** Runs a script in the page; its value as a string (null if it has none). */
    public String evaluate(String expression) {
      return cdp.evaluate(expression);
    }

    @Override
    public void close() throws InterruptedException {
      cdp.close();
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  /** Just enough of the DevTools protocol: Runtime.evaluate, one call at a time. */
  private static final class WsCdp implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();
    private final LinkedBlockingQueue<JsonObject> replies = new LinkedBlockingQueue<>();
    private WebSocket socket;
    private int nextId;

    static WsCdp connect(String url) {
      WsCdp cdp = new WsCdp();
      cdp.socket = HttpClient.newHttpClient().newWebSocketBuilder()
          .buildAsync(URI.create(url), cdp).join();
      return cdp;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        replies.add(new JsonObject(partial.toString()));
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    synchronized String evaluate(String expression) {
      int id = ++nextId;
      socket.sendText(new JsonObject().put("id", id).put("method", "Runtime.evaluate")
          .put("params", new JsonObject().put("expression", expression)
              .put("returnByValue", true)).encode(), true).join();
      try {
        while (true) {
          JsonObject reply = replies.poll(10, TimeUnit.SECONDS);
          if (reply == null) {
            throw new AssertionError("no DevTools reply within 10 s");
          }
          if (reply.getInteger("id", -1) == id) {
            return reply.getJsonObject("result").getJsonObject("result").getString("value");
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    void close() {
      socket.abort();
    }
  }
}
