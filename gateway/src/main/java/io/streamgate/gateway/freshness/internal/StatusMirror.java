package io.streamgate.gateway.freshness.internal;

import io.streamgate.contract.Keyspace;
import io.streamgate.contract.control.Freshness;
import io.streamgate.contract.control.ViewStatus;
import io.streamgate.gateway.freshness.ViewFreshness;
import io.streamgate.gateway.store.HashMirror;
import io.streamgate.gateway.store.RedisStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link ViewFreshness} from a {@link HashMirror} of the processor's view status, re-read every
 * {@link #REFRESH} (the processor rewrites it every second; there is no announcement channel, as
 * it would fire as often). Remembers when it first saw each report, by the gateway's clock, so a
 * processor that stopped reporting is noticed however the two clocks differ. Runs as a
 * verticle: reads happen on its context; {@link #of} reads a volatile snapshot from any thread.
 */
public final class StatusMirror extends VerticleBase implements ViewFreshness {
  public static final Duration REFRESH = Duration.ofSeconds(1);

  /** A view's latest status and when this gateway first saw it (its clock). */
  private record Seen(ViewStatus status, long seenAt) {}

  private final RedisStore store;
  private final Clock clock;
  private final HashMirror<ViewStatus> mirror;
  private volatile Map<String, Seen> seen = Map.of();

  public StatusMirror(RedisStore store, Keyspace keyspace, Clock clock, Duration refresh) {
    this.store = store;
    this.clock = clock;
    this.mirror = new HashMirror<>(
        new HashMirror.Description("view status", keyspace.viewStatus(), "views",
            "The processor rewrites it every second.", false),
        () -> store.hashEntries(keyspace.viewStatus()), ViewStatus::fromJson, ViewStatus::view,
        this::apply, refresh);
  }

  @Override
  public Freshness of(String view, long version) {
    Seen s = seen.get(view);
    if (s == null) {
      return Freshness.UNKNOWN;
    }
    long now = clock.millis();
    return Freshness.of(s.status(), version, now - s.seenAt(), now);
  }

  /** On the mirror's context. */
  private void apply(Map<String, ViewStatus> statuses) {
    long now = clock.millis();
    Map<String, Seen> before = seen;
    Map<String, Seen> next = new HashMap<>();
    statuses.forEach((view, status) -> {
      Seen old = before.get(view);
      next.put(view, old != null && old.status().updatedAt() == status.updatedAt()
          ? new Seen(status, old.seenAt()) : new Seen(status, now));
    });
    seen = Map.copyOf(next);
  }


  @Override
  public Future<?> start() {
    return mirror.start(vertx, store, null);
  }

  @Override
  public Future<?> stop() {
    return mirror.stop();
  }
}
