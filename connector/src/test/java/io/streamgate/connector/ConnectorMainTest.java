package io.streamgate.connector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.harness.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectorMainTest {
  @TempDir
  Path temp;

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = ConnectorMain.run(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void helpPrintsUsage() {
    Run run = run("--help");
    assertEquals(0, run.exit());
    assertTrue(run.out().startsWith("Usage: connector --config FILE"), run.out());
  }

  @Test
  void anEngineThatFailsEndsTheRunWithOneInsteadOfHanging() throws Exception {
    // Regression: closing an engine that had failed threw, the producer stayed open and its
    // threads kept the JVM alive.
    int nothing = FreePorts.find();
    Path config = Files.writeString(temp.resolve("c.yaml"), """
        database: {port: %d, dbname: shop, user: cdc}
        tables: [public.t]
        kafka: {bootstrapServers: "127.0.0.1:%d"}
        stateDir: %s
        """.formatted(nothing, nothing, temp.resolve("state")));
    assertEquals(1, run("--config", config.toString()).exit());
  }

  @Test
  void badArgumentsAndConfigurationExitWithTwoAndOneLine() throws Exception {
    assertEquals(new Run(2, "", "connector: --config FILE is required\nRun with --help for usage.\n"), run());
    assertEquals(2, run("--config", "x.yaml", "--metrics-port", "http").exit());

    Path config = Files.writeString(temp.resolve("c.yaml"), "database: {dbname: shop}\ntables: [public.t]\nstateDir: s\n");
    Run bad = run("--config", config.toString());
    assertEquals(2, bad.exit());
    assertEquals("connector: " + config + ": database.user is required\n", bad.err());
  }
}
