package io.streamgate.gateway.auth;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An API key's record as stored (without the key; with the SHA-256 of its secret, which
 * {@link #describe} leaves out). Times are epoch milliseconds; {@code expiresAt} 0 means never,
 * {@code revokedAt} 0 means not revoked. Immutable.
 */
public record ApiKey(String id, String subject, Set<String> scopes, String tenant, String plan,
    long createdAt, String createdBy, long expiresAt, long revokedAt, String revokedBy,
    String secretSha256) {
  public ApiKey {
    scopes = Set.copyOf(scopes);
  }

  public boolean revoked() {
    return revokedAt > 0;
  }

  public boolean expired(long nowMs) {
    return expiresAt > 0 && nowMs >= expiresAt;
  }

  /** {@code active}, {@code revoked} or {@code expired}. */
  public String state(long nowMs) {
    return revoked() ? "revoked" : expired(nowMs) ? "expired" : "active";
  }

  /** The principal the key grants. */
  public Principal principal() {
    return new Principal(subject, scopes, plan, tenant,
        expiresAt == 0 ? Principal.NO_EXPIRY : expiresAt / 1000, ApiKeys.keyId(id));
  }

  /** What the admin API shows: everything but the secret's hash. */
  public Map<String, Object> describe(long nowMs) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", id);
    out.put("sub", subject);
    out.put("scopes", List.copyOf(new TreeSet<>(scopes)));
    out.put("tenant", tenant);
    out.put("plan", plan);
    out.put("state", state(nowMs));
    out.put("createdAt", java.time.Instant.ofEpochMilli(createdAt).toString());
    out.put("createdBy", createdBy);
    out.put("expiresAt", expiresAt == 0 ? null : java.time.Instant.ofEpochMilli(expiresAt).toString());
    out.put("revokedAt", revokedAt == 0 ? null : java.time.Instant.ofEpochMilli(revokedAt).toString());
    out.put("revokedBy", revokedBy);
    return out;
  }
}
