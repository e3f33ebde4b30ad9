package io.streamgate.gateway.auth.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.streamgate.gateway.auth.Principal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Lookups hash into reused per-thread buffers; what they find must be what was put. */
class TokenCacheTest {
  private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");
  private final TokenCache cache = new TokenCache(100, 5, Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void aTokenIsFoundByItselfAfterBeingPutByItsDigest() throws Exception {
    Principal alice = new Principal("alice", Set.of("views:read"));
    String token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";
    cache.put(TokenCache.digest(token), alice, NOW.getEpochSecond() + 60);
    assertEquals(alice, cache.get(token));
    assertNull(cache.get(token + "x"), "another token");
    assertNull(cache.get("short"), "a shorter token hashed in the same buffers");
    assertEquals(alice, cache.get(token), "and the first one again");
  }

  @Test
  void theDigestIsSha256OfTheUtf8BytesAsciiOrNot() throws Exception {
    for (String token : new String[] {"a.b.c", "é.ü.€", "x".repeat(5_000)}) {
      byte[] expected = MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(StandardCharsets.UTF_8));
      byte[] actual = new byte[32];
      TokenCache.digest(token).get(actual);
      assertEquals(java.util.HexFormat.of().formatHex(expected),
          java.util.HexFormat.of().formatHex(actual), token.substring(0, 5));
      Principal p = new Principal(token.substring(0, 3), Set.of());
      cache.put(TokenCache.digest(token), p, NOW.getEpochSecond() + 60);
      assertEquals(p, cache.get(token));
    }
  }
}
