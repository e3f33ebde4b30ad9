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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SignatureException;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * JWT verification in steps, cheapest first: a size limit (before any parsing), the cache of
 * verified tokens ({@link TokenCache}), our own header check (only configured algorithms, and a
 * token naming a {@code kid} must use that key's algorithm, so {@code none} and HS/RS confusion
 * are refused before any crypto), vertx-auth-jwt for the signature (same library and key encoding
 * the CLI signs with; it also picks keys by algorithm, so an RSA key is never used as an HMAC
 * secret), then {@link ClaimsCheck} for the registered claims on an injected clock.
 * Thread-safe; never blocks.
 */
public final class JwtTokenVerifier implements TokenVerifier {
  /** A tenant is one key segment: the part of a row key before the first ':'. */
  private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  private final JWTAuth signatures;
  private final Set<String> algorithms;
  /** kid → algorithm of that key. */
  private final Map<String, String> keyAlgorithms;
  private final ClaimsCheck claims;
  private final TokenCache cache;
  private final int maxTokenBytes;
  private final LongAdder signatureChecks = new LongAdder();

  private JwtTokenVerifier(JWTAuth signatures, Map<String, String> keyAlgorithms,
      ClaimsCheck claims, TokenCache cache, int maxTokenBytes) {
    this.signatures = signatures;
    this.keyAlgorithms = Map.copyOf(keyAlgorithms);
    this.algorithms = Set.copyOf(keyAlgorithms.values());
    this.claims = claims;
    this.cache = cache;
    this.maxTokenBytes = maxTokenBytes;
  }

  public static JwtTokenVerifier create(Vertx vertx, AuthConfig config, Clock clock) {
    return create(vertx, config, clock, TokenCache.DEFAULT_MAX_ENTRIES);
  }

  static JwtTokenVerifier create(Vertx vertx, AuthConfig config, Clock clock, int cacheEntries) {
    JWTAuthOptions options = new JWTAuthOptions()
        // Time-based claims are ClaimsCheck's job (injected clock, specific messages).
        .setJWTOptions(new JWTOptions().setIgnoreExpiration(true));
    KeyLoader.load(config.keys()).forEach(options::addPubSecKey);
    Map<String, String> keyAlgorithms = config.keys().stream()
        .collect(Collectors.toMap(KeyConfig::kid, KeyConfig::algorithm));
    return new JwtTokenVerifier(JWTAuth.create(vertx, options), keyAlgorithms,
        new ClaimsCheck(config.issuer(), config.audience(), config.leewaySeconds(), clock),
        new TokenCache(cacheEntries, config.leewaySeconds(), clock), config.maxTokenBytes());
  }

  @Override
  public Future<Principal> verify(String token) {
    // A JWT is ASCII, so characters are bytes; anything else fails the header check.
    if (token.length() > maxTokenBytes) {
      return refuse("token is longer than " + maxTokenBytes + " bytes");
    }
    ByteBuffer digest = TokenCache.digest(token);
    Principal cached = cache.get(digest);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    String problem = headerProblem(token);
    if (problem != null) {
      return refuse(problem);
    }
    signatureChecks.increment();
    return signatures.authenticate(new TokenCredentials(token))
        .recover(failure -> refuse(describe(failure)))
        .compose(user -> principal(digest, user));
  }

  /** Signature verifications attempted since start (cache hits do none). */
  long signatureChecks() {
    return signatureChecks.sum();
  }

  long cachedTokens() {
    return cache.size();
  }

  private Future<Principal> principal(ByteBuffer digest, User user) {
    JsonObject payload = user.attributes().getJsonObject("accessToken");
    String problem = claims.problem(payload);
    if (problem != null) {
      return refuse(problem);
    }
    Object tenantClaim = payload.getValue("tenant");
    if (tenantClaim != null
        && !(tenantClaim instanceof String t && TENANT.matcher(t).matches())) {
      return refuse("tenant claim must be 1-64 of A-Z a-z 0-9 _ . -");
    }
    String subject = payload.getValue("sub") instanceof String s ? s : "";
    String plan = payload.getValue("plan") instanceof String p && !p.isBlank() ? p.trim() : null;
    Principal principal =
        new Principal(subject, Scopes.of(payload), plan, (String) tenantClaim);
    // ClaimsCheck made sure exp is a number.
    cache.put(digest, principal, ((Number) payload.getValue("exp")).longValue());
    return Future.succeededFuture(principal);
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
    Object kid = header.getValue("kid");
    if (kid != null) {
      String keyAlgorithm = kid instanceof String k ? keyAlgorithms.get(k) : null;
      if (keyAlgorithm == null) {
        return "no key for the token's kid";
      }
      if (!keyAlgorithm.equals(name)) {
        // HS/RS confusion: e.g. HS256 "signed" with the RSA public key's PEM as the secret.
        return "algorithm " + name + " does not match the key's algorithm " + keyAlgorithm;
      }
    }
    return null;
  }

  private static <T> Future<T> refuse(String why) {
    return Future.failedFuture(new AuthenticationException(why));
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
