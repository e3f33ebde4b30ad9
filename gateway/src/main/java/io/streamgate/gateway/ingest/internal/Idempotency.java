package io.streamgate.gateway.ingest.internal;

import io.streamgate.contract.json.Json;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * What the gateways remember of requests with an {@code Idempotency-Key} (IETF httpapi draft),
 * shared through Redis so that a retry reaching another gateway is recognized too. One Redis key
 * per principal and idempotency key ({@code <ns>:idem:<sha-256>}), holding JSON: a
 * {@code pending} marker (the body's hash and the claiming request's owner token) from before the
 * events are produced until their outcome is known, then the {@code done} answer (status, body)
 * for {@code retentionSeconds}. Each step is one Lua script, so two gateways never both claim a
 * key. Thread-safe; every call completes on the caller's context.
 */
public final class Idempotency {
  /** Longest idempotency key accepted (the draft sets none; a UUID is 36). */
  static final int MAX_KEY_LENGTH = 255;

  /** Reads the key's record, or claims it with the pending marker when there is none. */
  private static final String CLAIM = """
      local v = redis.call('GET', KEYS[1])
      if v then return v end
      redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
      return false""";
  /** Replaces the record only while it is still this request's pending marker. */
  private static final String SETTLE = """
      if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
      if ARGV[2] == '' then return redis.call('DEL', KEYS[1]) end
      redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
      return 1""";

  /** What a claim found. */
  enum State {
    /** Nobody had it: this request owns the key and produces. */
    CLAIMED,
    /** The first request is still waiting for its outcome. */
    IN_PROGRESS,
    /** Answered before: replay {@link Claim#status()} and {@link Claim#body()}. */
    DONE,
    /** The key was used with another body (or stream). */
    REUSED
  }

  /** The answer to {@link #claim}; {@code marker} identifies an owned claim when settling it. */
  record Claim(State state, String redisKey, String marker, int status, String body) {}

  private final Redis redis;
  private final String prefix;
  private final long timeoutMs;
  private final long pendingMs;
  private final long retentionMs;

  /**
   * @param pendingMs how long a pending marker outlives a gateway that died before settling it
   */
  public Idempotency(Redis redis, String prefix, long timeoutMs, long pendingMs, long retentionMs) {
    this.redis = redis;
    this.prefix = prefix;
    this.timeoutMs = timeoutMs;
    this.pendingMs = pendingMs;
    this.retentionMs = retentionMs;
  }

  /**
   * Claims {@code key} for {@code principal}, or says who has it.
   *
   * @param hash identifies the request's content (stream and body): same key, other hash is
   *             {@link State#REUSED}
   */
  Future<Claim> claim(String principal, String key, String hash) {
    String redisKey = prefix + ":idem:" + sha256(principal + '\n' + key);
    Map<String, Object> pending = new LinkedHashMap<>();
    pending.put("state", "pending");
    pending.put("hash", hash);
    pending.put("owner", UUID.randomUUID().toString());
    String marker = Json.write(pending);
    return eval(CLAIM, redisKey, List.of(marker, Long.toString(pendingMs))).map(found -> {
      if (found == null) {
        return new Claim(State.CLAIMED, redisKey, marker, 0, null);
      }
      Map<String, Object> record = Json.parseObject(found.toString());
      if (!hash.equals(record.get("hash"))) {
        return new Claim(State.REUSED, redisKey, null, 0, null);
      }
      if (!"done".equals(record.get("state"))) {
        return new Claim(State.IN_PROGRESS, redisKey, null, 0, null);
      }
      return new Claim(State.DONE, redisKey, null, ((Number) record.get("status")).intValue(),
          (String) record.get("body"));
    });
  }

  /** Records the answer of an owned claim, for retries to replay. */
  Future<Void> complete(Claim claim, int status, String body) {
    Map<String, Object> done = new LinkedHashMap<>();
    done.put("state", "done");
    done.put("hash", Json.parseObject(claim.marker()).get("hash"));
    done.put("status", status);
    done.put("body", body);
    return eval(SETTLE, claim.redisKey(),
        List.of(claim.marker(), Json.write(done), Long.toString(retentionMs))).mapEmpty();
  }

  /** Gives an owned claim up (nothing was written): a retry may produce again. */
  Future<Void> release(Claim claim) {
    return eval(SETTLE, claim.redisKey(), List.of(claim.marker(), "", "0")).mapEmpty();
  }

  public Future<Void> close() {
    return redis.close();
  }

  private Future<Response> eval(String script, String key, List<String> args) {
    Request request = Request.cmd(Command.EVAL).arg(script).arg(1).arg(key);
    args.forEach(request::arg);
    return redis.send(request).timeout(timeoutMs, TimeUnit.MILLISECONDS);
  }

  /** Hex SHA-256 of a string's UTF-8 bytes. */
  static String sha256(String text) {
    return sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256 in this JVM", e);
    }
  }
}
