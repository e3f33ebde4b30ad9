package io.streamgate.cli.token;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Signs JWTs with the demo secret (HS256, {@code iss}/{@code aud} {@value TokenRequest#ISSUER},
 * header {@code kid} {@value TokenRequest#KEY_ID}) through Vert.x's own JWT provider, so tokens
 * are made by the same library that verifies them in the gateway.
 *
 * <p>Owns a small Vert.x instance: close it. {@link #mint} is thread-safe.
 */
public final class TokenMinter implements AutoCloseable {
  private final Vertx vertx;
  private final JWTAuth auth;

  public TokenMinter(DemoSecret secret) {
    // Signing is CPU work on the caller's thread; the event loops are never used.
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    this.auth = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm("HS256")
        .setId(TokenRequest.KEY_ID)
        .setBuffer(secret.value())));
  }

  /** A signed, compact JWT for {@code request}. */
  public String mint(TokenRequest request) {
    JsonObject claims = new JsonObject().put("scope", request.scope().strip());
    if (request.tenant() != null) {
      claims.put("tenant", request.tenant());
    }
    if (request.plan() != null) {
      claims.put("plan", request.plan());
    }
    JWTOptions options = new JWTOptions()
        .setAlgorithm("HS256")
        .setHeader(new JsonObject().put("kid", TokenRequest.KEY_ID))
        .setIssuer(TokenRequest.ISSUER)
        .addAudience(TokenRequest.AUDIENCE)
        .setSubject(request.subject())
        .setExpiresInSeconds((int) request.ttl().toSeconds());
    return auth.generateToken(claims, options);
  }

  @Override
  public void close() {
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      // Nothing ran on it; exiting is safe either way.
    }
  }
}
