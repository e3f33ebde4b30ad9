package io.streamgate.gateway.auth.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.auth.ApiKey;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeyFormatTest {

  @Test
  void aGeneratedKeyParsesBackToItsIdAndSecret() {
    ApiKeyFormat.Parts parts = ApiKeyFormat.generate();
    String key = parts.key();
    assertEquals(ApiKeyFormat.KEY_CHARS, key.length());
    assertEquals(parts, ApiKeyFormat.parse(key));
    assertNotEquals(parts, ApiKeyFormat.generate());
  }

  @Test
  void malformedKeysAreRecognisedWithoutALookup() {
    String good = ApiKeyFormat.generate().key();
    assertNull(ApiKeyFormat.parse(null));
    assertNull(ApiKeyFormat.parse(good.substring(1)));
    assertNull(ApiKeyFormat.parse(good + "x"));
    assertNull(ApiKeyFormat.parse("sgk_0123456789ABCDEF_" + "a".repeat(43)));
    assertNull(ApiKeyFormat.parse("xyz_0123456789abcdef_" + "a".repeat(43)));
    assertTrue(ApiKeyFormat.validId("0123456789abcdef"));
    assertFalse(ApiKeyFormat.validId("0123456789abcde"));
    assertFalse(ApiKeyFormat.validId("../../etc/passwd"));
  }

  @Test
  void onlyTheSecretsHashIsKeptAndItMatchesOnlyThatSecret() {
    ApiKeyFormat.Parts parts = ApiKeyFormat.generate();
    byte[] hash = ApiKeyFormat.sha256(parts.secret());
    assertTrue(ApiKeyFormat.matches(parts.secret(), hash));
    assertFalse(ApiKeyFormat.matches(parts.secret().substring(1) + "A", hash));
    ApiKey record = new ApiKey(parts.id(), "partner", Set.of("views:read", "events:write"),
        "acme", "metered", 1_764_950_400_000L, "ops", 0, 0, null, ApiKeyFormat.hex(hash));
    String json = ApiKeyFormat.toJson(record);
    assertFalse(json.contains(parts.secret()), json);
    assertEquals(record, ApiKeyFormat.fromJson(json));
    assertFalse(record.describe(0).containsKey("secretSha256"));
    assertEquals("apikey " + parts.id(), record.principal().keyId());
  }
}
