package io.streamgate.gateway.auth.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.KeyPairGenerator;
import java.util.List;
import org.junit.jupiter.api.Test;

class JwksDocumentTest {

  @Test
  void keepsSigningKeysAndSaysWhyOthersAreSkipped() throws Exception {
    KeyPairGenerator small = KeyPairGenerator.getInstance("RSA");
    small.initialize(1024);
    JsonObject rsa = JwksTest.jwk("r1", JdkJwt.rsa());
    JsonObject ec = JwksTest.jwk("e1", JdkJwt.ec("secp256r1"));
    JsonObject weak = JwksTest.jwk("weak", small.generateKeyPair());
    JsonObject encryption = JwksTest.jwk("enc", JdkJwt.rsa()).put("use", "enc");
    JsonObject noKid = JwksTest.jwk("x", JdkJwt.rsa());
    noKid.remove("kid");
    JsonObject p384 = JwksTest.jwk("p384", JdkJwt.ec("secp384r1")).put("crv", "P-384");
    JsonObject hmac = new JsonObject().put("kty", "oct").put("kid", "s").put("k", "c2VjcmV0");
    String doc = new JsonObject().put("keys",
        new JsonArray(List.of(rsa, ec, weak, encryption, noKid, p384, hmac, "junk"))).encode();

    JwksDocument.Keys keys = JwksDocument.parse(doc);

    assertEquals(List.of("r1", "e1"), keys.usable().stream().map(k -> k.getString("kid")).toList());
    assertEquals(List.of("RS256", "ES256"),
        keys.usable().stream().map(k -> k.getString("alg")).toList(), "alg is filled in");
    assertEquals(6, keys.skipped().size());
    assertTrue(keys.skipped().get(0).contains("1024-bit RSA key"), keys.skipped().get(0));
    assertTrue(keys.skipped().get(1).contains("use is enc"), keys.skipped().get(1));
    assertTrue(keys.skipped().get(2).contains("no kid"), keys.skipped().get(2));
    assertTrue(keys.skipped().get(5).contains("not an object"), keys.skipped().get(5));
  }

  @Test
  void refusesWhatIsNotAKeySet() {
    assertThrows(IllegalArgumentException.class, () -> JwksDocument.parse("<html>"));
    assertThrows(IllegalArgumentException.class, () -> JwksDocument.parse("{\"kids\":[]}"));
  }
}
