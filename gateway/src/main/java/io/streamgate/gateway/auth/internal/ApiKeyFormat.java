package io.streamgate.gateway.auth.internal;

import io.streamgate.contract.json.Json;
import io.streamgate.gateway.auth.ApiKey;
import io.streamgate.gateway.auth.ApiKeys;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The shape of API keys and of their stored records. A key is {@code sgk_<id>_<secret>}: the id
 * is 16 lowercase hex digits (64 random bits, never secret: logs and the admin API show it), the
 * secret 43 characters of base64url (256 random bits). Only the SHA-256 of the secret is stored;
 * a plain hash suffices because the secret is random, not a password. Stateless.
 */
final class ApiKeyFormat {
  static final int ID_HEX = 16;
  static final int SECRET_CHARS = 43;
  static final int KEY_CHARS = ApiKeys.PREFIX.length() + ID_HEX + 1 + SECRET_CHARS;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();

  private ApiKeyFormat() {}

  /** A key's id and secret. */
  record Parts(String id, String secret) {
    String key() {
      return ApiKeys.PREFIX + id + "_" + secret;
    }
  }

  static Parts generate() {
    byte[] id = new byte[ID_HEX / 2];
    byte[] secret = new byte[32];
    RANDOM.nextBytes(id);
    RANDOM.nextBytes(secret);
    return new Parts(HEX.formatHex(id),
        Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
  }

  /** The key's parts, or null if it does not have a key's shape (checked without Redis). */
  static Parts parse(String key) {
    if (key == null || key.length() != KEY_CHARS || !key.startsWith(ApiKeys.PREFIX)
        || key.charAt(ApiKeys.PREFIX.length() + ID_HEX) != '_') {
      return null;
    }
    String id = key.substring(ApiKeys.PREFIX.length(), ApiKeys.PREFIX.length() + ID_HEX);
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return null;
      }
    }
    return new Parts(id, key.substring(ApiKeys.PREFIX.length() + ID_HEX + 1));
  }

  /** True for ids of the shape {@link #generate} makes (the admin API's path parameter). */
  static boolean validId(String id) {
    return id != null && parse(ApiKeys.PREFIX + id + "_" + "x".repeat(SECRET_CHARS)) != null;
  }

  static byte[] sha256(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** Constant-time: how long it takes says nothing about how much of the secret was right. */
  static boolean matches(String secret, byte[] storedSha256) {
    return MessageDigest.isEqual(sha256(secret), storedSha256);
  }

  static String hex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  static byte[] unhex(String hex) {
    return HEX.parseHex(hex);
  }

  static String toJson(ApiKey key) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", key.id());
    out.put("sub", key.subject());
    out.put("scopes", new ArrayList<>(new java.util.TreeSet<>(key.scopes())));
    out.put("tenant", key.tenant());
    out.put("plan", key.plan());
    out.put("createdAt", key.createdAt());
    out.put("createdBy", key.createdBy());
    out.put("expiresAt", key.expiresAt());
    out.put("revokedAt", key.revokedAt());
    out.put("revokedBy", key.revokedBy());
    out.put("secretSha256", key.secretSha256());
    return Json.write(out);
  }

  /** @throws RuntimeException saying what is wrong with the record */
  static ApiKey fromJson(String json) {
    Map<String, Object> in = Json.parseObject(json);
    List<String> scopes = new ArrayList<>();
    if (in.get("scopes") instanceof List<?> list) {
      list.forEach(s -> scopes.add(String.valueOf(s)));
    }
    String hash = text(in, "secretSha256");
    if (hash == null || hash.length() != 64) {
      throw new IllegalArgumentException("secretSha256 must be 64 hex digits");
    }
    String id = text(in, "id");
    if (!validId(id)) {
      throw new IllegalArgumentException("id must be " + ID_HEX + " lowercase hex digits");
    }
    return new ApiKey(id, text(in, "sub"), Set.copyOf(scopes), text(in, "tenant"),
        text(in, "plan"), number(in, "createdAt"), text(in, "createdBy"),
        number(in, "expiresAt"), number(in, "revokedAt"), text(in, "revokedBy"), hash);
  }

  private static String text(Map<String, Object> in, String field) {
    return in.get(field) instanceof String s ? s : null;
  }

  private static long number(Map<String, Object> in, String field) {
    return in.get(field) instanceof Number n ? n.longValue() : 0;
  }
}
