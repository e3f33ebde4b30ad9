package io.streamgate.gateway.admin;

import io.streamgate.contract.Keyspace;
import io.streamgate.gateway.admin.internal.AdminHandler;
import io.streamgate.gateway.admin.internal.AuditLog;
import io.streamgate.gateway.admin.internal.ControlChannel;
import io.streamgate.gateway.admin.internal.Definitions;
import io.streamgate.gateway.auth.ApiKeys;
import io.streamgate.gateway.config.AdminConfig;
import io.streamgate.gateway.http.HttpProblem;
import io.streamgate.gateway.http.ProblemType;
import io.streamgate.gateway.store.RedisStore;
import io.streamgate.gateway.usage.Usage;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;

/**
 * The admin API: {@code /admin/v1/views...} publishes, previews, changes and drops views at
 * runtime; {@code /admin/v1/keys} creates, lists and revokes API keys; {@code /admin/v1/usage}
 * reads a principal's metered usage.
 * The processor owns the view definitions (it validates SQL with Spark), so apply, preview and
 * drop queue a {@code ControlRequest} on the control stream in Redis and wait, without blocking
 * an event loop, for the processor's {@code ControlReply}; list and describe read definitions,
 * status and catalog straight from Redis. Every call needs scope {@code admin} and writes one
 * audit line (logger {@value AuditLog#LOGGER}), refused calls included.
 *
 * <p>Mounted on the management listener and on the public one. Routes, in order: {@link #stage()}
 * before the token check (starts the audit record, holds the body), then the JWT stage, then
 * {@link #handler()}. One instance per process, shared by every server instance; thread-safe.
 */
public final class Admin {
  private final Handler<RoutingContext> stage;
  private final Handler<RoutingContext> handler;
  private final ControlChannel control;
  private final AuditLog audit;
  private final Vertx vertx;

  private Admin(Vertx vertx, Handler<RoutingContext> stage, Handler<RoutingContext> handler,
      ControlChannel control, AuditLog audit) {
    this.vertx = vertx;
    this.stage = stage;
    this.handler = handler;
    this.control = control;
    this.audit = audit;
  }

  /** Connects nothing yet: {@link #start()} subscribes to the processor's replies. */
  public static Admin create(Vertx vertx, AdminConfig config, RedisStore store, Keyspace keyspace,
      Clock clock, ApiKeys keys, Usage usage) {
    ControlChannel control = new ControlChannel(vertx, store, keyspace, clock);
    AuditLog audit = AuditLog.create(clock);
    AdminHandler handler = new AdminHandler(control, new Definitions(store, keyspace), keys,
        usage, clock, config.timeoutMs());
    return new Admin(vertx, AdminHandler.stage(audit), handler, control, audit);
  }

  /** No admin API (tests of other features): its routes answer 404. */
  public static Admin disabled() {
    Handler<RoutingContext> off = ctx -> {
      throw new HttpProblem(ProblemType.NOT_FOUND, "the admin API is off on this gateway");
    };
    return new Admin(null, RoutingContext::next, off, null, null);
  }

  /** The stage before the token check on every admin route (audit record, body held). */
  public Handler<RoutingContext> stage() {
    return stage;
  }

  /** The admin routes' handler, behind the token (and, on the public port, rate-limit) stages. */
  public Handler<RoutingContext> handler() {
    return handler;
  }

  /** Subscribes to the replies channel; completes at once (replies are also polled). */
  public Future<Void> start() {
    return control == null ? Future.succeededFuture() : control.deploy();
  }

  /** Stops the subscription, then flushes the audit lines (off the event loop: it waits). */
  public Future<Void> close() {
    if (control == null) {
      return Future.succeededFuture();
    }
    return control.undeploy().eventually(() -> vertx.executeBlocking(() -> {
      audit.close();
      return null;
    }));
  }
}
