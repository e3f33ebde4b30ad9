package io.streamgate.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.harness.FreePorts;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line's contract: help, and one-line failures with their exit codes. */
class ProcessorMainTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = ProcessorMain.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void theMasterSparkSubmitSetWinsOverTheLocalDefault() {
    String before = System.getProperty("spark.master");
    System.setProperty("spark.master", "k8s://https://kubernetes.default.svc");
    try {
      ProcessorMain main = new ProcessorMain();
      new CommandLine(main).parseArgs("--pipeline", "p.yaml");
      assertEquals("k8s://https://kubernetes.default.svc", main.master);
      ProcessorMain explicit = new ProcessorMain();
      new CommandLine(explicit).parseArgs("--pipeline", "p.yaml", "--master", "local[3]");
      assertEquals("local[3]", explicit.master);
    } finally {
      if (before == null) {
        System.clearProperty("spark.master");
      } else {
        System.setProperty("spark.master", before);
      }
    }
  }

  @Test
  void helpNamesEveryOptionAndItsEnvironmentVariable() {
    assertEquals(0, run("--help"));
    for (String expected : new String[] {"--pipeline", "STREAMGATE_PIPELINE", "--kafka",
        "STREAMGATE_KAFKA_BOOTSTRAP", "--redis", "STREAMGATE_REDIS_URL", "--namespace",
        "STREAMGATE_NAMESPACE", "--checkpoints", "STREAMGATE_CHECKPOINTS", "--master",
        "STREAMGATE_SPARK_MASTER", "--conf", "--metrics-port", "STREAMGATE_PROCESSOR_METRICS_PORT",
        "--validate", "--reset-view"}) {
      assertTrue(out.toString().contains(expected), expected + " missing from\n" + out);
    }
  }

  @Test
  void aBadPipelineFileIsOneLineAndExitCodeTwo() throws IOException {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, """
        sources:
          orders: { topic: orders, schema: "id STRING" }
        views:
          v: { sql: SELECT id FROM orders, key: id, kind: sometimes }
        """);
    assertEquals(2, run("--pipeline", file.toString(), "--redis", "redis://127.0.0.1:1"));
    assertEquals(file + ": view 'v': view kind must be one of aggregate, windowed, latest, but was"
        + " 'sometimes'", err.toString().strip());
  }

  @Test
  void validateChecksTheSqlWithoutKafkaOrRedis() throws IOException {
    Path file = dir.resolve("p.yaml");
    Files.writeString(file, """
        sources:
          orders: { topic: orders, schema: "id STRING, amount DOUBLE, status STRING" }
        views:
          ok: { sql: "SELECT id, amount FROM orders", key: id, kind: latest }
          v: { sql: "SELECT id, max(status) AS s FROM orders GROUP BY id", key: id, kind: aggregate, rank: s }
          w: { sql: SELECT id FROM payments, key: id, kind: latest }
        """);
    String unreachable = "127.0.0.1:" + FreePorts.find();
    assertEquals(2, run("--validate", "--pipeline", file.toString(), "--kafka", unreachable,
        "--redis", "redis://" + unreachable));
    assertEquals(file + ": view 'v': rank column 's' must be numeric, but is STRING\n"
        + file + ": view 'w': SQL reads unknown source 'payments' (sources: orders)",
        err.toString().strip());

    Path demo = Path.of(System.getProperty("streamgate.root", ".."))
        .resolve("deploy/local/pipeline.yaml");
    assertEquals(0, run("--validate", "--pipeline", demo.toString(), "--kafka", unreachable));
    assertEquals(demo + ": valid: sources orders; views user_totals, order_status,"
        + " product_revenue", out.toString().strip());
  }

  @Test
  void badSettingsAreOneLineAndExitCodeTwo() {
    assertEquals(2, run("--pipeline", "p.yaml", "--redis", "localhost:6379"));
    assertEquals("streamgate-processor: Redis URL must look like redis://host:port, but was"
        + " 'localhost:6379'", err.toString().strip());
  }

  @Test
  void unreachableRedisIsOneLineAndExitCodeThree() {
    int port = FreePorts.find();
    Path pipeline = Path.of(System.getProperty("streamgate.root", ".."))
        .resolve("deploy/local/pipeline.yaml");
    assertEquals(3, run("--pipeline", pipeline.toString(), "--redis", "redis://127.0.0.1:" + port));
    String message = err.toString().strip();
    assertEquals(1, message.lines().count(), message);
    assertTrue(message.startsWith("streamgate-processor: cannot reach Redis at redis://127.0.0.1:"
        + port + ": "), message);
  }
}
