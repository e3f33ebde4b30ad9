package io.streamgate.gateway.auth.internal;

import io.streamgate.contract.Keyspace;
import io.streamgate.gateway.auth.ApiKey;
import io.streamgate.gateway.auth.ApiKeys;
import io.streamgate.gateway.auth.AuthFailures;
import io.streamgate.gateway.auth.AuthenticationException;
import io.streamgate.gateway.auth.Principal;
import io.streamgate.gateway.auth.TooManyFailuresException;
import io.streamgate.gateway.store.ChannelSubscription;
import io.streamgate.gateway.store.RedisStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ApiKeys} in Redis, mirrored in memory (see there). The refresh runs on this verticle's
 * context and never overlaps itself; {@link #verify} reads the latest immutable map from any
 * thread.
 */
public final class RedisApiKeys extends VerticleBase implements ApiKeys {
  private static final Logger LOG = LoggerFactory.getLogger(RedisApiKeys.class);
  /** KEYS: records, revision. ARGV: id, record, channel. 1 if created, 0 if the id was taken. */
  static final String CREATE_SCRIPT = """
      if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
      redis.call('INCR', KEYS[2])
      redis.call('PUBLISH', ARGV[3], ARGV[1])
      return 1
      """;
  /**
   * KEYS: records, revision. ARGV: id, revokedAt, revokedBy, channel. The record after the
   * revocation (the first one stays), or nil if there is no such key.
   */
  static final String REVOKE_SCRIPT = """
      local record = redis.call('HGET', KEYS[1], ARGV[1])
      if not record then return false end
      local key = cjson.decode(record)
      if type(key.revokedAt) ~= 'number' or key.revokedAt == 0 then
        key.revokedAt = tonumber(ARGV[2])
        key.revokedBy = ARGV[3]
        record = cjson.encode(key)
        redis.call('HSET', KEYS[1], ARGV[1], record)
        redis.call('INCR', KEYS[2])
        redis.call('PUBLISH', ARGV[4], ARGV[1])
      end
      return record
      """;

  /** A mirrored key with what checking it needs, computed once per refresh. */
  private record Entry(ApiKey key, byte[] secretSha256, Principal principal) {}

  private final RedisStore store;
  private final Keyspace keyspace;
  private final Clock clock;
  private final AuthFailures failures = new AuthFailures(MAX_FAILURES_PER_ADDRESS);
  private final List<Consumer<Set<String>>> revocationListeners = new CopyOnWriteArrayList<>();

  private volatile Map<String, Entry> entries = Map.of();
  /** When a revision read that found the mirror current was sent (0: never). */
  private volatile long confirmedAt;
  // Confined to this verticle's context.
  private String revision;
  private boolean refreshing;
  private boolean refreshAgain;
  private boolean reportedFailure;
  private long timer = -1;
  private ChannelSubscription subscription;

  public RedisApiKeys(RedisStore store, Keyspace keyspace, Clock clock) {
    this.store = store;
    this.keyspace = keyspace;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    subscription = store.subscribe(keyspace.apiKeysChannel(), id -> reload(),
        subscribed -> reload());
    timer = vertx.setPeriodic(POLL_MS, t -> refresh(false));
    return refresh(true).otherwiseEmpty();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return subscription.close();
  }

  // ---- checking a key (any thread)

  @Override
  public Principal verify(String key, String clientAddress) {
    long now = clock.millis();
    long blocked = failures.blockedSeconds(clientAddress, now);
    if (blocked > 0) {
      throw new TooManyFailuresException("too many wrong API keys from this address (more than "
          + failures.max() + " in " + AuthFailures.WINDOW_MS / 1000 + " s); the key was not"
          + " checked; retry in " + blocked + " s", blocked);
    }
    ApiKeyFormat.Parts parts = ApiKeyFormat.parse(key);
    if (parts == null) {
      throw failed(clientAddress, now, "the API key is malformed (keys look like "
          + PREFIX + "<16 hex digits>_<43 characters>)");
    }
    if (now - confirmedAt > MAX_UNCONFIRMED_MS) {
      // Not the caller's fault: no failure counted.
      throw new AuthenticationException("API keys cannot be checked for revocation right now"
          + " (the key store has not answered for over " + MAX_UNCONFIRMED_MS / 1000
          + " s); retry shortly");
    }
    Entry entry = entries.get(parts.id());
    if (entry == null || !ApiKeyFormat.matches(parts.secret(), entry.secretSha256())) {
      throw failed(clientAddress, now, "unknown API key");
    }
    // Said only to holders of the secret: that a key was revoked is not public.
    if (entry.key().revoked()) {
      throw failed(clientAddress, now, "the API key was revoked");
    }
    if (entry.key().expired(now)) {
      throw failed(clientAddress, now, "the API key expired");
    }
    return entry.principal();
  }

  private AuthenticationException failed(String address, long now, String why) {
    failures.failed(address, now);
    return new AuthenticationException(why);
  }

  @Override
  public void onRevoked(Consumer<Set<String>> listener) {
    revocationListeners.add(listener);
  }

  // ---- admin operations (Redis, through the store's breaker)

  @Override
  public Future<Created> create(Grant grant, String createdBy) {
    ApiKeyFormat.Parts parts = ApiKeyFormat.generate();
    long now = clock.millis();
    ApiKey record = new ApiKey(parts.id(), grant.subject(), grant.scopes(), grant.tenant(),
        grant.plan(), now, createdBy, grant.ttlSeconds() > 0 ? now + grant.ttlSeconds() * 1000 : 0,
        0, null, ApiKeyFormat.hex(ApiKeyFormat.sha256(parts.secret())));
    return store.send(Request.cmd(Command.EVAL).arg(CREATE_SCRIPT).arg(2)
        .arg(keyspace.apiKeys()).arg(keyspace.apiKeysRevision())
        .arg(parts.id()).arg(ApiKeyFormat.toJson(record)).arg(keyspace.apiKeysChannel()))
        .map(created -> {
          if (created.toInteger() != 1) {
            // 64 random bits: practically never; the caller may simply retry.
            throw new IllegalStateException("API key id " + parts.id() + " is taken; retry");
          }
          return new Created(parts.key(), record);
        });
  }

  @Override
  public Future<List<ApiKey>> list() {
    return readAll().map(all -> {
      List<ApiKey> keys = new ArrayList<>(all.values());
      keys.sort(Comparator.comparingLong(ApiKey::createdAt).reversed()
          .thenComparing(ApiKey::id));
      return keys;
    });
  }

  @Override
  public Future<ApiKey> revoke(String id, String revokedBy) {
    if (!ApiKeyFormat.validId(id)) {
      return Future.succeededFuture(null);
    }
    return store.send(Request.cmd(Command.EVAL).arg(REVOKE_SCRIPT).arg(2)
        .arg(keyspace.apiKeys()).arg(keyspace.apiKeysRevision())
        .arg(id).arg(clock.millis()).arg(revokedBy == null ? "" : revokedBy)
        .arg(keyspace.apiKeysChannel()))
        .map(record -> record == null ? null : ApiKeyFormat.fromJson(record.toString()));
  }

  /** True for strings shaped like key ids (the admin API checks its path parameter). */
  public static boolean validId(String id) {
    return ApiKeyFormat.validId(id);
  }

  // ---- the mirror (this verticle's context)

  /** A message said something changed: read everything, whatever the revision says. */
  private void reload() {
    revision = null;
    refresh(false);
  }

  /**
   * Reads the revision; if it moved, the records. Requests during a refresh coalesce into one
   * more afterwards, so the last change is never missed.
   */
  private Future<Void> refresh(boolean first) {
    if (refreshing) {
      refreshAgain = true;
      return Future.succeededFuture();
    }
    refreshing = true;
    long asked = clock.millis();
    Future<Void> done = store.send(Request.cmd(Command.GET).arg(keyspace.apiKeysRevision()))
        .compose(rev -> {
          String current = rev == null ? "0" : rev.toString();
          if (current.equals(revision)) {
            return Future.succeededFuture();
          }
          return readAll().map(all -> {
            apply(all);
            revision = current;
            return null;
          });
        })
        .onSuccess(v -> confirmed(asked))
        .onFailure(this::reportFailure)
        .mapEmpty();
    return done.onComplete(ar -> {
      refreshing = false;
      if (refreshAgain) {
        refreshAgain = false;
        refresh(false);
      }
    });
  }

  private void confirmed(long asked) {
    confirmedAt = Math.max(confirmedAt, asked);
    if (reportedFailure) {
      reportedFailure = false;
      LOG.info("API keys readable again ({} keys)", entries.size());
    }
  }

  private Future<Map<String, ApiKey>> readAll() {
    return store.send(Request.cmd(Command.HGETALL).arg(keyspace.apiKeys())).map(reply -> {
      Map<String, ApiKey> all = new HashMap<>();
      if (reply != null) {
        for (String id : reply.getKeys()) {
          Response value = reply.get(id);
          try {
            ApiKey key = ApiKeyFormat.fromJson(value.toString());
            if (key.id().equals(id)) {
              all.put(id, key);
            }
          } catch (RuntimeException e) {
            LOG.warn("skipping API key record '{}' in {}: {}", id, keyspace.apiKeys(),
                e.getMessage());
          }
        }
      }
      return all;
    });
  }

  private void apply(Map<String, ApiKey> all) {
    Map<String, Entry> before = entries;
    Map<String, Entry> next = new HashMap<>();
    all.forEach((id, key) -> next.put(id,
        new Entry(key, ApiKeyFormat.unhex(key.secretSha256()), key.principal())));
    entries = Map.copyOf(next);
    Set<String> revoked = new HashSet<>();
    before.forEach((id, old) -> {
      Entry now = next.get(id);
      if (!old.key().revoked() && (now == null || now.key().revoked())) {
        revoked.add(ApiKeys.keyId(id));
      }
    });
    if (!revoked.isEmpty()) {
      LOG.info("API keys revoked: {}", revoked);
      revocationListeners.forEach(l -> l.accept(Set.copyOf(revoked)));
    }
  }

  private void reportFailure(Throwable failure) {
    if (!reportedFailure) {
      reportedFailure = true;
      LOG.warn("cannot read the API keys from Redis ({}); keys are refused once the last"
          + " successful read is {} s old. Check that Redis is running.", failure.getMessage(),
          MAX_UNCONFIRMED_MS / 1000);
    }
  }
}
