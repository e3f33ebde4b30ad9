package io.streamgate.gateway.push.internal;

import io.streamgate.contract.Names;
import io.streamgate.gateway.auth.Principal;
import io.streamgate.gateway.catalog.Catalog;
import java.util.List;

/**
 * The read checks of REST, in REST's order, for push: view name, scope (before existence, so
 * scopes do not reveal which views exist), catalog, keys, tenant. Returns the refusal as a
 * protocol error (code and message); the SSE route maps codes to HTTP statuses. Stateless.
 */
final class Access {
  private Access() {}

  /** A refusal: {@link Protocol} error code and message. */
  record Refusal(String code, String message) {}

  /** Null if {@code principal} may follow these keys (null: the whole view) of {@code view}. */
  static Refusal check(Principal principal, Catalog catalog, String view, List<String> keys) {
    String viewProblem = Names.viewNameProblem(view);
    if (viewProblem != null) {
      return new Refusal(Protocol.BAD_REQUEST, viewProblem);
    }
    Refusal scope = scope(principal, view);
    if (scope != null) {
      return scope;
    }
    if (!catalog.loaded()) {
      return new Refusal(Protocol.UNAVAILABLE,
          "the view catalog has not been read from the store yet; retry shortly");
    }
    if (catalog.find(view).isEmpty()) {
      return new Refusal(Protocol.UNKNOWN_VIEW, "no view named '" + view + "'; see GET /v1/views");
    }
    if (keys != null) {
      for (String key : keys) {
        String keyProblem = Names.keyProblem(key);
        if (keyProblem != null) {
          return new Refusal(Protocol.BAD_REQUEST, keyProblem);
        }
      }
    }
    String foreign = keys == null ? null : principal.foreignKeysProblem(keys);
    return foreign == null ? null : new Refusal(Protocol.FORBIDDEN, foreign);
  }

  static Refusal scope(Principal principal, String view) {
    if (!principal.canRead(view)) {
      return new Refusal(Protocol.FORBIDDEN, "reading view '" + view + "' needs scope "
          + Principal.READ_ALL_VIEWS + " or " + Principal.readScope(view));
    }
    return null;
  }
}
