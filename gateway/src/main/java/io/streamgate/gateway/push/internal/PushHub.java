package io.streamgate.gateway.push.internal;

import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.streamgate.contract.CatalogEntry;
import io.streamgate.contract.Change;
import io.streamgate.contract.Indexes;
import io.streamgate.gateway.auth.Access;
import io.streamgate.gateway.auth.AuthFailures;
import io.streamgate.gateway.auth.Principal;
import io.streamgate.gateway.auth.TokenVerifier;
import io.streamgate.gateway.cache.NearCache;
import io.streamgate.gateway.catalog.Catalog;
import io.streamgate.gateway.config.PushConfig;
import io.streamgate.gateway.freshness.ViewFreshness;
import io.streamgate.gateway.http.BearerAuthHandler;
import io.streamgate.gateway.http.ETags;
import io.streamgate.gateway.http.HttpProblem;
import io.streamgate.gateway.http.ProblemType;
import io.streamgate.gateway.http.RequestPath;
import io.streamgate.gateway.limit.RateLimiter;
import io.streamgate.gateway.limit.SocketsPerPrincipal;
import io.streamgate.gateway.metrics.GatewayMetrics;
import io.streamgate.gateway.push.Push;
import io.streamgate.gateway.store.ChangeFeed;
import io.streamgate.gateway.store.ViewStore;
import io.streamgate.gateway.usage.Usage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.ContextInternal;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The push hub: the {@link ChangeFeed} in, one {@link LoopFanout} per event loop out. The feed
 * calls it on the feed's own thread with the change it parsed; the hub posts it straight to each
 * loop that has sessions, which hands it to the subscriptions of that row (those following the
 * change's view version); posting keeps the order of the feed, so every loop sees each key's
 * versions in order. A view's switch to a new version (from the catalog) is posted to every
 * loop the same way, and each session switches its subscriptions of that view. Heartbeats run per loop
 * on one periodic timer, not one per connection, each connection in its own slice of the
 * interval.
 */
public final class PushHub extends VerticleBase implements Push, ChangeFeed.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(PushHub.class);

  private final PushConfig config;
  private final Catalog catalog;
  private final ViewFreshness freshness;
  private final NearCache rows;
  private final ViewStore store;
  private final ChangeFeed changes;
  private final TokenVerifier verifier;
  private final int leewaySeconds;
  private final PushMetrics metrics;
  private final RateLimiter limiter;
  private final AuthFailures authFailures;
  private final Usage usage;
  private final SocketsPerPrincipal sockets;
  private final Map<Context, LoopFanout> loops = new ConcurrentHashMap<>();
  private SessionServices services;
  private ChangeFeed.Registration registration;
  /** Only touched by the feed's calls, which come one at a time. */
  private boolean everSubscribed;
  private volatile boolean started;

  public PushHub(PushConfig config, Catalog catalog, NearCache rows, ViewStore store,
      ChangeFeed changes, TokenVerifier verifier, int leewaySeconds, GatewayMetrics metrics,
      RateLimiter limiter, ViewFreshness freshness, Usage usage, SocketsPerPrincipal sockets) {
    this.store = store;
    this.config = config;
    this.freshness = freshness == null ? ViewFreshness.unknown() : freshness;
    this.catalog = catalog;
    this.rows = rows;
    this.changes = changes;
    this.verifier = verifier;
    this.leewaySeconds = leewaySeconds;
    this.metrics = new PushMetrics(metrics.registry());
    this.limiter = limiter == null ? RateLimiter.unlimited() : limiter;
    this.authFailures = new AuthFailures(config.maxAuthFailuresPerAddress());
    this.sockets = sockets;
    this.usage = usage == null ? Usage.disabled() : usage;
  }

  @Override
  public Future<?> start() {
    services = new SessionServices(config, catalog, rows, store, verifier, leewaySeconds, metrics,
        vertx, authFailures, sockets, usage);
    // No context: the hub only posts to its loops, so the feed may call it on its own thread.
    registration = changes.listen(null, this);
    catalog.onSwitch(this::switched);
    verifier.onKeysRevoked(this::keysRevoked);
    started = true;
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    started = false;
    List<Future<Void>> closed = new ArrayList<>();
    for (LoopFanout loop : loops.values()) {
      Promise<Void> done = Promise.promise();
      loop.context.runOnContext(v -> {
        loop.sessions().forEach(s -> s.close(CLOSE_GOING_AWAY, "gateway shutting down"));
        done.complete();
      });
      closed.add(done.future());
    }
    return Future.all(closed).eventually(() -> registration == null
        ? Future.succeededFuture() : registration.close());
  }

  /** Between the servers listening and this verticle starting (milliseconds at startup). */
  private void requireStarted() {
    if (!started) {
      throw new HttpProblem(ProblemType.STORE_UNAVAILABLE, "push is not running (the gateway"
          + " is starting or stopping); retry shortly",
          Map.of(HttpHeaders.RETRY_AFTER.toString(), "1"));
    }
  }

  // ---- the feed (on the feed's thread)

  @Override
  public void onChange(Change change, long viewVersion) {
    for (LoopFanout loop : loops.values()) {
      if (loop.hasSessions()) {
        loop.context.runOnContext(v -> loop.deliver(change, viewVersion));
      }
    }
  }

  /** On the catalog's context, once {@code find} answers with the new entry. */
  private void switched(CatalogEntry entry, long previousVersion) {
    LOG.info("push: view {} is served by version {} (was {}); switching its subscriptions",
        entry.name(), entry.version(), previousVersion);
    eachSession(s -> s.switched(entry.name(), entry.version()));
  }

  @Override
  public void onSubscribed() {
    if (!everSubscribed) {
      everSubscribed = true;
      return;
    }
    LOG.info("push: change subscription restored; re-reading subscribed rows");
    eachSession(Session::feedRestored);
  }

  @Override
  public void onLost() {
    LOG.warn("push: change subscription lost; subscribers are told (status live:false) and"
        + " get the rows they missed once it is back");
    eachSession(Session::feedLost);
  }

  /** Keys left their JWKS: close the connections whose token one of them verified. */
  private void keysRevoked(Set<String> keyIds) {
    eachSession(session -> session.keysRevoked(keyIds));
  }

  private void eachSession(java.util.function.Consumer<Session> action) {
    for (LoopFanout loop : loops.values()) {
      loop.context.runOnContext(v -> loop.sessions().forEach(action));
    }
  }

  // ---- the endpoints (on the request's event loop)

  @Override
  public Handler<RoutingContext> authGuard() {
    Handler<RoutingContext> accessTokenParam = Push.accessTokenParam();
    return ctx -> {
      String address = address(ctx.request());
      long blocked = authFailures.blockedSeconds(address, System.currentTimeMillis());
      if (blocked > 0) {
        throw new HttpProblem(ProblemType.TOO_MANY_REQUESTS, "too many failed token checks"
            + " from this address (more than " + config.maxAuthFailuresPerAddress() + " in "
            + AuthFailures.WINDOW_MS / 1000 + " s); the token was not checked; retry in "
            + blocked + " s", Map.of(HttpHeaders.RETRY_AFTER.toString(), Long.toString(blocked)));
      }
      ctx.addHeadersEndHandler(v -> {
        if (ctx.response().getStatusCode() == 401) {
          authFailures.failed(address, System.currentTimeMillis());
        }
      });
      accessTokenParam.handle(ctx);
    };
  }

  /** Opens one more connection of the principal, or refuses it with 429. */
  private void countSocket(Principal principal) {
    if (!sockets.tryOpen(principal.subject())) {
      throw new HttpProblem(ProblemType.TOO_MANY_REQUESTS, "at most "
          + sockets.max() + " push connections (WebSocket and SSE) per token subject on one"
          + " gateway; close one first", Map.of(HttpHeaders.RETRY_AFTER.toString(), "10"));
    }
  }

  /** Key reads per minute a WebSocket of {@code principal} may ask for; 0: unlimited. */
  private long budgetPerMinute(Principal principal) {
    if (config.messageBudget() > 0) {
      return config.messageBudget();
    }
    return limiter.perMinute(principal.plan());
  }

  private static String address(HttpServerRequest request) {
    return BearerAuthHandler.clientAddress(request);
  }

  @Override
  public void webSocket(RoutingContext ctx) {
    requireStarted();
    Principal principal = BearerAuthHandler.principal(ctx);
    HttpServerRequest request = ctx.request();
    if (!request.canUpgradeToWebSocket()) {
      throw new HttpProblem(ProblemType.BAD_REQUEST, "GET /v1/ws is a WebSocket endpoint;"
          + " connect with a WebSocket client (Upgrade: websocket)");
    }
    LoopFanout loop = loopFor(Vertx.currentContext());
    String address = address(request);
    countSocket(principal);
    request.toWebSocket().onComplete(ar -> {
      if (ar.failed()) {
        sockets.closed(principal.subject());
        LOG.debug("websocket handshake failed: {}", ar.cause().toString());
        return;
      }
      ServerWebSocket ws = ar.result();
      ws.setWriteQueueMaxSize(config.writeQueueBytes());
      Session session = new Session(services, loop, new WsTransport(ws, freshness), principal, false,
          address, budgetPerMinute(principal));
      MessageAssembler messages = new MessageAssembler(session, config.maxFrameBytes());
      ws.frameHandler(messages::onFrame);
      ws.pongHandler(b -> session.heard());
      ws.closeHandler(v -> session.ended());
      ws.exceptionHandler(e -> {
        LOG.debug("websocket error: {}", e.toString());
        if (e instanceof CorruptedWebSocketFrameException corrupt) {
          // Netty refused a frame (over the server's maximum frame size, or malformed): say
          // why with its close code (1009 for size) instead of dropping the connection (1006).
          session.close((short) corrupt.closeStatus().code(), corrupt.closeStatus().reasonText());
        }
      });
      session.start();
    });
  }

  @Override
  public void events(RoutingContext ctx) {
    requireStarted();
    Principal principal = BearerAuthHandler.principal(ctx);
    String view = RequestPath.of(ctx).view();
    String key = RequestPath.of(ctx).key();
    Access.Refusal refusal = Access.read(principal, catalog, view, List.of(key));
    if (refusal != null) {
      throw HttpProblem.refused(refusal);
    }
    Map<String, Long> versions = new java.util.HashMap<>();
    Long viewVersion = null;
    String lastEventId = ctx.request().getHeader("Last-Event-ID");
    if (lastEventId != null && !lastEventId.isBlank()) {
      // "<row version>" (view version 1) or "<view version>.<row version>": SseTransport.eventId
      String id = lastEventId.trim();
      int dot = id.indexOf('.');
      long rowVersion;
      try {
        viewVersion = dot < 0 ? 1 : Long.parseLong(id.substring(0, dot));
        rowVersion = Long.parseLong(id.substring(dot + 1));
      } catch (NumberFormatException e) {
        viewVersion = null;
        rowVersion = -1;
      }
      if (viewVersion == null || viewVersion < 1 || rowVersion < 0) {
        throw new HttpProblem(ProblemType.BAD_REQUEST, "Last-Event-ID must be an event id of"
            + " this stream (a row version, or <view version>.<row version>; non-negative"
            + " integers), but was '" + Protocol.abbreviate(lastEventId) + "'");
      }
      versions.put(key, rowVersion);
    }
    countSocket(principal);
    Session session = openStream(ctx, principal, view);
    session.subscribe(new Protocol.Subscribe("events", view, List.of(key), versions,
        viewVersion));
  }

  @Override
  public void filteredEvents(RoutingContext ctx) {
    requireStarted();
    Principal principal = BearerAuthHandler.principal(ctx);
    String view = RequestPath.of(ctx).view();
    Access.Refusal refusal = Access.read(principal, catalog, view, null);
    if (refusal != null) {
      throw HttpProblem.refused(refusal);
    }
    Map<String, String> where = new java.util.LinkedHashMap<>();
    for (String name : ctx.queryParams().names()) {
      if (!name.equals(ACCESS_TOKEN_PARAM)) {
        List<String> values = ctx.queryParam(name);
        if (values.size() > 1) {
          throw new HttpProblem(ProblemType.BAD_REQUEST, "filter column '" + name + "' is"
              + " given " + values.size() + " times; give each column once");
        }
        where.put(name, values.get(0));
      }
    }
    CatalogEntry found = catalog.find(view).orElseThrow(
        () -> HttpProblem.refused(Access.unknownView(view)));
    try {
      Indexes.where(found, where); // 400 before the stream starts; the session checks again
    } catch (IllegalArgumentException e) {
      throw new HttpProblem(ProblemType.BAD_REQUEST, e.getMessage(), Map.of(),
          Map.of("indexes", found.indexes()));
    }
    countSocket(principal);
    // No resume by Last-Event-ID: a reconnect gets the matching rows again (docs/push.md).
    openStream(ctx, principal, view).subscribe(
        new Protocol.Subscribe("events", view, null, Map.of(), null, where));
  }

  /** Starts the event-stream response and its session (one subscription, ending with it). */
  private Session openStream(RoutingContext ctx, Principal principal, String view) {
    CatalogEntry entry = catalog.find(view).orElse(null);
    HttpServerResponse response = ctx.response();
    if (entry != null) {
      response.putHeader(ETags.VIEW_VERSION_HEADER, Long.toString(entry.version()));
    }
    response.setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .putHeader("X-Accel-Buffering", "no");
    response.setWriteQueueMaxSize(config.writeQueueBytes());
    response.write("retry: 2000\n\n");
    Session session = new Session(services, loopFor(Vertx.currentContext()),
        new SseTransport(response, freshness), principal, true, address(ctx.request()), 0);
    response.closeHandler(v -> session.ended());
    session.start();
    return session;
  }

  private LoopFanout loopFor(Context current) {
    // Each request runs on a duplicate of its event loop's context: key by the loop's own
    // context, or every connection would get a fanout of its own (and every change a task
    // per connection instead of per loop).
    Context context = ((ContextInternal) current).unwrap();
    return loops.computeIfAbsent(context, c -> {
      LoopFanout loop = new LoopFanout(c, config.maxQueuedReads());
      // Set from that loop's own context, so the periodic belongs to it. Each session is pinged
      // in its own slice of the interval: pinging 10,000 sockets at once stalled the loop and
      // took the p99 of updates from 10 ms to 130 ms.
      int slices = heartbeatSlices(config.heartbeatMs());
      long[] tick = {0};
      c.runOnContext(v -> c.owner().setPeriodic(config.heartbeatMs() / slices, t -> {
        long now = System.currentTimeMillis();
        int slice = (int) (tick[0]++ % slices);
        for (Session s : loop.sessions()) {
          if (Math.floorMod(System.identityHashCode(s), slices) == slice) {
            s.tick(now);
          }
        }
      }));
      return loop;
    });
  }

  /** How many slices a heartbeat interval is cut into: 20, or fewer for intervals under 2 s. */
  static int heartbeatSlices(int heartbeatMs) {
    return (int) Math.max(1, Math.min(20, heartbeatMs / 100));
  }

  /** Event loops with a fanout (at most {@code http.instances}); tests. */
  public int loopCount() {
    return loops.size();
  }

  /** The push meters (tests). */
  public PushMetrics pushMetrics() {
    return metrics;
  }
}
