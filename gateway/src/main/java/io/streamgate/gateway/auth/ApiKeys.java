package io.streamgate.gateway.auth;

import io.streamgate.contract.Keyspace;
import io.streamgate.gateway.auth.internal.RedisApiKeys;
import io.streamgate.gateway.store.RedisStore;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * API keys: credentials an operator hands to a partner or a script without an identity provider.
 * A key is {@code sgk_<id>_<secret>}; Redis keeps, under the id, what the key grants (a
 * {@link Principal}'s subject, scopes, tenant, plan, expiry) and the SHA-256 of the secret,
 * never the key. The key is shown once, when created.
 *
 * <p>Each gateway mirrors every key record in memory, so checking a key is a map lookup and one
 * hash, without Redis: a flood of wrong keys costs Redis nothing. The mirror is re-read on every
 * message on the keys' channel and whenever a revision counter polled every
 * {@value #POLL_MS} ms has moved (a lost message), so a revoked key is refused by every gateway
 * within about a second. A gateway that has not confirmed the revision for
 * {@value #MAX_UNCONFIRMED_MS} ms (Redis unreachable) refuses every key rather than honour one
 * that may have been revoked meanwhile. Failed checks are limited per client address
 * ({@link AuthFailures}).
 *
 * <p>Deployed as a verticle: it reads the keys and subscribes to their changes on its own
 * context, and its deployment completes after the first read attempt (Redis may come up later).
 * {@link #verify} runs on any event loop and never blocks; the admin operations return
 * futures completed on the caller's context. Thread-safe.
 */
public interface ApiKeys extends Deployable {
  /** Every key starts with it, so a leaked one is easy to recognise (secret scanners, logs). */
  String PREFIX = "sgk_";
  long POLL_MS = 500;
  long MAX_UNCONFIRMED_MS = 5_000;
  /** Wrong keys allowed per client address in {@link AuthFailures#WINDOW_MS}. */
  int MAX_FAILURES_PER_ADDRESS = 20;

  /**
   * The principal a key grants ({@link Principal#keyId()} is {@link #keyId}).
   *
   * @param clientAddress the caller's address, for the failure limit
   * @throws AuthenticationException when the key is malformed, unknown, wrong, revoked or expired
   * @throws TooManyFailuresException when the address has failed too often: nothing was checked
   */
  Principal verify(String key, String clientAddress);

  /** What a created key grants; {@code ttlSeconds} 0 means no expiry. */
  record Grant(String subject, Set<String> scopes, String tenant, String plan, long ttlSeconds) {}

  /** Creates a key; the answer's {@link Created#key()} is the only time the key is seen. */
  Future<Created> create(Grant grant, String createdBy);

  /** Every key record, newest first, read from Redis (not the mirror). */
  Future<List<ApiKey>> list();

  /**
   * Revokes a key (it stays listed, as revoked). Completes with the record, or null when there is
   * no key with that id; revoking twice keeps the first revocation.
   */
  Future<ApiKey> revoke(String id, String revokedBy);

  /** A newly created key and its record. */
  record Created(String key, ApiKey record) {}

  /**
   * Calls {@code listener} with the {@link #keyId}s of keys revoked (or gone) at a refresh, on
   * the mirror's context; the listener must not block.
   */
  void onRevoked(Consumer<Set<String>> listener);

  /** The {@link Principal#keyId()} of principals that API key {@code id} verified. */
  static String keyId(String id) {
    return "apikey " + id;
  }

  /** Keys kept in {@code store}'s Redis under {@code keyspace}. */
  static ApiKeys redis(RedisStore store, Keyspace keyspace, Clock clock) {
    return new RedisApiKeys(store, keyspace, clock);
  }

  /** True for strings shaped like key ids (16 lowercase hex digits). */
  static boolean validId(String id) {
    return RedisApiKeys.validId(id);
  }
}
