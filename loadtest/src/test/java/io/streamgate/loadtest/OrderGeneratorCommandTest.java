package io.streamgate.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class OrderGeneratorCommandTest {
  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    CommandLine cli = new CommandLine(new OrderGenerator(new PrintStream(progress, true, StandardCharsets.UTF_8)));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out + progress.toString(StandardCharsets.UTF_8), err.toString());
  }

  @Test
  void helpListsEveryOption() {
    Run help = run("--help");
    assertEquals(0, help.exit());
    for (String option : new String[] {"--bootstrap", "--topic", "--rate", "--users", "--products", "--count", "--seed"}) {
      assertTrue(help.out().contains(option), option + " in " + help.out());
    }
  }

  @Test
  void nonsenseValuesAreUsageErrorsNamingTheProblem() {
    Run rate = run("--rate", "0");
    assertEquals(2, rate.exit());
    assertTrue(rate.err().contains("rate must be a positive number of events per second, but was 0.0"), rate.err());
    Run users = run("--users", "0");
    assertEquals(2, users.exit());
    assertTrue(users.err().contains("users must be at least 1, but was 0"), users.err());
    Run count = run("--count", "-5");
    assertEquals(2, count.exit());
    assertTrue(count.err().contains("--count must be >= 0, but was -5"), count.err());
  }
}
