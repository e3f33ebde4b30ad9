package io.streamgate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.Row;
import io.streamgate.gateway.config.IngestConfig;
import io.streamgate.gateway.metrics.GatewayMetrics;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A few hundred random and mutated requests and WebSocket messages against a real gateway:
 * odd methods, paths with odd escapes, headers and bodies. Every request is answered within a
 * timeout, none with a 5xx, and every 4xx is problem+json with a requestId; every WebSocket
 * message gets an answer. The seed is printed (and settable with -Dfuzz.seed) to replay a run.
 */
class FuzzIT {
  private static final int REQUESTS = 300;
  private static final int MESSAGES = 200;
  private static final int TIMEOUT_MS = 5_000;
  private static final Set<String> ANSWERS =
      Set.of("error", "subscribed", "unsubscribed", "pong", "authenticated");

  @TempDir static Path tempDir;
  static GatewayFixture fx;
  static String token;

  @BeforeAll
  static void start() {
    fx = GatewayFixture.start(tempDir, seed -> {
      seed.register("user_totals", "orders");
      seed.write(new Row("user_totals", "u1", 1, 1, "{\"orders\":1}"));
    }, c -> c.withIngest(IngestConfig.defaults().withEnabled(false)));
    token = fx.token("views:read");
  }

  @AfterAll
  static void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  static long seed() {
    String fixed = System.getProperty("fuzz.seed");
    long seed = fixed != null ? Long.parseLong(fixed) : System.nanoTime();
    System.out.println("FuzzIT seed " + seed + " (replay with -Dfuzz.seed=" + seed + ")");
    return seed;
  }

  @Test
  void randomWebSocketMessagesAreEachAnswered() throws Exception {
    Random random = new Random(seed());
    LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
    StringBuilder partial = new StringBuilder();
    WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
        .header("Authorization", "Bearer " + token)
        .buildAsync(URI.create("ws://127.0.0.1:" + fx.gateway.port() + "/v1/ws"),
            new WebSocket.Listener() {
              @Override
              public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                  received.add(partial.toString());
                  partial.setLength(0);
                }
                w.request(1);
                return null;
              }

              @Override
              public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                received.add("{\"type\":\"closed\",\"code\":" + code + "}");
                return null;
              }
            })
        .get(10, TimeUnit.SECONDS);
    for (int i = 0; i < MESSAGES; i++) {
      String message = message(random, i);
      ws.sendText(message, true).get(5, TimeUnit.SECONDS);
      while (true) {
        String answer = received.poll(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        assertTrue(answer != null, "no answer within " + TIMEOUT_MS + " ms to " + shown(message));
        String type = new JsonObject(answer).getString("type");
        assertTrue(!"closed".equals(type), "socket closed after " + shown(message));
        if (ANSWERS.contains(type)) {
          break;
        }
      }
    }
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
  }

  @Test
  void randomRequestsAreAnsweredWithoutA5xxAndEvery4xxIsAProblem() throws Exception {
    Random random = new Random(seed());
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      String method = pick(random, "GET", "GET", "GET", "POST", "PUT", "DELETE", "HEAD",
          "OPTIONS", "PATCH", "FOO" + random.nextInt(1000), "get", "TRACE");
      String path = path(random);
      StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\n"
          + "Host: 127.0.0.1\r\nConnection: close\r\n");
      switch (random.nextInt(4)) {
        case 0 -> head.append("Authorization: Bearer ").append(token).append("\r\n");
        case 1 -> head.append("Authorization: Bearer ").append(mutate(random, token))
            .append("\r\n");
        case 2 -> head.append("Authorization: ").append(pick(random, "Basic x", "Bearer",
            "Bearer  ", "bearer " + token)).append("\r\n");
        default -> { }
      }
      if (random.nextInt(4) == 0) {
        head.append(pick(random, "Accept", "Content-Type", "X-Request-Id", "Last-Event-ID",
            "If-None-Match", "Origin", "X-" + random.nextInt(99))).append(": ")
            .append(pick(random, "*/*", "application/json", "-1", "\"x\"", "%zz", "é",
                "a".repeat(random.nextInt(300)))).append("\r\n");
      }
      byte[] body = new byte[0];
      if (!method.equals("GET") && !method.equals("HEAD") && random.nextBoolean()) {
        body = pick(random, "{}", "[", "{\"a\":", "[".repeat(random.nextInt(2_000)), "null",
            mutate(random, "{\"orderId\":\"o1\",\"amount\":1}")).getBytes(StandardCharsets.UTF_8);
        head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length)
            .append("\r\n");
      }
      head.append("\r\n");
      String request = method + " " + path;
      Answer answer = send(head.toString(), body);
      if (answer == null) {
        failures.add("no answer within " + TIMEOUT_MS + " ms: " + shown(request));
        continue;
      }
      boolean unserved = !GatewayMetrics.SERVED_METHODS.contains(HttpMethod.valueOf(method));
      if (answer.status >= 500 && !(answer.status == 501 && unserved)) {
        // 501 is the one 5xx allowed: the answer to a method the gateway serves nowhere.
        failures.add(answer.status + " for " + shown(request) + ": " + shown(answer.body));
      } else if (answer.status >= 400 && !method.equals("HEAD")) {
        boolean problem = answer.head.toLowerCase().contains("content-type: application/problem+json");
        boolean requestId = problem && new JsonObject(answer.body).getString("requestId") != null;
        if (!requestId) {
          failures.add(answer.status + " without problem+json and requestId for "
              + shown(request) + ": " + shown(answer.head + answer.body));
        }
      }
    }
    assertEquals(List.of(), failures, failures.size() + " of " + REQUESTS + " requests");
  }

  record Answer(int status, String head, String body) {}

  /** One request on its own connection; null if no whole status line came within the timeout. */
  static Answer send(String head, byte[] body) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", fx.gateway.port())) {
      socket.setSoTimeout(TIMEOUT_MS);
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.UTF_8));
      out.write(body);
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      byte[] buffer = new byte[8_192];
      try {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          all.write(buffer, 0, n);
        }
      } catch (SocketTimeoutException | java.net.SocketException e) {
        // judged on what arrived: a kept-open connection after a whole answer is fine
      }
      String text = all.toString(StandardCharsets.UTF_8);
      int end = text.indexOf("\r\n\r\n");
      if (!text.startsWith("HTTP/1.1 ") || end < 0) {
        return null;
      }
      return new Answer(Integer.parseInt(text.substring(9, 12)), text.substring(0, end),
          dechunk(text.substring(0, end), text.substring(end + 4)));
    }
  }

  private static String dechunk(String head, String body) {
    if (!head.toLowerCase().contains("transfer-encoding: chunked")) {
      return body;
    }
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (true) {
      int line = body.indexOf("\r\n", at);
      if (line < 0) {
        return out.toString();
      }
      int size = Integer.parseInt(body.substring(at, line).trim(), 16);
      if (size == 0) {
        return out.toString();
      }
      out.append(body, line + 2, Math.min(body.length(), line + 2 + size));
      at = line + 2 + size + 2;
    }
  }

  static String path(Random random) {
    String path = pick(random, "/v1/views/user_totals/u1", "/v1/views", "/v1/views/user_totals",
        "/v1/views/user_totals/top?n=3", "/v1/views/user_totals/u1/events", "/v1/events/orders",
        "/health/live", "/health/ready", "/v1/ws", "/", "/v1/views/user_totals/u1,u2",
        "/v1/views/user_totals?keys=u1,u2&limit=-1", "/nope");
    int edits = random.nextInt(3);
    for (int e = 0; e < edits; e++) {
      int at = 1 + random.nextInt(path.length());
      String piece = pick(random, "%zz", "%", "%2", "%2F", "%C3", "%C3%A9", "%FF", "%00",
          "%ED%A0%80", "..", "//", "/./", "%25", "+", ";", "?x=%zz", "#", "\u00e9",
          "a".repeat(random.nextInt(3_000)), "%" + Integer.toHexString(random.nextInt(256)));
      path = path.substring(0, at) + piece + path.substring(at);
    }
    return path.replace(" ", "%20");
  }

  static String message(Random random, int i) {
    String valid = pick(random,
        "{\"op\":\"subscribe\",\"id\":\"s" + i + "\",\"view\":\"user_totals\",\"keys\":[\"u1\"]}",
        "{\"op\":\"subscribe\",\"id\":\"w" + i + "\",\"view\":\"user_totals\"}",
        "{\"op\":\"unsubscribe\",\"id\":\"s" + (i - 1) + "\"}",
        "{\"op\":\"ping\"}",
        "{\"op\":\"auth\",\"token\":\"" + token + "\"}",
        "{\"op\":\"subscribe\",\"id\":\"v" + i + "\",\"view\":\"user_totals\",\"keys\":[\"u1\"],"
            + "\"versions\":{\"u1\":1}}");
    return switch (random.nextInt(5)) {
      case 0, 1 -> valid;
      case 2 -> mutate(random, valid);
      case 3 -> "[".repeat(random.nextInt(5_000));
      default -> randomText(random, random.nextInt(200));
    };
  }

  static String mutate(Random random, String text) {
    StringBuilder out = new StringBuilder(text);
    int edits = 1 + random.nextInt(4);
    for (int e = 0; e < edits && out.length() > 0; e++) {
      int at = random.nextInt(out.length());
      switch (random.nextInt(3)) {
        case 0 -> out.deleteCharAt(at);
        case 1 -> out.insert(at, pick(random, "\"", "{", "}", "[", "]", ",", ":", "\\", "9",
            "-", "\u0000", "\u00e9", "%"));
        default -> out.setCharAt(at, (char) (32 + random.nextInt(95)));
      }
    }
    return out.toString();
  }

  static String randomText(Random random, int length) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < length; i++) {
      out.append((char) random.nextInt(0xD7FF));
    }
    return out.toString();
  }

  @SafeVarargs
  static <T> T pick(Random random, T... choices) {
    return choices[random.nextInt(choices.length)];
  }

  static String shown(String s) {
    return s.length() <= 160 ? s : s.substring(0, 160) + "…(" + s.length() + ")";
  }
}
