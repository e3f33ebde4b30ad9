package io.streamgate.gateway.auth.internal;

import io.streamgate.gateway.auth.AuthenticationException;
import io.streamgate.gateway.auth.Principal;
import io.streamgate.gateway.auth.TokenVerifier;
import io.streamgate.gateway.config.AuthConfig;
import io.streamgate.gateway.config.KeyConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.NoSuchKeyIdException;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.security.SignatureException;
import java.time.Clock;
import java.util.Base64;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * JWT verification in three steps: our own header check (only configured algorithms, so
 * {@code none} and algorithm confusion are refused before any crypto), vertx-auth-jwt for the
 * signature (same library and key encoding the CLI signs with), then {@link ClaimsCheck} for the
 * registered claims on an injected clock. Thread-safe.
 */
public final class JwtTokenVerifier implements TokenVerifier {
  private final JWTAuth signatures;
  private final Set<String> algorithms;
  private final ClaimsCheck claims;

  private JwtTokenVerifier(JWTAuth signatures, Set<String> algorithms, ClaimsCheck claims) {
    this.signatures = signatures;
    this.algorithms = algorithms;
    this.claims = claims;
  }

  public static JwtTokenVerifier create(Vertx vertx, AuthConfig config, Clock clock) {
    JWTAuthOptions options = new JWTAuthOptions()
        // Time-based claims are ClaimsCheck's job (injected clock, specific messages).
        .setJWTOptions(new JWTOptions().setIgnoreExpiration(true));
    KeyLoader.load(config.keys()).forEach(options::addPubSecKey);
    Set<String> algorithms =
        config.keys().stream().map(KeyConfig::algorithm).collect(Collectors.toUnmodifiableSet());
    return new JwtTokenVerifier(JWTAuth.create(vertx, options), algorithms,
        new ClaimsCheck(config.issuer(), config.audience(), config.leewaySeconds(), clock));
  }

  @Override
  public Future<Principal> verify(String token) {
    String problem = headerProblem(token);
    if (problem != null) {
      return Future.failedFuture(new AuthenticationException(problem));
    }
    return signatures.authenticate(new TokenCredentials(token))
        .recover(failure -> Future.failedFuture(new AuthenticationException(describe(failure))))
        .compose(this::principal);
  }

  private Future<Principal> principal(User user) {
    JsonObject payload = user.attributes().getJsonObject("accessToken");
    String problem = claims.problem(payload);
    if (problem != null) {
      return Future.failedFuture(new AuthenticationException(problem));
    }
    String subject = payload.getValue("sub") instanceof String s ? s : "";
    String plan = payload.getValue("plan") instanceof String p && !p.isBlank() ? p.trim() : null;
    return Future.succeededFuture(new Principal(subject, Scopes.of(payload), plan));
  }

  private String headerProblem(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      return "malformed token: expected header.payload.signature";
    }
    if (parts[2].isEmpty()) {
      return "token is not signed";
    }
    JsonObject header;
    try {
      header = new JsonObject(
          new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException | DecodeException | ClassCastException e) {
      return "malformed token header";
    }
    Object alg = header.getValue("alg");
    if (!(alg instanceof String name) || !algorithms.contains(name)) {
      return "algorithm " + (alg instanceof String ? alg : "(missing)") + " is not accepted";
    }
    return null;
  }

  private static String describe(Throwable failure) {
    if (failure instanceof SignatureException) {
      return "invalid signature";
    }
    if (failure instanceof NoSuchKeyIdException) {
      return "no key for the token's kid";
    }
    return "malformed token";
  }
}
