package io.streamgate.gateway.freshness;

import io.streamgate.contract.Keyspace;
import io.streamgate.contract.control.Freshness;
import io.streamgate.gateway.freshness.internal.StatusMirror;
import io.streamgate.gateway.store.RedisStore;
import io.vertx.core.Context;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;

/**
 * How fresh each view version's answers are now ({@link Freshness}: watermark and lag), from
 * the processor's view status ({@link Keyspace#viewStatus()}) mirrored in memory: one HGETALL
 * a second per gateway, whatever the request rate, never a Redis call per request. Every
 * transport reads it: REST headers and {@code max_staleness}, push messages, the view listing.
 *
 * <p>Thread-safe and non-blocking: call {@link #of} from any event loop. Deploy it to keep it
 * current.
 */
public interface ViewFreshness extends Deployable {
  /** On every REST view response: the view's watermark, RFC 3339 (absent when unknown). */
  String WATERMARK_HEADER = "Streamgate-Watermark";
  /** On every REST view response: how far the view lags its sources, ms (absent when unknown). */
  String LAG_HEADER = "Streamgate-Lag-Ms";

  /** The version's freshness at this instant; {@link Freshness#UNKNOWN}, never null. */
  Freshness of(String view, long version);

  /** RFC 3339 (UTC, millisecond precision when not whole seconds), or null when unknown. */
  static String rfc3339(Freshness freshness) {
    return freshness.watermarkMs() > 0 ? Instant.ofEpochMilli(freshness.watermarkMs()).toString()
        : null;
  }

  /** The processor's status in Redis, read every {@link StatusMirror#REFRESH}. */
  static ViewFreshness redis(RedisStore store, Keyspace keyspace, Clock clock) {
    return new StatusMirror(store, keyspace, clock, StatusMirror.REFRESH);
  }

  /** Knows nothing (a gateway without a processor's status, tests of other parts). */
  static ViewFreshness unknown() {
    return new ViewFreshness() {
      @Override
      public Freshness of(String view, long version) {
        return Freshness.UNKNOWN;
      }

      @Override
      public Future<?> deploy(Context context) {
        return Future.succeededFuture();
      }
    };
  }
}
