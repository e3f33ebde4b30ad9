package io.streamgate.loadtest.bench.load;

import io.vertx.core.Future;

/**
 * One unit of load: a request, a write, an event. The future completes when the unit is done;
 * it fails with a {@link ProbeFailure} naming the kind of error (e.g. {@code http_503}).
 *
 * <p>Called on a Vert.x event loop; must not block.
 */
@FunctionalInterface
public interface Probe {
  Future<?> call();
}
