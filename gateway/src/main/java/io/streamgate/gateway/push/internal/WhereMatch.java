package io.streamgate.gateway.push.internal;

import io.streamgate.contract.Change;
import io.streamgate.contract.Indexes;
import io.streamgate.contract.Row;
import java.util.Map;

/**
 * What a change means to a filtered subscription, from what the client holds: the gateway
 * decides {@code enter} and {@code leave} from the change messages it receives anyway, by the
 * set of keys it has sent as matching. Pure and stateless.
 */
final class WhereMatch {
  /** The message a change makes: none, a row entering the set, an update in it, a leave. */
  enum Move { NONE, ENTER, UPDATE, LEAVE }

  private WhereMatch() {}

  /**
   * @param sent the version of the key the client holds as matching, or null if it holds none
   * @param change a row or a tombstone of the subscription's view version
   */
  static Move move(Map<String, String> where, Long sent, Change change) {
    if (sent != null && change.version() <= sent) {
      return Move.NONE; // not newer than what the client has
    }
    boolean matches = change instanceof Row row && Indexes.matches(where, row.valueJson());
    if (matches) {
      return sent == null ? Move.ENTER : Move.UPDATE;
    }
    return sent == null ? Move.NONE : Move.LEAVE;
  }
}
