package io.streamgate.gateway.push.internal;

import io.streamgate.gateway.auth.AuthFailures;
import io.streamgate.gateway.auth.TokenVerifier;
import io.streamgate.gateway.cache.NearCache;
import io.streamgate.gateway.catalog.Catalog;
import io.streamgate.gateway.config.PushConfig;
import io.streamgate.gateway.limit.SocketsPerPrincipal;
import io.streamgate.gateway.store.ViewStore;
import io.streamgate.gateway.usage.Usage;
import io.vertx.core.Vertx;

/**
 * What every session needs, made once by the hub when it starts and shared by all sessions.
 * Immutable; each part is thread-safe.
 *
 * @param leewaySeconds the token leeway: a session closes at {@code exp} plus this
 * @param authFailures  failed token checks per client address (in-band {@code auth} too)
 * @param store         the breaker-guarded store (filtered subscriptions' snapshots)
 * @param sockets       open connections per token subject
 */
record SessionServices(PushConfig config, Catalog catalog, NearCache rows, ViewStore store,
    TokenVerifier verifier, int leewaySeconds, PushMetrics metrics, Vertx vertx,
    AuthFailures authFailures, SocketsPerPrincipal sockets, Usage usage) {}
