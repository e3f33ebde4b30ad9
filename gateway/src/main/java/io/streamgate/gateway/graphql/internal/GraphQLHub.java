package io.streamgate.gateway.graphql.internal;

import graphql.GraphQL;
import graphql.introspection.Introspection;
import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import io.streamgate.contract.CatalogEntry;
import io.streamgate.contract.Change;
import io.streamgate.contract.Indexes;
import io.streamgate.gateway.auth.Access;
import io.streamgate.gateway.auth.Principal;
import io.streamgate.gateway.auth.TokenVerifier;
import io.streamgate.gateway.cache.NearCache;
import io.streamgate.gateway.catalog.Catalog;
import io.streamgate.gateway.config.GraphQLConfig;
import io.streamgate.gateway.config.PushConfig;
import io.streamgate.gateway.graphql.GraphQLApi;
import io.streamgate.gateway.http.BearerAuthHandler;
import io.streamgate.gateway.http.HttpProblem;
import io.streamgate.gateway.http.RateLimitHandler;
import io.streamgate.gateway.limit.Decision;
import io.streamgate.gateway.http.ProblemType;
import io.streamgate.gateway.limit.RateLimiter;
import io.streamgate.gateway.limit.SocketsPerPrincipal;
import io.streamgate.gateway.store.ChangeFeed;
import io.streamgate.gateway.store.MatchingRows;
import io.streamgate.gateway.store.SnapshotReads;
import io.streamgate.gateway.store.ViewStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.graphql.GraphQLHandler;
import io.vertx.ext.web.handler.graphql.ws.GraphQLWSHandler;
import io.vertx.ext.web.handler.graphql.ws.GraphQLWSOptions;
import io.vertx.ext.web.handler.graphql.ws.MessageType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GraphQL over the catalog. The schema of the catalog's views is built the first time a request
 * finds the catalog's view list changed (as {@code /openapi.json} is rendered) and swapped in
 * atomically; it is rebuilt only if what it shows changed (names, columns, rank). Subscriptions
 * are indexed by view and key (keyed ones) or by view (filters and whole views, which pick
 * their rows themselves); the {@link ChangeFeed} calls {@link #onChange} on its own thread and
 * each change is posted to the event loop of every subscription of its row, which keeps the
 * feed's order per key.
 */
public final class GraphQLHub extends VerticleBase implements GraphQLApi, ChangeFeed.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(GraphQLHub.class);
  /** A socket that sent no {@code connection_init} within this is closed (4408). */
  static final long CONNECTION_INIT_TIMEOUT_MS = 3_000;

  /** What the schema shows of a view: a changed row count or version changes nothing. */
  private record Shape(String name, String description, String keyColumn,
      List<CatalogEntry.Column> columns, String rankColumn) {
    static List<Shape> of(List<CatalogEntry> views) {
      return views.stream().map(v -> new Shape(v.name(), v.description(), v.keyColumn(),
          v.columns(), v.rankColumn())).toList();
    }
  }

  /** One schema and what executes it, for the catalog's view list {@code views}. */
  private record Generation(List<CatalogEntry> views, List<Shape> shape, GraphQL graphQL,
      GraphQLHandler http) {}

  private final GraphQLConfig config;
  private final PushConfig push;
  private final Catalog catalog;
  private final NearCache rows;
  private final ChangeFeed changes;
  private final RateLimiter limiter;
  private final SocketsPerPrincipal sockets;
  private final TokenVerifier verifier;
  private final int leewaySeconds;
  private final ViewStore store;
  private final ViewReads reads;
  private final AtomicReference<Generation> generation = new AtomicReference<>();
  /** view → key → subscriptions of that row. */
  private final Map<String, Map<String, Set<LiveRows>>> followers = new ConcurrentHashMap<>();
  /** view → subscriptions of every change of the view (filters and whole views). */
  private final Map<String, Set<LiveRows>> viewFollowers = new ConcurrentHashMap<>();
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  /** Per event loop, its subscriptions' snapshot reads (push's bound, push's mechanism). */
  private final Map<Context, SnapshotReads> snapshotReads = new ConcurrentHashMap<>();
  private ChangeFeed.Registration registration;
  /** Only touched by the feed's calls, which come one at a time. */
  private boolean everSubscribed;
  private volatile boolean started;

  public GraphQLHub(GraphQLConfig config, PushConfig push, Catalog catalog, ViewStore store,
      NearCache rows, ChangeFeed changes, RateLimiter limiter, SocketsPerPrincipal sockets,
      TokenVerifier verifier, int leewaySeconds) {
    this.config = config;
    this.push = push;
    this.catalog = catalog;
    this.rows = rows;
    this.changes = changes;
    this.limiter = limiter == null ? RateLimiter.unlimited() : limiter;
    this.sockets = sockets;
    this.verifier = verifier;
    this.leewaySeconds = leewaySeconds;
    this.store = store;
    this.reads = new ViewReads(catalog, store, rows);
  }

  @Override
  public Future<?> start() {
    registration = changes.listen(null, this);
    catalog.onSwitch((entry, previous) -> eachFollower(entry.name(),
        live -> live.switched(entry.version())));
    verifier.onKeysRevoked(this::keysRevoked);
    started = true;
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    started = false;
    List<Future<Void>> closed = new ArrayList<>();
    for (Connection connection : connections) {
      Promise<Void> done = Promise.promise();
      connection.context.runOnContext(v -> {
        connection.close((short) 1001, "gateway shutting down");
        done.complete();
      });
      closed.add(done.future());
    }
    return Future.all(closed).eventually(() -> registration == null
        ? Future.succeededFuture() : registration.close());
  }

  // ---- requests (on the request's event loop)

  @Override
  public void handle(RoutingContext ctx) {
    if (!started) {
      throw new HttpProblem(ProblemType.STORE_UNAVAILABLE, "GraphQL is not running (the gateway"
          + " is starting or stopping); retry shortly",
          Map.of(HttpHeaders.RETRY_AFTER.toString(), "1"));
    }
    Generation current = current();
    if (ctx.request().method() == HttpMethod.GET && ctx.request().canUpgradeToWebSocket()) {
      webSocket(ctx, current);
    } else {
      current.http().handle(ctx);
    }
  }

  /** The schema of the catalog's views now, built if they changed since the last one. */
  private Generation current() {
    List<CatalogEntry> views = catalog.views();
    Generation last = generation.get();
    if (last != null && last.views() == views) {
      return last;
    }
    List<Shape> shape = Shape.of(views);
    Generation next;
    if (last != null && last.shape().equals(shape)) {
      next = new Generation(views, shape, last.graphQL(), last.http());
    } else {
      GraphQL graphQL = GraphQL.newGraphQL(ViewSchema.build(views, resolvers()))
          .instrumentation(OperationLimits.of(config))
          .preparsedDocumentProvider(new ParsedDocuments()).build();
      GraphQLHandler http = GraphQLHandler.builder(graphQL)
          .beforeExecute(in -> in.builder().graphQLContext(
              context(new Caller(BearerAuthHandler.principal(in.context()), limiter, 1), null)))
          .build();
      next = new Generation(views, shape, graphQL, http);
      LOG.info("graphql: schema built for {} views", views.size());
    }
    // A lost race leaves another request's equal generation in place: either serves.
    generation.compareAndSet(last, next);
    return next;
  }

  private Map<Object, Object> context(Caller caller, Connection connection) {
    Map<Object, Object> context = new HashMap<>();
    context.put(Caller.class, caller);
    if (connection != null) {
      context.put(Connection.class, connection);
    }
    if (!config.introspection()) {
      context.put(Introspection.INTROSPECTION_DISABLED, true);
    }
    return context;
  }

  /**
   * The {@code graphql-transport-ws} session: Vert.x runs the protocol; the socket counts
   * against its principal from {@code connection_init} (a socket that never sends it is closed
   * after {@value #CONNECTION_INIT_TIMEOUT_MS} ms) until it closes.
   */
  private void webSocket(RoutingContext ctx, Generation current) {
    Principal principal = BearerAuthHandler.principal(ctx);
    Connection[] connection = {null};
    GraphQLWSHandler.builder(current.graphQL())
        .with(new GraphQLWSOptions().setConnectionInitWaitTimeout(CONNECTION_INIT_TIMEOUT_MS))
        .onConnectionInit(init -> {
          ServerWebSocket socket = init.message().socket();
          if (!sockets.tryOpen(principal.subject())) {
            socket.close(CLOSE_RATE_LIMITED, "at most " + sockets.max()
                + " sockets per token subject");
            init.fail("too many sockets");
            return;
          }
          socket.setWriteQueueMaxSize(push.writeQueueBytes());
          Context context = Vertx.currentContext();
          Context loop = ((ContextInternal) context).unwrap();
          Connection opened = new Connection(principal, socket, context,
              snapshotReads.computeIfAbsent(loop,
                  c -> new SnapshotReads(c, push.maxQueuedReads())),
              push, leewaySeconds, () -> sockets.closed(principal.subject()));
          connection[0] = opened;
          connections.add(opened);
          init.complete(opened);
        })
        .onMessage(message -> {
          if (connection[0] == null) {
            return;
          }
          connection[0].heard();
          if (message.type() == MessageType.SUBSCRIBE) {
            // Every operation costs a request, as over HTTP; its rows cost the rest.
            Decision decision = limiter.isAllowed(RateLimitHandler.principalKey(principal),
                principal.plan());
            if (!decision.allowed()) {
              connection[0].close(CLOSE_RATE_LIMITED, "rate limit of plan '" + decision.plan()
                  + "' reached; retry in " + decision.retryAfterSeconds() + " s");
            }
          }
        })
        .beforeExecute(in -> in.builder().graphQLContext(context(
            new Caller(principal, limiter, 1), (Connection) in.context().connectionParams())))
        .onSocketEnd(socket -> {
          if (connection[0] != null) {
            connections.remove(connection[0]);
            connection[0].ended();
          }
        })
        .build()
        .handle(ctx);
  }

  // ---- the schema's fields

  private ViewSchema.Resolvers resolvers() {
    return new ViewSchema.Resolvers() {
      @Override
      public DataFetcher<?> views() {
        return reads.views();
      }

      @Override
      public DataFetcher<?> row(CatalogEntry view) {
        return reads.row(view);
      }

      @Override
      public DataFetcher<?> rows(CatalogEntry view) {
        return reads.rows(view);
      }

      @Override
      public DataFetcher<?> top(CatalogEntry view) {
        return reads.top(view);
      }

      @Override
      public DataFetcher<?> subscribe(CatalogEntry view) {
        return env -> subscription(env, view);
      }
    };
  }

  /**
   * A subscription field: checked like a read of its keys (or of the view, for a filter or the
   * whole view), then a {@link LiveRows}; a filter's values are checked as REST's are.
   */
  private Object subscription(DataFetchingEnvironment env, CatalogEntry view) {
    Connection connection = env.getGraphQlContext().get(Connection.class);
    if (connection == null) {
      return ViewReads.failed(env, ErrorCode.INVALID_QUERY, "subscriptions run over the"
          + " graphql-transport-ws WebSocket protocol at this path, not over HTTP");
    }
    List<String> keyList = env.getArgument("keys");
    List<String> keys = keyList == null ? null : List.copyOf(new LinkedHashSet<>(keyList));
    Map<String, String> given = ViewReads.filters(env, view);
    if (keys != null && !given.isEmpty()) {
      return ViewReads.failed(env, ErrorCode.INVALID_ARGUMENT, "give either keys or filters on"
          + " indexed columns, not both");
    }
    if (keys != null && (keys.isEmpty() || keys.size() > push.maxKeysPerSubscription())) {
      return ViewReads.failed(env, ErrorCode.INVALID_ARGUMENT, "a subscription names 1 to "
          + push.maxKeysPerSubscription() + " keys (push.maxKeysPerSubscription), but this"
          + " one names " + keys.size() + "; leave keys out to follow every key of the view");
    }
    Access.Refusal refusal = Access.read(connection.principal, catalog, view.name(), keys);
    CatalogEntry entry = catalog.find(view.name()).orElse(null);
    if (refusal != null || entry == null) {
      Access.Refusal shown = refusal != null ? refusal : Access.unknownView(view.name());
      return ViewReads.failed(env, ErrorCode.of(shown.kind()), shown.message());
    }
    MatchingRows matching = null;
    if (!given.isEmpty()) {
      try {
        Principal principal = connection.principal;
        // A tenant-bound token's filter reads its tenant's keys only (by key range), as push's.
        matching = new MatchingRows(entry.name(), Indexes.where(entry, given),
            principal.tenantBound() ? principal.tenant() + Principal.TENANT_SEPARATOR : null,
            push.maxKeysPerSubscription());
      } catch (IllegalArgumentException e) {
        return ViewReads.failed(env, ErrorCode.INVALID_ARGUMENT, e.getMessage());
      }
    }
    Caller caller = Caller.of(env);
    String limited = keys == null ? null : caller.charge(keys.size());
    if (limited != null) {
      return ViewReads.failed(env, ErrorCode.RATE_LIMITED, limited);
    }
    LiveRows live = new LiveRows(this, connection, caller, rows, store, entry.name(), keys,
        matching, entry.version());
    if (!connection.add(live)) {
      return ViewReads.failed(env, ErrorCode.TOO_MANY_SUBSCRIPTIONS, "at most "
          + push.maxSubscriptions() + " subscriptions per connection (push.maxSubscriptions)");
    }
    return live;
  }

  // ---- the subscription index

  void follow(LiveRows live) {
    if (live.followsView()) {
      viewFollowers.computeIfAbsent(live.view, v -> ConcurrentHashMap.newKeySet()).add(live);
      return;
    }
    Map<String, Set<LiveRows>> keys = followers.computeIfAbsent(live.view,
        v -> new ConcurrentHashMap<>());
    for (String key : live.keys) {
      keys.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(live);
    }
  }

  void unfollow(LiveRows live) {
    if (live.followsView()) {
      viewFollowers.computeIfPresent(live.view, (v, subs) -> {
        subs.remove(live);
        return subs.isEmpty() ? null : subs;
      });
      return;
    }
    Map<String, Set<LiveRows>> keys = followers.get(live.view);
    if (keys == null) {
      return;
    }
    for (String key : live.keys) {
      keys.computeIfPresent(key, (k, subs) -> {
        subs.remove(live);
        return subs.isEmpty() ? null : subs;
      });
    }
  }

  // ---- the feed (on the feed's thread)

  @Override
  public void onChange(Change change, long viewVersion) {
    Map<String, Set<LiveRows>> keys = followers.get(change.view());
    Set<LiveRows> subs = keys == null ? null : keys.get(change.key());
    if (subs != null) {
      for (LiveRows live : subs) {
        live.connectionContext().runOnContext(v -> live.onChange(change, viewVersion));
      }
    }
    Set<LiveRows> all = viewFollowers.get(change.view());
    if (all != null) {
      for (LiveRows live : all) {
        live.connectionContext().runOnContext(v -> live.onChange(change, viewVersion));
      }
    }
  }

  @Override
  public void onSubscribed() {
    if (!everSubscribed) {
      everSubscribed = true;
      return;
    }
    Set<String> views = new java.util.HashSet<>(followers.keySet());
    views.addAll(viewFollowers.keySet());
    for (String view : views) {
      eachFollower(view, LiveRows::feedRestored);
    }
  }

  private void eachFollower(String view, Consumer<LiveRows> action) {
    Set<LiveRows> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
    Map<String, Set<LiveRows>> keys = followers.get(view);
    if (keys != null) {
      keys.values().forEach(distinct::addAll);
    }
    distinct.addAll(viewFollowers.getOrDefault(view, Set.of()));
    for (LiveRows live : distinct) {
      live.connectionContext().runOnContext(v -> action.accept(live));
    }
  }

  private void keysRevoked(Set<String> keyIds) {
    for (Connection connection : connections) {
      String keyId = connection.principal.keyId();
      if (keyId != null && keyIds.contains(keyId)) {
        connection.context.runOnContext(v -> connection.close((short) 4401,
            "signing key revoked"));
      }
    }
  }

  /** Subscriptions open now (tests, metrics). */
  public int subscriptions() {
    Set<LiveRows> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
    followers.values().forEach(keys -> keys.values().forEach(distinct::addAll));
    viewFollowers.values().forEach(distinct::addAll);
    return distinct.size();
  }
}
