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
}
