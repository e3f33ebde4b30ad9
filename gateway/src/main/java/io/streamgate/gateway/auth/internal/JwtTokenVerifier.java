package io.streamgate.gateway.auth.internal;

import io.streamgate.gateway.auth.AuthenticationException;
import io.streamgate.gateway.auth.Principal;
import io.streamgate.gateway.auth.TokenVerifier;
import io.streamgate.gateway.config.AuthConfig;
import io.streamgate.gateway.config.JwksConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.NoSuchKeyIdException;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SignatureException;
import java.time.Clock;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JWT verification in steps, cheapest first: a size limit (before any parsing), the cache of
 * verified tokens ({@link TokenCache}), the issuer the token names (each issuer has its own keys,
 * {@link IssuerKeys}), our own header check against that issuer's keys (only their algorithms,
 * and a token naming a {@code kid} must use that key's algorithm, so {@code none} and HS/RS
 * confusion are refused before any crypto; an unknown kid triggers one rate-limited JWKS
 * refetch), vertx-auth-jwt for the signature, then {@link ClaimsCheck} for the registered claims
 * on an injected clock. Thread-safe; never blocks.
 */
public final class JwtTokenVerifier implements TokenVerifier {
  private static final Logger LOG = LoggerFactory.getLogger(JwtTokenVerifier.class);
  /** A tenant is one key segment: the part of a row key before the first ':'. */
  private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  /** iss → that issuer's keys and claim rules. */
  private final Map<String, IssuerKeys> issuers;
  private final TokenCache cache;
  private final int maxTokenBytes;
  private final LongAdder signatureChecks = new LongAdder();
  private final List<Consumer<Set<String>>> revocationListeners = new CopyOnWriteArrayList<>();

  /** The {@code typ} every token must have ({@link AuthConfig#mediaType} form), or null. */
  private final String requiredType;

  /** Null without an HMAC key. */
  private final SelfSigner signer;

  private JwtTokenVerifier(Map<String, IssuerKeys> issuers, TokenCache cache, int maxTokenBytes,
      String requiredType, SelfSigner signer) {
    this.signer = signer;
    this.issuers = Map.copyOf(issuers);
    this.cache = cache;
    this.maxTokenBytes = maxTokenBytes;
    this.requiredType = requiredType;
    this.issuers.forEach((iss, keys) -> keys.onRemoved(kids -> revoked(iss, kids)));
  }

  @Override
  public void onKeysRevoked(Consumer<Set<String>> listener) {
    revocationListeners.add(listener);
  }

  /** Keys left an issuer's JWKS: forget what they verified, then tell the listeners. */
  private void revoked(String issuer, Set<String> kids) {
    Set<String> keyIds = new HashSet<>();
    kids.forEach(kid -> keyIds.add(Principal.keyId(issuer, kid)));
    LOG.info("keys {} of issuer {} left its JWKS: tokens they signed are refused from now on and"
        + " connections authenticated with them are closed", kids, issuer);
    cache.dropKeys(keyIds);
    revocationListeners.forEach(l -> l.accept(Set.copyOf(keyIds)));
  }

  public static JwtTokenVerifier create(Vertx vertx, AuthConfig config, Clock clock) {
    return create(vertx, config, clock, TokenCache.DEFAULT_MAX_ENTRIES);
  }

  static JwtTokenVerifier create(Vertx vertx, AuthConfig config, Clock clock, int cacheEntries) {
    Map<String, IssuerKeys> issuers = new LinkedHashMap<>();
    List<PubSecKeyOptions> staticKeys = KeyLoader.load(config.keys());
    if (!staticKeys.isEmpty()) {
      issuers.put(config.issuer(), new IssuerKeys(vertx, staticKeys,
          new ClaimsCheck(config.issuer(), config.audience(), config.leewaySeconds(), clock)));
    }
    for (JwksConfig jwks : config.jwks()) {
      issuers.computeIfAbsent(jwks.issuer(), iss -> new IssuerKeys(vertx, List.of(),
          new ClaimsCheck(iss, config.audience(), config.leewaySeconds(), clock)))
          .addJwks(jwks);
    }
    int hmac = config.firstHmacKey();
    SelfSigner signer = hmac < 0 ? null : new SelfSigner(config.keys().get(hmac).kid(),
        staticKeys.get(hmac).getBuffer().toString(StandardCharsets.UTF_8), config.issuer(),
        config.audience(), config.requiredType(), clock);
    return new JwtTokenVerifier(issuers,
        new TokenCache(cacheEntries, config.leewaySeconds(), clock), config.maxTokenBytes(),
        config.requiredType(), signer);
  }

  @Override
  public String selfToken(String subject, String scope, long ttlSeconds) {
    return signer == null ? null : signer.sign(subject, scope, ttlSeconds);
  }

  @Override
  public Future<Void> start() {
    return Future.join(issuers.values().stream().map(IssuerKeys::start).toList()).mapEmpty();
  }

  @Override
  public void close() {
    issuers.values().forEach(IssuerKeys::close);
  }

  @Override
  public Future<Principal> verify(String token) {
    // A JWT is ASCII, so characters are bytes; anything else fails the header check.
    if (token.length() > maxTokenBytes) {
      return refuse("token is longer than " + maxTokenBytes + " bytes");
    }
    Principal cached = cache.get(token);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    ByteBuffer digest = TokenCache.digest(token);
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      return refuse("malformed token: expected header.payload.signature");
    }
    if (parts[2].isEmpty()) {
      return refuse("token is not signed");
    }
    JsonObject header = decode(parts[0]);
    JsonObject payload = decode(parts[1]);
    if (header == null) {
      return refuse("malformed token header");
    }
    if (payload == null) {
      return refuse("malformed token payload");
    }
    String headerProblem = headerProblem(header);
    if (headerProblem != null) {
      return refuse(headerProblem);
    }
    // Checked again after the signature (ClaimsCheck); here so that a string where a number
    // belongs never reaches the JWT library, which threw on it (a 500, not a 401).
    for (String claim : new String[] {"exp", "nbf", "iat"}) {
      Object value = payload.getValue(claim);
      if (value != null && !(value instanceof Number)) {
        return refuse(claim + " claim is not a number");
      }
    }
    // The issuer is read before the signature is checked only to pick the keys to check it with;
    // a token naming issuer A is verified with A's keys alone.
    Object iss = payload.getValue("iss");
    IssuerKeys issuer = iss instanceof String name ? issuers.get(name) : null;
    if (issuer == null) {
      return refuse(iss == null ? "token has no iss claim" : "issuer is not accepted");
    }
    Object alg = header.getValue("alg");
    Object kid = header.getValue("kid");
    String problem = issuer.current().headerProblem(alg, kid);
    if (KeySet.UNKNOWN_KID.equals(problem) && issuer.hasJwks()) {
      // Maybe the issuer rotated: look once more (rate-limited), then decide.
      return issuer.refetchForUnknownKid()
          .compose(keys -> check(digest, token, issuer, keys, keys.headerProblem(alg, kid),
              (String) iss, kid));
    }
    return check(digest, token, issuer, issuer.current(), problem, (String) iss, kid);
  }

  /** Signature verifications attempted since start (cache hits do none). */
  long signatureChecks() {
    return signatureChecks.sum();
  }

  long cachedTokens() {
    return cache.size();
  }

  /** Keys currently held for {@code issuer} (static plus JWKS), 0 for an unknown issuer. */
  int issuerKeyCount(String issuer) {
    IssuerKeys keys = issuers.get(issuer);
    return keys == null ? 0 : keys.current().size();
  }

  /** JWKS documents fetched (or attempted) since start, over all issuers. */
  long jwksFetches() {
    return issuers.values().stream().mapToLong(IssuerKeys::jwksFetches).sum();
  }

  /** @param kid the token's kid header (headerProblem null: a string, or absent) */
  private Future<Principal> check(ByteBuffer digest, String token, IssuerKeys issuer, KeySet keys,
      String headerProblem, String iss, Object kid) {
    if (headerProblem != null) {
      return refuse(headerProblem);
    }
    signatureChecks.increment();
    Future<User> user;
    try {
      user = keys.signatures().authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      user = Future.failedFuture(e); // the library threw instead of failing: still a refusal
    }
    return user.recover(failure -> refuse(describe(failure)))
        .compose(u -> principal(digest, issuer, u, iss, (String) kid));
  }

  /**
   * RFC 8725 header rules, before any crypto: no {@code crit} (RFC 7515 §4.1.11: a recipient
   * must refuse critical extensions it does not understand, and we understand none), and the
   * configured {@code typ} if one is required.
   */
  private String headerProblem(JsonObject header) {
    if (header.containsKey("crit")) {
      return "token header lists critical extensions (crit) the gateway does not understand";
    }
    if (requiredType == null) {
      return null;
    }
    Object typ = header.getValue("typ");
    if (!(typ instanceof String t) || !requiredType.equals(AuthConfig.mediaType(t))) {
      return "token type (typ) must be " + requiredType + ", but was "
          + (typ instanceof String t ? "'" + t + "'" : "absent");
    }
    return null;
  }

  private Future<Principal> principal(ByteBuffer digest, IssuerKeys issuer, User user, String iss,
      String kid) {
    if (kid != null && !issuer.current().knows(kid)) {
      // Verified with keys that were current a moment ago: the key left the JWKS meanwhile.
      return refuse("the token's signing key was revoked");
    }
    ClaimsCheck claims = issuer.claims();
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
    // ClaimsCheck made sure exp is a number.
    long expiresAt = ((Number) payload.getValue("exp")).longValue();
    Principal principal = new Principal(subject, Scopes.of(payload), plan, (String) tenantClaim,
        expiresAt, kid == null ? null : Principal.keyId(iss, kid));
    cache.put(digest, principal, expiresAt);
    return Future.succeededFuture(principal);
  }

  /** A base64url JSON object part of a token, or null. */
  private static JsonObject decode(String part) {
    try {
      return new JsonObject(new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException | DecodeException | ClassCastException e) {
      return null;
    }
  }

  private static <T> Future<T> refuse(String why) {
    return Future.failedFuture(new AuthenticationException(why));
  }

  private static String describe(Throwable failure) {
    if (failure instanceof SignatureException) {
      return "invalid signature";
    }
    if (failure instanceof NoSuchKeyIdException) {
      return KeySet.UNKNOWN_KID;
    }
    return "malformed token";
  }
}
