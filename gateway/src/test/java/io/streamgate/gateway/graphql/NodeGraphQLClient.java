package io.streamgate.gateway.graphql;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The {@code graphql-ws} npm client (the one browsers and Node apps use for
 * {@code graphql-transport-ws}), run by node from {@code src/test/graphql-client/client.mjs}:
 * commands go to its stdin, its events come back as JSON lines. Installed once per build with
 * {@code npm ci} from the committed lock file into {@code target/graphql-client}. Tests using it
 * are skipped when node is not installed; a failing install fails them.
 */
final class NodeGraphQLClient implements AutoCloseable {
  /** Generous: node starts slowly on a loaded machine. */
  static final long WAIT_MS = 30_000;
  private static final Path SOURCE = Path.of("src/test/graphql-client");
  private static final Path INSTALLED = Path.of("target/graphql-client");
  private static boolean installed;

  private final Process process;
  private final Writer stdin;
  private final LinkedBlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();

  private NodeGraphQLClient(Process process) {
    this.process = process;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          if (line.startsWith("{")) {
            events.add(new JsonObject(line));
          }
        }
      } catch (IOException e) {
        // the process ended
      }
    }, "graphql-ws-client-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /** Skips the calling test when node is not installed. */
  static void assumeNode() {
    assumeTrue(run(Path.of("."), "node", "--version") == 0, "node is not installed");
  }

  /** Connects to {@code url} (ws://…/v1/graphql?access_token=…). */
  static NodeGraphQLClient connect(String url) {
    install();
    try {
      Process process = new ProcessBuilder("node", "client.mjs", url)
          .directory(INSTALLED.toFile())
          .redirectError(INSTALLED.resolve("client.stderr.log").toFile())
          .start();
      return new NodeGraphQLClient(process);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static synchronized void install() {
    if (installed) {
      return;
    }
    try {
      Files.createDirectories(INSTALLED);
      for (String file : List.of("package.json", "package-lock.json", "client.mjs")) {
        Files.copy(SOURCE.resolve(file), INSTALLED.resolve(file),
            StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!Files.isDirectory(INSTALLED.resolve("node_modules/graphql-ws"))) {
      int exit = run(INSTALLED, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
      if (exit != 0) {
        throw new AssertionError("npm ci in " + INSTALLED.toAbsolutePath() + " failed (exit "
            + exit + "); see npm.log there");
      }
    }
    installed = true;
  }

  private static int run(Path dir, String... command) {
    try {
      Process process = new ProcessBuilder(command).directory(dir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("npm.log").toFile()).start();
      if (!process.waitFor(300, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return -1;
      }
      return process.exitValue();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Starts an operation (a subscription, or a query over the socket) under {@code id}. */
  void subscribe(String id, String query) {
    send(new JsonObject().put("id", id).put("query", query));
  }

  /** Completes the operation {@code id} from the client's side. */
  void cancel(String id) {
    send(new JsonObject().put("cancel", id));
  }

  private void send(JsonObject command) {
    try {
      stdin.write(command.encode() + "\n");
      stdin.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The next event, failing after {@link #WAIT_MS}. */
  JsonObject next() {
    try {
      JsonObject event = events.poll(WAIT_MS, TimeUnit.MILLISECONDS);
      if (event == null) {
        throw new AssertionError("no event from the graphql-ws client within " + WAIT_MS
            + " ms (stderr: target/graphql-client/client.stderr.log)");
      }
      return event;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Events until one matches {@code last} (included). */
  List<JsonObject> until(Predicate<JsonObject> last) {
    List<JsonObject> out = new ArrayList<>();
    while (true) {
      JsonObject event = next();
      out.add(event);
      if (last.test(event)) {
        return out;
      }
    }
  }

  /** The next {@code next} payload of operation {@code id} (skipping other events). */
  JsonObject nextPayload(String id) {
    List<JsonObject> seen = until(e -> id.equals(e.getString("id")) && e.containsKey("next"));
    return seen.get(seen.size() - 1).getJsonObject("next");
  }

  @Override
  public void close() {
    try {
      stdin.close();
    } catch (IOException e) {
      // already gone
    }
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
