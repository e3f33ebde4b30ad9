package io.streamgate.gateway.auth;

import io.streamgate.gateway.auth.internal.JwtTokenVerifier;
import io.streamgate.gateway.config.AuthConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Turns a bearer token into a {@link Principal}: size, algorithm, signature, {@code iss},
 * {@code aud}, {@code exp} and {@code nbf} (with leeway), then scopes, plan and tenant. Tokens that
 * pass are remembered until they expire, so a hot token's signature is checked once.
 *
 * <p>Implementations are thread-safe; {@link #verify} may be called from any event loop and never
 * blocks (it is CPU work only: key material is loaded up front).
 */
public interface TokenVerifier {

  /**
   * @return the caller, or a future failed with {@link AuthenticationException} saying why the
   *     token is refused
   */
  Future<Principal> verify(String token);

  /**
   * Turns an API key ({@code X-API-Key}) into a {@link Principal}, without I/O; see
   * {@link ApiKeys}. This default refuses every key: only a verifier made by
   * {@link #withApiKeys} accepts them.
   *
   * @param clientAddress the caller's address, for the limit on failed checks
   * @throws AuthenticationException when the key is refused
   * @throws TooManyFailuresException when the address failed too often (nothing was checked)
   */
  default Principal verifyApiKey(String key, String clientAddress) {
    throw new AuthenticationException("API keys are not accepted here");
  }

  /**
   * {@code tokens} for bearer tokens and {@code keys} for API keys: one verifier for every place
   * a credential is checked, so a key works wherever a token does. Revocations of either kind
   * reach {@link #onKeysRevoked}'s listeners.
   */
  static TokenVerifier withApiKeys(TokenVerifier tokens, ApiKeys keys) {
    return new TokenVerifier() {
      @Override
      public Future<Principal> verify(String token) {
        return tokens.verify(token);
      }

      @Override
      public Principal verifyApiKey(String key, String clientAddress) {
        return keys.verify(key, clientAddress);
      }

      @Override
      public Future<Void> start() {
        return tokens.start();
      }

      @Override
      public String selfToken(String subject, String scope, long ttlSeconds) {
        return tokens.selfToken(subject, scope, ttlSeconds);
      }

      @Override
      public void close() {
        tokens.close();
      }

      @Override
      public void onKeysRevoked(Consumer<Set<String>> listener) {
        tokens.onKeysRevoked(listener);
        keys.onRevoked(listener);
      }
    };
  }

  /**
   * Loads keys that come from the network (JWKS). The future ends once each source has tried
   * once; a failed source keeps retrying in the background and its tokens are refused until it
   * loads, so callers may go on either way.
   */
  default Future<Void> start() {
    return Future.succeededFuture();
  }

  /**
   * A token this verifier accepts, for the gateway's own requests (its warm-up): subject
   * {@code subject}, the space-separated {@code scope}, valid for {@code ttlSeconds}, signed with
   * the first HS256 key of {@code auth.keys}. Null when there is no such key: public keys and
   * JWKS only verify, they cannot sign.
   */
  default String selfToken(String subject, String scope, long ttlSeconds) {
    return null;
  }

  /** Stops background key refreshes. */
  default void close() {}

  /**
   * Calls {@code listener} with the {@link Principal#keyId key ids} that left their issuer's
   * JWKS at a refresh (tokens they verified are no longer served from the cache), so open
   * connections authenticated with them can be closed. Called on the JWKS refresher's thread;
   * the listener must not block.
   */
  default void onKeysRevoked(Consumer<Set<String>> listener) {}

  /**
   * A verifier for the configured JWT keys. Reads key files, so call it at startup, not on an
   * event loop.
   *
   * @throws io.streamgate.gateway.config.ConfigException if a key cannot be loaded
   */
  static TokenVerifier jwt(Vertx vertx, AuthConfig config, Clock clock) {
    return JwtTokenVerifier.create(vertx, config, clock);
  }
}
