package io.streamgate.cli.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.cli.Main;
import io.streamgate.harness.FreePorts;
import io.streamgate.harness.KafkaBroker;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** produce and consume against a real broker. */
class KafkaCommandsIT {
  private record Run(int exit, String out, String err) {}

  /** Runs {@code streamgate ARGS}; with {@code stdin}, runs {@code produce ARGS} reading it. */
  private static Run run(String stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = stdin == null ? Main.commandLine()
        : new CommandLine(new ProduceCommand(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8))));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return new Run(cli.execute(args), out.toString(), err.toString());
  }

  @Test
  void producesLinesKeyedByOrderIdStopsAtABadLineAndConsumeReadsThemBack() {
    String bootstrap = KafkaBroker.shared().bootstrapServers();
    String topic = "cli-it-" + System.nanoTime();
    String input = "{\"orderId\":\"o-1\",\"status\":\"created\"}\n\n{\"orderId\":\"o-1\",\"status\":\"paid\"}\n"
        + "not json\n{\"orderId\":\"o-2\",\"status\":\"created\"}\n";

    Run produced = run(input, topic, "--bootstrap", bootstrap);

    assertEquals(1, produced.exit(), produced.err());
    assertTrue(produced.err().contains("line 4 not a JSON object"), produced.err());
    assertTrue(produced.err().contains("after writing 2 events to '" + topic + "'"), produced.err());

    Run consumed = run(null, "consume", topic, "--from-beginning", "--timeout", "3", "--bootstrap", bootstrap);
    assertEquals(0, consumed.exit(), consumed.err());
    assertEquals(List.of("{\"orderId\":\"o-1\",\"status\":\"created\"}", "{\"orderId\":\"o-1\",\"status\":\"paid\"}"),
        consumed.out().strip().lines().toList());
    assertTrue(consumed.err().contains("read 2 records"), consumed.err());

    Run limited = run(null, "consume", topic, "--from-beginning", "--max", "1", "--bootstrap", bootstrap);
    assertEquals(1, limited.out().strip().lines().count());
  }

  @Test
  void unreachableBrokerIsReportedClearly() {
    String nowhere = "127.0.0.1:" + FreePorts.find();
    Run produced = run("{\"orderId\":\"o\"}\n{\"orderId\":\"p\"}\n", "orders", "--bootstrap", nowhere);
    assertEquals(1, produced.exit());
    assertTrue(produced.err().contains("cannot reach Kafka at " + nowhere), produced.err());
    assertTrue(produced.err().contains("0 of 1 events were written"), produced.err());
  }

  @Test
  void consumingAMissingTopicSaysSo() {
    Run consumed = run(null, "consume", "missing-" + System.nanoTime(), "--timeout", "1",
        "--bootstrap", KafkaBroker.shared().bootstrapServers());
    assertEquals(1, consumed.exit());
    assertTrue(consumed.err().contains("does not exist"), consumed.err());
  }
}
