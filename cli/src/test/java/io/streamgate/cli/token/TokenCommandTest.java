package io.streamgate.cli.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.cli.Main;
import io.streamgate.contract.json.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TokenCommandTest {
  @TempDir Path dir;

  private record Run(int exit, String out, String err) {
    String lastLine() {
      List<String> lines = out.strip().lines().toList();
      return lines.get(lines.size() - 1);
    }
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private static Map<String, Object> decode(String part) {
    return Json.parseObject(new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8));
  }

  @Test
  void lastLineIsAJwtWhoseClaimsMatchTheFlagsAndWhoseSignatureUsesTheSecretFile() throws Exception {
    Path secretFile = dir.resolve("secret");
    Run run = run("token", "--sub", "alice", "--scope", "views:read events:orders:write", "--tenant", "acme",
        "--plan", "gold", "--ttl", "600", "--secret-file", secretFile.toString());

    assertEquals(0, run.exit(), run.err());
    String[] parts = run.lastLine().split("\\.");
    assertEquals(3, parts.length, run.lastLine());
    Map<String, Object> header = decode(parts[0]);
    assertEquals("HS256", header.get("alg"));
    assertEquals("demo", header.get("kid"));
    Map<String, Object> claims = decode(parts[1]);
    assertEquals("alice", claims.get("sub"));
    assertEquals("views:read events:orders:write", claims.get("scope"));
    assertEquals("acme", claims.get("tenant"));
    assertEquals("gold", claims.get("plan"));
    assertEquals("streamgate", claims.get("iss"));
    Object aud = claims.get("aud");
    assertTrue("streamgate".equals(aud) || List.of("streamgate").equals(aud), "aud was " + aud);
    assertEquals(600L, (Long) claims.get("exp") - (Long) claims.get("iat"));
    long now = System.currentTimeMillis() / 1000;
    assertTrue(Math.abs((Long) claims.get("iat") - now) < 60, "iat is now");

    // The gateway's rule: HMAC key = UTF-8 bytes of the trimmed secret file content.
    String secret = Files.readString(secretFile).strip();
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    byte[] expected = mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertTrue(MessageDigest.isEqual(expected, Base64.getUrlDecoder().decode(parts[2])), "signature verifies");
  }

  @Test
  void optionalClaimsAreLeftOutAndTheSecretIsCreatedInTheStateDir() {
    Run run = run("token", "--sub", "bob", "--scope", "views:user_totals:read", "--state-dir", dir.toString());
    assertEquals(0, run.exit(), run.err());
    Map<String, Object> claims = decode(run.lastLine().split("\\.")[1]);
    assertEquals(false, claims.containsKey("tenant"));
    assertEquals(false, claims.containsKey("plan"));
    assertEquals(3600L, (Long) claims.get("exp") - (Long) claims.get("iat"));
    assertTrue(Files.exists(dir.resolve(DemoSecret.FILE_NAME)));
    assertTrue(run.err().contains("created a new JWT secret"), run.err());
    // Only the token is on standard output, so TOKEN=$(./streamgate token ...) works.
    assertEquals(1, run.out().strip().lines().count());
  }

  @Test
  void badFlagsAreUsageErrorsThatSayWhatIsWrong() {
    Run blankScope = run("token", "--sub", "bob", "--scope", " ", "--state-dir", dir.toString());
    assertEquals(2, blankScope.exit());
    assertTrue(blankScope.err().contains("--scope must name at least one scope"), blankScope.err());
    Run badTtl = run("token", "--sub", "bob", "--scope", "views:read", "--ttl", "0", "--state-dir", dir.toString());
    assertEquals(2, badTtl.exit());
    assertTrue(badTtl.err().contains("--ttl must be between 1 and"), badTtl.err());
    Run both = run("token", "--sub", "bob", "--scope", "views:read", "--state-dir", dir.toString(),
        "--secret-file", dir.resolve("x").toString());
    assertEquals(2, both.exit());
    assertTrue(both.err().contains("mutually exclusive"), both.err());
  }
}
