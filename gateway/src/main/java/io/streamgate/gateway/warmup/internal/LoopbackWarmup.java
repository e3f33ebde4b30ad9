package io.streamgate.gateway.warmup.internal;

import io.streamgate.gateway.auth.Principal;
import io.streamgate.gateway.auth.TokenVerifier;
import io.streamgate.gateway.cache.NearCache;
import io.streamgate.gateway.catalog.Catalog;
import io.streamgate.gateway.config.HttpConfig;
import io.streamgate.gateway.config.WarmupConfig;
import io.streamgate.gateway.http.WarmupMark;
import io.streamgate.gateway.warmup.Warmup;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Warmup} as a verticle: {@code connections} loopback connections ({@link
 * RawGetConnection}), each sending the next read as soon as the last one is answered, and a
 * timer that hands each second's counts to the {@link StopRule}. Everything but {@link
 * #finished()} and {@link #details()} runs on its own context.
 */
public final class LoopbackWarmup extends VerticleBase implements Warmup {
  private static final Logger LOG = LoggerFactory.getLogger(LoopbackWarmup.class);
  /** The subject of its token (it shows nowhere: its requests are neither logged nor metered). */
  static final String SUBJECT = "streamgate-warmup";
  /** A view name no pipeline has (the view list is empty): the chain still runs to the 404. */
  static final String NO_VIEW = "streamgate-warmup";
  /** Missing keys read in turn: distinct enough that no layer answers from a single entry. */
  static final int KEYS = 1024;
  /** Rows per listing page: the listing's maximum. */
  static final int PAGE_ROWS = 500;
  /** One read in this many is of a missing key (near-cache miss, Redis, 404); the rest hit. */
  static final int MISSING_EVERY = 8;
  static final long WINDOW_MS = 1_000;
  private static final long REQUEST_TIMEOUT_MS = 2_000;
  /**
   * Reads per loopback connection before it is replaced: clients open connections too, and
   * accepting one is code that otherwise compiled under the clients' first load.
   */
  public static final int READS_PER_CONNECTION = 100;
  /** After a failed connection, so a refused port is not retried in a tight loop. */
  private static final long RETRY_PAUSE_MS = 10;

  private final WarmupConfig config;
  private final boolean tls;
  private final String host;
  private final IntSupplier port;
  private final TokenVerifier verifier;
  private final Catalog catalog;
  private final NearCache rows;
  private final Supplier<Future<Void>> ping;
  private volatile Map<String, Object> details = Map.of("state", "pending");
  private volatile boolean finished;

  private final Reads driver = new Reads();

  // Confined to the verticle's context.
  /** For the listings (a few pages). */
  private HttpClientAgent client;
  /** For the point reads. */
  private NetClient reads;
  private StopRule rule;
  private boolean running;
  private String token;
  /** Where it reads keys that do not exist: the first view, or a view no pipeline has. */
  private String missingPrefix;
  /** Header lines of every point read: they name this process's port, token and mark. */
  private String readHeaders;
  /** Read paths of rows that exist. */
  private List<String> present = List.of();
  private int boundPort;
  private long sequence;
  private long startNanos;
  private long windowStartNanos;
  private long windowAnswers;
  private long windowErrors;
  /** The JIT's compilation time so far, at the window's start; -1 if the JVM does not tell. */
  private long windowJitMs;
  private long total;
  private long timer = -1;
  /** Whether Redis answered the last PING: reads of a view the catalog lacks never ask it. */
  private boolean redisAnswered;

  public LoopbackWarmup(HttpConfig http, IntSupplier port, TokenVerifier verifier,
      Catalog catalog, NearCache rows, Supplier<Future<Void>> ping) {
    this.rows = rows;
    this.ping = ping;
    this.config = http.warmup();
    this.tls = http.tls() != null;
    this.host = loopback(http.host());
    this.port = port;
    this.verifier = verifier;
    this.catalog = catalog;
  }

  /** The address to reach a listener bound to {@code host}: loopback for a wildcard. */
  static String loopback(String host) {
    return switch (host) {
      case "0.0.0.0" -> "127.0.0.1";
      case "::", "0:0:0:0:0:0:0:0", "[::]" -> "::1";
      default -> host;
    };
  }

  @Override
  public boolean finished() {
    return finished;
  }

  @Override
  public Map<String, Object> details() {
    return details;
  }

  @Override
  public Future<?> start() {
    boundPort = port.getAsInt();
    // Longer than the warm-up may last; a token of its own kind, verified like any other.
    token = verifier.selfToken(SUBJECT, Principal.READ_ALL_VIEWS,
        TimeUnit.MILLISECONDS.toSeconds(WarmupConfig.MAX_MAX_MS) + 60);
    List<String> views = catalog.views().stream().map(v -> v.name()).toList();
    missingPrefix = "/v1/views/" + (views.isEmpty() ? NO_VIEW : views.get(0)) + "/";
    client = vertx.createHttpClient(new HttpClientOptions().setSsl(tls).setTrustAll(tls)
            .setVerifyHost(false).setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(config.connections()));
    reads = vertx.createNetClient(new NetClientOptions().setSsl(tls).setTrustAll(tls)
        .setHostnameVerificationAlgorithm(""));
    readHeaders = "Host: " + (host.contains(":") ? "[" + host + "]" : host) + ":" + boundPort
        + "\r\n" + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
        + WarmupMark.HEADER + ": " + WarmupMark.secret() + "\r\n";
    rule = new StopRule(config.minMs(), config.maxMs());
    running = true;
    startNanos = System.nanoTime();
    windowStartNanos = startNanos;
    windowJitMs = jitMillis();
    details = progress("running", 0);
    askRedis();
    // While it runs, cached rows come due within a fraction of a second, so reads of rows that
    // came due, and their Redis reads, are compiled with the rest (NearCache#revalidateQuickly);
    // its end spreads them over the usual interval.
    rows.revalidateQuickly(true);
    // Which rows exist: each view's listing, page by page through the chain like the reads
    // after it, an equal share of http.warmup.rows each; the near cache keeps the rows each page
    // read, so clients' first reads of them hit.
    int perView = views.isEmpty() ? 0 : (config.rows() + views.size() - 1) / views.size();
    listAll(views, perView).onComplete(ar -> {
      if (!running) {
        return; // stopped meanwhile
      }
      present = List.copyOf(ar.result());
      LOG.info("warming up before readiness: {} connections of point reads ({} rows listed in {}"
          + " views, 1 read in {} of a missing key){} for {}-{} ms; /health/ready answers 503"
          + " until it ends", config.connections(), present.size(), views.size(), MISSING_EVERY,
          token == null ? " without a token (no HS256 key to sign one: the chain is warmed up"
              + " to the 401)" : "", config.minMs(), config.maxMs());
      timer = vertx.setPeriodic(WINDOW_MS, t -> endWindow());
      for (int i = 0; i < config.connections(); i++) {
        connect();
      }
    });
    return Future.succeededFuture();
  }

  /** The read paths of up to {@code perView} rows of each view, one view after another. */
  private Future<List<String>> listAll(List<String> views, int perView) {
    Future<List<String>> all = Future.succeededFuture(new ArrayList<>());
    for (String view : views) {
      all = all.compose(found -> list(view, null, found, found.size() + perView));
    }
    return all;
  }

  /**
   * Adds the read paths of the view's rows to {@code found}, a page at a time from
   * {@code cursor}, until {@code found} holds {@code upTo} or the last page; never fails.
   */
  private Future<List<String>> list(String view, String cursor, List<String> found, int upTo) {
    int limit = Math.min(PAGE_ROWS, upTo - found.size());
    if (limit <= 0 || !running) {
      return Future.succeededFuture(found);
    }
    return get("/v1/views/" + view + "?limit=" + limit
        + (cursor == null ? "" : "&cursor=" + encode(cursor)))
        .compose(response -> {
          String next = page(response, "/v1/views/" + view + "/", found);
          return next == null ? Future.succeededFuture(found) : list(view, next, found, upTo);
        }, failure -> Future.succeededFuture(found));
  }

  /**
   * Adds a listing's rows to {@code found} as read paths ({@code prefix} + key); its next cursor,
   * or null (last page, not 200).
   */
  private static String page(HttpResponse response, String prefix, List<String> found) {
    if (response.status() != 200) {
      return null;
    }
    try {
      JsonObject page = new JsonObject(response.body());
      JsonArray rows = page.getJsonArray("rows", new JsonArray());
      for (int i = 0; i < rows.size(); i++) {
        found.add(prefix + encode(rows.getJsonObject(i).getString("key")));
      }
      return rows.isEmpty() ? null : page.getString("next");
    } catch (RuntimeException e) {
      return null; // not a listing after all: what was found so far
    }
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private record HttpResponse(int status, Buffer body) {}

  private Future<HttpResponse> get(String uri) {
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setHost(host)
        .setPort(boundPort).setURI(uri).setTimeout(REQUEST_TIMEOUT_MS)
        .putHeader(WarmupMark.HEADER, WarmupMark.secret());
    if (token != null) {
      request.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token);
    }
    return client.request(request)
        .compose(req -> req.send())
        .compose(response -> response.body()
            .map(body -> new HttpResponse(response.statusCode(), body)));
  }

  @Override
  public Future<?> stop() {
    if (running) {
      end(null);
    }
    return client == null ? Future.succeededFuture()
        : Future.all(client.close(), reads.close()).mapEmpty();
  }

  private void askRedis() {
    ping.get().onComplete(ar -> redisAnswered = ar.succeeded());
  }

  private void connect() {
    if (!running) {
      return;
    }
    RawGetConnection.open(reads, host, boundPort, readHeaders, READS_PER_CONNECTION, driver)
        .onFailure(driver::lost);
  }

  private void endWindow() {
    long now = System.nanoTime();
    long windowMs = TimeUnit.NANOSECONDS.toMillis(now - windowStartNanos);
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(now - startNanos);
    long jitMs = jitMillis();
    StopRule.Verdict verdict = rule.afterWindow(elapsedMs, windowMs, windowAnswers, windowErrors,
        redisAnswered, jitMs < 0 ? -1 : jitMs - windowJitMs);
    windowJitMs = jitMs;
    askRedis();
    long rate = windowAnswers * 1000 / Math.max(1, windowMs);
    windowAnswers = 0;
    windowErrors = 0;
    windowStartNanos = now;
    if (verdict == StopRule.Verdict.GO_ON) {
      details = progress("running", rate);
    } else {
      end(verdict, rate);
    }
  }

  /** How long the JIT has compiled since the JVM started (summed over its threads), or -1. */
  private static long jitMillis() {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported()
        ? jit.getTotalCompilationTime() : -1;
  }

  /** @param verdict null when stopped by an undeploy */
  private void end(StopRule.Verdict verdict) {
    end(verdict, 0);
  }

  private void end(StopRule.Verdict verdict, long lastRate) {
    running = false;
    vertx.cancelTimer(timer);
    rows.revalidateQuickly(false);
    details = progress("finished", lastRate);
    Map<String, Object> ended = new LinkedHashMap<>(details);
    ended.put("reason", verdict == null ? "the gateway stopped" : verdict.reason());
    details = Collections.unmodifiableMap(ended);
    finished = true;
    if (verdict != null) {
      client.close();
      reads.close();
      LOG.info("warm-up done in {} ms: {} requests, {} req/s in its last second ({}); ready as"
          + " soon as Redis answers", ended.get("ms"), total, lastRate, verdict.reason());
    }
  }

  private Map<String, Object> progress(String state, long lastRate) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("state", state);
    out.put("ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    out.put("requests", total);
    out.put("lastSecondRate", lastRate);
    return Collections.unmodifiableMap(out);
  }

  /** What every connection reads, and the counts of what it was answered. */
  private final class Reads implements RawGetConnection.Driver {
    /** One read in {@value #MISSING_EVERY} of a missing key, the others of a row. */
    @Override
    public String next() {
      if (!running) {
        return null;
      }
      long n = sequence++;
      return present.isEmpty() || n % MISSING_EVERY == 0
          ? missingPrefix + SUBJECT + "-" + (n % KEYS) : present.get((int) (n % present.size()));
    }

    @Override
    public void answered(int status) {
      count(status >= 500);
    }

    /** Counted as a failed read; the connection is replaced after a pause. */
    @Override
    public void lost(Throwable cause) {
      if (running) {
        count(true);
        vertx.setTimer(RETRY_PAUSE_MS, t -> connect());
      }
    }

    @Override
    public void retired() {
      connect();
    }

    private void count(boolean failed) {
      if (running) {
        windowAnswers++;
        total++;
        windowErrors += failed ? 1 : 0;
      }
    }
  }
}
