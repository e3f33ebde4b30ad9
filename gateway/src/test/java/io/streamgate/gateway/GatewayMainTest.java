package io.streamgate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Argument and configuration handling of the entry point (no server is started). */
class GatewayMainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @TempDir Path dir;

  @Test
  void helpPrintsUsageAndExitsZero() {
    assertEquals(0, run(Map.of(), "--help"));
    assertTrue(out().startsWith("Usage: gateway [--config FILE]"), out());
    assertTrue(out().contains("STREAMGATE_REDIS_URL"), out());
    assertEquals(0, run(Map.of(), "--config", "whatever.yaml", "-h"));
  }

  @Test
  void unknownArgumentsAreUsageErrors() {
    assertEquals(GatewayMain.EXIT_USAGE, run(Map.of(), "--port", "1"));
    assertTrue(err().startsWith("gateway: unknown argument '--port'"), err());
    assertEquals(GatewayMain.EXIT_USAGE, run(Map.of(), "--config"));
    assertTrue(err().contains("--config needs a file name"), err());
  }

  @Test
  void configErrorsAreOneLineAndExitTwo() throws Exception {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(file, "http:\n  port: 70000\n");
    assertEquals(GatewayMain.EXIT_USAGE, run(Map.of(), "--config", file.toString()));
    assertEquals("gateway: " + file + ": http.port must be 1-65535, or 0 for any free port,"
        + " but was 70000", err().strip());
  }

  @Test
  void configFileComesFromTheEnvironmentWhenNotGiven() throws Exception {
    Path file = dir.resolve("from-env.yaml");
    Files.writeString(file, "redis:\n  timeoutMs: 0\n");
    assertEquals(GatewayMain.EXIT_USAGE, run(Map.of("STREAMGATE_CONFIG", file.toString())));
    assertTrue(err().contains(file + ": redis.timeoutMs must be 1-60000"), err());

    assertEquals(Path.of("given.yaml"),
        GatewayMain.parseArgs(new String[] {"--config=given.yaml"}, Map.of("STREAMGATE_CONFIG", "x")));
    assertEquals(null, GatewayMain.parseArgs(new String[0], Map.of()));
  }

  @Test
  void aMissingSecretFileStopsStartupWithWhatToDo() {
    Path missing = dir.resolve("absent.secret");
    assertEquals(GatewayMain.EXIT_USAGE, run(Map.of(
        "STREAMGATE_JWT_SECRET_FILE", missing.toString(), "STREAMGATE_HTTP_PORT", "0")));
    assertTrue(err().startsWith("gateway: auth.keys[0].secretFile names " + missing), err());
  }

  private int run(Map<String, String> env, String... args) {
    out.reset();
    err.reset();
    return GatewayMain.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }
}
