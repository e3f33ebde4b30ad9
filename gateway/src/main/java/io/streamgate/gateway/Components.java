package io.streamgate.gateway;

import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's lifecycle: its components in start order. {@link #start} starts them one after
 * the other; {@link #stop} stops the started ones newest first, and is what a failed start runs
 * too, so the teardown is written once. A component is a Vert.x {@link Deployable} (deployed,
 * then undeployed) or a start and a stop function; a disabled feature is a null object with
 * nothing to start, never a null. Not thread-safe: start and stop from one thread, once each.
 */
final class Components {
  private static final Logger LOG = LoggerFactory.getLogger(Components.class);

  private record Component(String name, Supplier<Future<?>> start, Supplier<Future<?>> stop) {}

  private final Vertx vertx;
  private final List<Component> components = new ArrayList<>();
  private final List<Component> started = new ArrayList<>();

  Components(Vertx vertx) {
    this.vertx = vertx;
  }

  /** A component deployed once (a verticle, or any {@link Deployable}). */
  Components deploy(String name, Deployable deployable) {
    return deploy(name, () -> deployable, new DeploymentOptions());
  }

  /** A component deployed as {@code options.getInstances()} instances made by {@code factory}. */
  Components deploy(String name, Supplier<? extends Deployable> factory,
      DeploymentOptions options) {
    String[] id = {null};
    return add(name,
        () -> vertx.deployVerticle(factory::get, options).onSuccess(d -> id[0] = d),
        () -> id[0] == null ? Future.succeededFuture() : vertx.undeploy(id[0]));
  }

  /** A component with its own start and stop. */
  Components add(String name, Supplier<Future<?>> start, Supplier<Future<?>> stop) {
    components.add(new Component(name, start, stop));
    return this;
  }

  /** Starts every component in order; on a failure stops those started, then fails with it. */
  Future<Void> start() {
    Future<Void> done = Future.succeededFuture();
    for (Component component : components) {
      done = done.compose(v -> component.start().get()
          .onSuccess(x -> started.add(component))
          .onFailure(e -> LOG.warn("starting {} failed: {}", component.name(), e.toString()))
          .mapEmpty());
    }
    return done.recover(failure -> stop().transform(ignored -> Future.failedFuture(failure)));
  }

  /**
   * Stops the started components newest first, each after the previous one finished (the HTTP
   * servers drain requests in flight while the near cache and catalog they use still run). A
   * component that fails to stop is logged and the rest still stop.
   */
  Future<Void> stop() {
    List<Component> toStop = new ArrayList<>(started);
    started.clear();
    Future<Void> done = Future.succeededFuture();
    for (int i = toStop.size() - 1; i >= 0; i--) {
      Component component = toStop.get(i);
      done = done.eventually(() -> component.stop().get()
          .onFailure(e -> LOG.warn("stopping {} failed: {}", component.name(), e.toString())));
    }
    return done;
  }
}
