package io.streamgate.gateway.auth.internal;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Reads scopes from the two common claim shapes: {@code scope} as a space-separated string
 * (RFC 8693) and {@code scp} as an array (or string). Both may be present; the union counts.
 */
final class Scopes {
  private Scopes() {}

  static Set<String> of(JsonObject claims) {
    Set<String> scopes = new LinkedHashSet<>();
    add(scopes, claims.getValue("scope"));
    add(scopes, claims.getValue("scp"));
    return scopes;
  }

  private static void add(Set<String> scopes, Object claim) {
    if (claim instanceof String s) {
      for (String scope : s.trim().split("\\s+")) {
        if (!scope.isEmpty()) {
          scopes.add(scope);
        }
      }
    } else if (claim instanceof JsonArray array) {
      for (Object item : array) {
        if (item instanceof String s && !s.isBlank()) {
          scopes.add(s.trim());
        }
      }
    }
  }
}
