package io.streamgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.cli.token.TokenRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchCommandTest {
  @Test
  void mintsOnlyWhenAScenarioRunsWithoutAToken() {
    assertTrue(BenchCommand.wantsToken(List.of("rest-read", "--rate", "100")));
    assertFalse(BenchCommand.wantsToken(List.of()));
    assertFalse(BenchCommand.wantsToken(List.of("rest-read", "--token", "abc")));
    assertFalse(BenchCommand.wantsToken(List.of("rest-read", "--token=abc")));
    assertFalse(BenchCommand.wantsToken(List.of("rest-read", "--help")));
  }

  @Test
  void tokenReadsViewsAndWritesTheNamedStreamWithThePlan() {
    TokenRequest plain = BenchCommand.tokenFor(List.of("ingest"));
    assertEquals("views:read events:orders:write", plain.scope());
    assertNull(plain.plan());
    TokenRequest named = BenchCommand.tokenFor(List.of("rate-limit", "--stream", "clicks", "--plan=trial"));
    assertEquals("views:read events:clicks:write", named.scope());
    assertEquals("trial", named.plan());
  }

  @Test
  void theDemoKeyIsFoundInTheStateDirectoryGiven() {
    assertEquals(java.nio.file.Path.of(".streamgate", "demo-jwt.secret"), BenchCommand.demoSecret(List.of("soak")));
    assertEquals(java.nio.file.Path.of("/tmp/sg", "demo-jwt.secret"),
        BenchCommand.demoSecret(List.of("chaos", "--state-dir", "/tmp/sg")));
  }

  @Test
  void theStateDirectoryGoesOnlyToTheScenariosThatReadIt() {
    assertEquals(List.of("freshness", "--duration", "30s"),
        BenchCommand.forwarded(List.of("freshness", "--state-dir", "/tmp/sg", "--duration", "30s")));
    assertEquals(List.of("rest-read"), BenchCommand.forwarded(List.of("rest-read", "--state-dir=/tmp/sg")));
    assertEquals(List.of("soak", "--state-dir", "/tmp/sg"),
        BenchCommand.forwarded(List.of("soak", "--state-dir", "/tmp/sg")));
  }

  @Test
  void webSocketClientsGetASubjectPerTwentyFive() throws Exception {
    try (io.streamgate.cli.token.TokenMinter minter = new io.streamgate.cli.token.TokenMinter(
        io.streamgate.cli.token.DemoSecret.loadOrCreate(java.nio.file.Files.createTempDirectory("bench")
            .resolve("demo-jwt.secret")))) {
      assertEquals(40, BenchCommand.wsTokens(minter, List.of("soak")).size(), "1,000 clients at least");
      List<String> many = BenchCommand.wsTokens(minter, List.of("ws-fanout", "--subscribers", "10000"));
      assertEquals(400, many.size());
      assertEquals(400, new java.util.HashSet<>(many).size(), "one subject each");
    }
  }
}
