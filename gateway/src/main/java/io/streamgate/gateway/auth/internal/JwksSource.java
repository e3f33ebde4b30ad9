package io.streamgate.gateway.auth.internal;

import io.streamgate.gateway.config.JwksConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the keys of one JWKS endpoint: fetched at start, again every {@code refreshSeconds} (or
 * after {@code minRefetchSeconds} when the last fetch failed), and early when a token names an
 * unknown {@code kid}, at most once per {@code minRefetchSeconds}. Concurrent requests share
 * one fetch. A failed or empty fetch keeps the last good keys. Non-blocking: Vert.x HTTP client,
 * state changes on the source's context.
 */
final class JwksSource {
  private static final Logger LOG = LoggerFactory.getLogger(JwksSource.class);

  private final Vertx vertx;
  private final JwksConfig config;
  private final HttpClient client;
  private final Context context;
  private final Consumer<List<JsonObject>> onKeys;
  private final AtomicLong fetches = new AtomicLong();
  private final Object lock = new Object();
  /** Guarded by {@link #lock}. */
  private Future<Void> inFlight;
  private long lastAttemptNanos;
  private boolean attempted;
  private List<String> lastKids = List.of();
  private long timerId = -1;
  private volatile boolean closed;

  JwksSource(Vertx vertx, JwksConfig config, Consumer<List<JsonObject>> onKeys) {
    this.vertx = vertx;
    this.config = config;
    this.onKeys = onKeys;
    this.context = vertx.getOrCreateContext();
    this.client = vertx.createHttpClient(new HttpClientOptions()
        .setConnectTimeout(config.timeoutMs())
        .setKeepAlive(false));
  }

  /** Starts the first fetch and the refresh timer; the returned future ends with the first fetch. */
  Future<Void> start() {
    return fetch();
  }

  /**
   * A token named a kid we do not know: fetch again unless a fetch is running (join it) or one
   * started less than {@code minRefetchSeconds} ago (then the answer is the keys we have).
   */
  Future<Void> refetchForUnknownKid() {
    synchronized (lock) {
      if (inFlight != null) {
        return inFlight;
      }
      long sinceLast = System.nanoTime() - lastAttemptNanos;
      if (attempted && sinceLast < TimeUnit.SECONDS.toNanos(config.minRefetchSeconds())) {
        return Future.succeededFuture();
      }
    }
    return fetch();
  }

  /** Fetches attempted since start. */
  long fetches() {
    return fetches.get();
  }

  void close() {
    closed = true;
    synchronized (lock) {
      if (timerId >= 0) {
        vertx.cancelTimer(timerId);
      }
    }
    client.close();
  }

  private Future<Void> fetch() {
    Promise<Void> done = Promise.promise();
    synchronized (lock) {
      if (inFlight != null) {
        return inFlight;
      }
      inFlight = done.future();
      attempted = true;
      lastAttemptNanos = System.nanoTime();
      if (timerId >= 0) {
        vertx.cancelTimer(timerId);
        timerId = -1;
      }
    }
    fetches.incrementAndGet();
    // The HTTP client is always used from this source's own event loop, whatever thread asks
    // (a request's loop, the timer, a test): called from other threads, fetches hung now and then
    // until their timeout.
    context.runOnContext(v -> download()
        .map(JwksDocument::parse)
        .onComplete(result -> {
          boolean ok = result.succeeded() && !result.result().usable().isEmpty();
          if (ok) {
            accept(result.result());
          } else {
            String why = result.failed() ? result.cause().getMessage()
                : "no usable keys " + result.result().skipped();
            LOG.warn("JWKS {} could not be loaded ({}); keeping the {} keys loaded before and"
                + " retrying in {} s. Tokens signed with new keys are refused until it loads.",
                config.url(), why, lastKids.size(), config.minRefetchSeconds());
          }
          synchronized (lock) {
            inFlight = null;
            if (!closed) {
              long delay = ok ? config.refreshSeconds() : config.minRefetchSeconds();
              timerId = vertx.setTimer(TimeUnit.SECONDS.toMillis(delay), id -> fetch());
            }
          }
          // Callers waiting on an unknown kid continue either way, with whatever keys we have.
          done.complete();
        }));
    return done.future();
  }

  private void accept(JwksDocument.Keys keys) {
    List<String> kids = keys.usable().stream().map(k -> k.getString("kid")).sorted().toList();
    if (!kids.equals(lastKids)) {
      LOG.info("JWKS {} for issuer {}: {} keys (kid {}){}", config.url(), config.issuer(),
          kids.size(), String.join(", ", kids),
          keys.skipped().isEmpty() ? "" : "; skipped " + keys.skipped());
      lastKids = kids;
    }
    onKeys.accept(keys.usable());
  }

  private Future<String> download() {
    RequestOptions request = new RequestOptions()
        .setMethod(HttpMethod.GET)
        .setAbsoluteURI(config.url().toString())
        .putHeader("Accept", "application/json, application/jwk-set+json");
    return client.request(request)
        .compose(req -> req.send())
        .compose(resp -> {
          if (resp.statusCode() != 200) {
            return Future.failedFuture("HTTP " + resp.statusCode());
          }
          String length = resp.getHeader("Content-Length");
          if (length != null && length.length() < 19
              && Long.parseLong(length.trim()) > JwksDocument.MAX_BYTES) {
            return Future.failedFuture("document larger than " + JwksDocument.MAX_BYTES + " bytes");
          }
          return resp.body().map(body -> {
            if (body.length() > JwksDocument.MAX_BYTES) {
              throw new IllegalArgumentException(
                  "document larger than " + JwksDocument.MAX_BYTES + " bytes");
            }
            return body.toString();
          });
        })
        .timeout(config.timeoutMs(), TimeUnit.MILLISECONDS);
  }
}
