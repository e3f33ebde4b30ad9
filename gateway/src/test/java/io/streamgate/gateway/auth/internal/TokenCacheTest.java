package io.streamgate.gateway.auth.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.streamgate.gateway.ManualClock;
import io.streamgate.gateway.auth.Principal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Lookups hash into reused per-thread buffers and remember recent tokens per thread; what they
 * find must be what was put, and only while it is valid.
 */
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

  @Test
  void aRememberedTokenIsServedOnlyToItselfNotToOneSharingItsSlot() {
    // Same last characters, so the same slot among the remembered tokens.
    String a = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.sigXY";
    String b = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJiIn0.sigXY";
    Principal alice = new Principal("alice", Set.of());
    Principal bob = new Principal("bob", Set.of());
    cache.put(TokenCache.digest(a), alice, NOW.getEpochSecond() + 60);
    assertEquals(alice, cache.get(a));
    assertNull(cache.get(b), "b was never put: a, remembered in its slot, must not answer it");
    cache.put(TokenCache.digest(b), bob, NOW.getEpochSecond() + 60);
    assertEquals(bob, cache.get(b));
    assertEquals(alice, cache.get(a));
    assertEquals(alice, cache.get(a), "remembered");
  }

  @Test
  void aRememberedTokenIsRefusedOnceItExpires() {
    ManualClock clock = new ManualClock(NOW.toEpochMilli());
    TokenCache expiring = new TokenCache(100, 5, clock);
    String token = "a.b.c";
    Principal alice = new Principal("alice", Set.of());
    expiring.put(TokenCache.digest(token), alice, NOW.getEpochSecond() + 60);
    assertEquals(alice, expiring.get(token));
    assertEquals(alice, expiring.get(token), "remembered");

    clock.set((NOW.getEpochSecond() + 60 + 5) * 1000 - 1); // the leeway's last millisecond
    assertEquals(alice, expiring.get(token));
    clock.advance(1);
    assertNull(expiring.get(token), "expired, remembered or not");
    assertEquals(0, expiring.size(), "and gone from the cache");
  }

  @Test
  void aRememberedTokenOfADroppedKeyIsRefused() {
    String token = "a.b.c";
    Principal alice = new Principal("alice", Set.of(), null, null, NOW.getEpochSecond() + 60,
        "k1");
    cache.put(TokenCache.digest(token), alice, NOW.getEpochSecond() + 60);
    assertEquals(alice, cache.get(token));
    assertEquals(alice, cache.get(token), "remembered");

    cache.dropKeys(Set.of("k2"));
    assertEquals(alice, cache.get(token), "another key's drop changes nothing");
    cache.dropKeys(Set.of("k1"));
    assertNull(cache.get(token), "its key was dropped");
  }
}
