package io.streamgate.gateway.admin.internal;

import io.streamgate.contract.Keyspace;
import io.streamgate.contract.control.ControlReply;
import io.streamgate.contract.control.ControlRequest;
import io.streamgate.gateway.store.ChannelSubscription;
import io.streamgate.gateway.store.RedisStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway's end of the control plane: queues a {@link ControlRequest} on the control stream
 * and waits for the processor's {@link ControlReply}, never blocking an event loop. The reply is
 * read from {@code controlReply(id)} as soon as its id is announced on the replies channel, and
 * in any case every {@value #POLL_MS} ms until the request's deadline (a lost announcement, a
 * subscription still connecting, or another gateway's processor: all end the same way).
 *
 * <p>A verticle for its subscription; {@link #submit} is called on the request's event loop and
 * completes there. Thread-safe.
 */
public final class ControlChannel extends VerticleBase {
  static final long POLL_MS = 200;
  /** The control stream keeps about this many requests (XADD MAXLEN ~). */
  static final int STREAM_MAX_LENGTH = 1000;

  private final Vertx owner;
  private final RedisStore store;
  private final Keyspace keyspace;
  private final Clock clock;
  private final Map<String, Waiter> waiters = new ConcurrentHashMap<>();
  private String deployment;
  private ChannelSubscription subscription;

  public ControlChannel(Vertx vertx, RedisStore store, Keyspace keyspace, Clock clock) {
    this.owner = vertx;
    this.store = store;
    this.keyspace = keyspace;
    this.clock = clock;
  }

  /** Deploys the subscription; completes at once, whether Redis is up or not. */
  public Future<Void> deploy() {
    return owner.deployVerticle(this).onSuccess(id -> deployment = id).mapEmpty();
  }

  public Future<Void> undeploy() {
    return deployment == null ? Future.succeededFuture() : owner.undeploy(deployment);
  }

  @Override
  public Future<?> start() {
    subscription = store.subscribe(keyspace.controlReplies(), this::announced,
        // Announcements sent while disconnected are lost: look again for everyone waiting.
        subscribed -> waiters.values().forEach(Waiter::lookNow));
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return subscription == null ? Future.succeededFuture() : subscription.close();
  }

  /**
   * Queues {@code request} and waits for its reply until its deadline. Call on the request's
   * event loop.
   *
   * @return the reply, or null if none came before the deadline; fails with
   *     {@code StoreUnavailableException} if the request could not be queued
   */
  public Future<ControlReply> submit(ControlRequest request) {
    Request xadd = Request.cmd(Command.XADD).arg(keyspace.control())
        .arg("MAXLEN").arg("~").arg(STREAM_MAX_LENGTH).arg("*")
        .arg(ControlRequest.STREAM_FIELD).arg(request.toJson());
    return store.send(xadd).compose(queued -> await(request.id(), request.deadline()));
  }

  private Future<ControlReply> await(String id, long deadline) {
    Waiter waiter = new Waiter(id, deadline, owner.getOrCreateContext());
    waiters.put(id, waiter);
    waiter.look();
    return waiter.promise.future().onComplete(done -> waiters.remove(id));
  }

  private void announced(String id) {
    Waiter waiter = waiters.get(id);
    if (waiter != null) {
      waiter.lookNow();
    }
  }

  /** One request waiting for its reply; confined to the request's context. */
  private final class Waiter {
    final String id;
    final long deadline;
    final Context context;
    final Promise<ControlReply> promise = Promise.promise();
    long timer = -1;
    boolean reading;
    boolean readAgain;

    Waiter(String id, long deadline, Context context) {
      this.id = id;
      this.deadline = deadline;
      this.context = context;
    }

    /** From any thread: read the reply now rather than at the next poll. */
    void lookNow() {
      context.runOnContext(v -> {
        if (reading) {
          readAgain = true;
          return;
        }
        if (timer >= 0) {
          owner.cancelTimer(timer);
          timer = -1;
        }
        look();
      });
    }

    void look() {
      if (promise.future().isComplete()) {
        return;
      }
      reading = true;
      store.send(Request.cmd(Command.GET).arg(keyspace.controlReply(id))).onComplete(ar -> {
        reading = false;
        Response found = ar.succeeded() ? ar.result() : null;
        if (found != null) {
          try {
            promise.tryComplete(ControlReply.fromJson(found.toString()));
          } catch (RuntimeException e) {
            promise.tryFail(new IllegalStateException("the processor's reply to " + id
                + " is not a control reply: " + e.getMessage(), e));
          }
          return;
        }
        // Redis failing while we wait counts like no reply: keep trying until the deadline.
        long now = clock.millis();
        if (now >= deadline) {
          promise.tryComplete(null);
        } else if (readAgain) {
          readAgain = false;
          look();
        } else {
          timer = owner.setTimer(Math.min(POLL_MS, Math.max(1, deadline - now)), t -> {
            timer = -1;
            look();
          });
        }
      });
    }
  }
}
