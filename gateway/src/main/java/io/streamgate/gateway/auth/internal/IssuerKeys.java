package io.streamgate.gateway.auth.internal;

import io.streamgate.gateway.config.JwksConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.PubSecKeyOptions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The keys and claim rules of one token issuer: its static keys from the configuration plus the
 * keys of its JWKS endpoints, as one {@link KeySet} that is swapped whole when a JWKS changes.
 * A token is checked only against the keys of the issuer it names, so one identity provider can
 * never sign for another. Thread-safe.
 */
final class IssuerKeys {
  private final Vertx vertx;
  private final List<PubSecKeyOptions> staticKeys;
  private final ClaimsCheck claims;
  private final List<JwksSource> sources = new ArrayList<>();
  /** Latest keys per JWKS source, in source order. */
  private final Map<Integer, List<JsonObject>> published = new ConcurrentHashMap<>();
  private volatile KeySet current;
  /** Told the kids that left this issuer's JWKS keys at a rebuild. */
  private volatile Consumer<Set<String>> onRemoved = kids -> { };
  private Set<String> jwksKids = Set.of();

  IssuerKeys(Vertx vertx, List<PubSecKeyOptions> staticKeys, ClaimsCheck claims) {
    this.vertx = vertx;
    this.staticKeys = List.copyOf(staticKeys);
    this.claims = claims;
    this.current = KeySet.of(vertx, this.staticKeys, List.of());
  }

  void addJwks(JwksConfig config) {
    int index = sources.size();
    sources.add(new JwksSource(vertx, config, keys -> {
      published.put(index, List.copyOf(keys));
      rebuild();
    }));
  }

  /** Starts every JWKS source; the future ends when each has tried its first fetch. */
  Future<Void> start() {
    return Future.join(sources.stream().map(JwksSource::start).toList()).mapEmpty();
  }

  KeySet current() {
    return current;
  }

  ClaimsCheck claims() {
    return claims;
  }

  boolean hasJwks() {
    return !sources.isEmpty();
  }

  /** Fetches again (rate-limited per source) and answers with the keys after that. */
  Future<KeySet> refetchForUnknownKid() {
    return Future.join(sources.stream().map(JwksSource::refetchForUnknownKid).toList())
        .transform(ignored -> Future.succeededFuture(current));
  }

  long jwksFetches() {
    return sources.stream().mapToLong(JwksSource::fetches).sum();
  }

  void close() {
    sources.forEach(JwksSource::close);
  }

  void onRemoved(Consumer<Set<String>> listener) {
    onRemoved = listener;
  }

  private void rebuild() {
    Set<String> removed;
    synchronized (this) {
      List<JsonObject> jwks = new ArrayList<>();
      for (int i = 0; i < sources.size(); i++) {
        jwks.addAll(published.getOrDefault(i, List.of()));
      }
      current = KeySet.of(vertx, staticKeys, jwks);
      Set<String> kids = new HashSet<>();
      jwks.forEach(k -> kids.add(k.getString("kid")));
      removed = new HashSet<>(jwksKids);
      removed.removeAll(kids);
      // A static key with the same kid still verifies its tokens.
      staticKeys.forEach(k -> removed.remove(k.getId()));
      jwksKids = Set.copyOf(kids);
    }
    if (!removed.isEmpty()) {
      onRemoved.accept(Set.copyOf(removed));
    }
  }
}
