package io.streamgate.gateway.push;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A WebSocket client from outside Vert.x (the JDK's), collecting every message it receives.
 * The JDK client answers pings with pongs by itself.
 */
public final class WsClient implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(5);

  final WebSocket socket;
  final LinkedBlockingQueue<JsonObject> messages = new LinkedBlockingQueue<>();
  final CompletableFuture<int[]> closed = new CompletableFuture<>();
  volatile String closeReason;
  volatile int pings;

  private WsClient(WebSocket socket) {
    this.socket = socket;
  }

  /** Connects with {@code Authorization: Bearer token} (token null: none). */
  public static WsClient connect(int port, String token) {
    return connect(URI.create("ws://127.0.0.1:" + port + "/v1/ws"), token);
  }

  public static WsClient connect(URI uri, String token) {
    Listener listener = new Listener();
    WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder()
        .connectTimeout(Duration.ofSeconds(5));
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    try {
      WebSocket socket = builder.buildAsync(uri, listener).get(10, TimeUnit.SECONDS);
      return listener.client;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } catch (ExecutionException e) {
      throw new HandshakeFailed(e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("no handshake within 10 s", e);
    }
  }

  public static final class HandshakeFailed extends RuntimeException {
    HandshakeFailed(Throwable cause) {
      super(cause);
    }
  }

  public void send(String text) {
    socket.sendText(text, true).join();
  }

  public void send(JsonObject message) {
    send(message.encode());
  }

  /** The next message, failing after {@link #WAIT}. */
  public JsonObject next() {
    try {
      JsonObject message = messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      if (message == null) {
        throw new AssertionError("no message within " + WAIT.toMillis() + " ms");
      }
      return message;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The next message of a type, skipping others (heartbeat-free protocol: pongs, status). */
  public JsonObject next(String type) {
    while (true) {
      JsonObject message = next();
      if (type.equals(message.getString("type"))) {
        return message;
      }
    }
  }

  /** Messages until {@code last} matches one (included). */
  public List<JsonObject> until(Predicate<JsonObject> last) {
    List<JsonObject> out = new ArrayList<>();
    while (true) {
      JsonObject message = next();
      out.add(message);
      if (last.test(message)) {
        return out;
      }
    }
  }

  /** No message arrives within {@code ms}. */
  public void assertQuiet(long ms) {
    try {
      JsonObject message = messages.poll(ms, TimeUnit.MILLISECONDS);
      if (message != null) {
        throw new AssertionError("expected no message, got " + message);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The close code the server sent, failing if none within {@code timeout}. */
  public int closeCode(Duration timeout) {
    try {
      return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS)[0];
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("not closed within " + timeout.toMillis() + " ms", e);
    }
  }

  @Override
  public void close() {
    if (!socket.isOutputClosed()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }
    socket.abort();
  }

  private static final class Listener implements WebSocket.Listener {
    WsClient client;
    private final StringBuilder partial = new StringBuilder();

    @Override
    public void onOpen(WebSocket webSocket) {
      client = new WsClient(webSocket);
      webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        client.messages.add(new JsonObject(partial.toString()));
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
      client.pings++;
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      client.closeReason = reason;
      client.closed.complete(new int[] {statusCode});
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      client.closed.completeExceptionally(error);
    }
  }
}
