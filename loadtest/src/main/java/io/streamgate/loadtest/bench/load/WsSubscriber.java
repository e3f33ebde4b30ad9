package io.streamgate.loadtest.bench.load;

import io.vertx.core.Future;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

/**
 * One WebSocket connection to {@code /v1/ws} speaking the gateway's push protocol: the client
 * sends {@code {"op":"subscribe","id","view","keys":[...]}}; the server answers
 * {@code {"type":"snapshot"|"update","id","view","key","version","updatedAt","value"}}, one
 * {@code {"type":"subscribed",...}} per subscribe, and {@code {"type":"error","code",...}}
 * (docs/push.md). WebSocket ping frames are answered by Vert.x. Authenticates with both the
 * {@code access_token} query parameter
 * and the Authorization header. Messages are handed to {@code onMessage} on the connection's
 * event loop, with the receive time taken before parsing.
 */
public final class WsSubscriber {
  /** Keys per subscribe message: the gateway's default {@code push.maxKeysPerSubscription}. */
  public static final int MAX_KEYS_PER_SUBSCRIBE = 100;

  /** One server message; {@code receivedNanos}/{@code receivedMillis} are taken on arrival. */
  public record Message(String type, String id, String view, String key, long version, long updatedAt,
      JsonObject raw, long receivedNanos, long receivedMillis) {}

  private final WebSocket socket;

  private WsSubscriber(WebSocket socket) {
    this.socket = socket;
  }

  /** Connects; the future fails on a refused handshake (e.g. 401) or I/O error. */
  public static Future<WsSubscriber> connect(WebSocketClient client, Target target, String token,
      Consumer<Message> onMessage) {
    String uri = target.path("/v1/ws")
        + (token == null ? "" : "?access_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(target.host()).setPort(target.port())
        .setSsl(target.tls()).setURI(uri);
    if (token != null) {
      options.putHeader("Authorization", "Bearer " + token);
    }
    return client.connect(options).map(ws -> {
      ws.textMessageHandler(text -> {
        long nanos = System.nanoTime();
        long millis = System.currentTimeMillis();
        onMessage.accept(parse(text, nanos, millis));
      });
      return new WsSubscriber(ws);
    });
  }

  /** Parses one server message; pure apart from the JSON decoding. Unknown shapes get type "invalid". */
  public static Message parse(String text, long receivedNanos, long receivedMillis) {
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (RuntimeException e) {
      return new Message("invalid", null, null, null, 0, 0, new JsonObject().put("text", text), receivedNanos,
          receivedMillis);
    }
    Object version = json.getValue("version");
    Object updatedAt = json.getValue("updatedAt");
    return new Message(String.valueOf(json.getValue("type", "invalid")), json.getString("id"),
        json.getString("view"), json.getString("key"),
        version instanceof Number n ? n.longValue() : 0, updatedAt instanceof Number n ? n.longValue() : 0,
        json, receivedNanos, receivedMillis);
  }

  /** The subscribe message, as the protocol defines it. Pure. */
  public static String subscribeMessage(String id, String view, Collection<String> keys) {
    return new JsonObject().put("op", "subscribe").put("id", id).put("view", view)
        .put("keys", new JsonArray(new java.util.ArrayList<>(keys))).encode();
  }

  /**
   * Subscribes to {@code keys} in chunks of at most {@value #MAX_KEYS_PER_SUBSCRIBE} (the gateway's
   * default {@code push.maxKeysPerSubscription}), ids {@code <id>} or {@code <id>-<n>}.
   *
   * @return how many subscribe messages were sent (each is answered by one {@code subscribed})
   */
  public Future<Integer> subscribe(String id, String view, List<String> keys) {
    List<Future<Void>> sent = new ArrayList<>();
    int chunks = chunks(keys.size());
    for (int c = 0; c < chunks; c++) {
      List<String> chunk = keys.subList(c * MAX_KEYS_PER_SUBSCRIBE,
          Math.min(keys.size(), (c + 1) * MAX_KEYS_PER_SUBSCRIBE));
      sent.add(socket.writeTextMessage(subscribeMessage(chunks == 1 ? id : id + "-" + c, view, chunk)));
    }
    return Future.all(sent).map(chunks);
  }

  /** Subscribe messages needed for {@code keys} keys. */
  public static int chunks(int keys) {
    return Math.max(1, (keys + MAX_KEYS_PER_SUBSCRIBE - 1) / MAX_KEYS_PER_SUBSCRIBE);
  }

  public Future<Void> close() {
    return socket.close();
  }

  public boolean isClosed() {
    return socket.isClosed();
  }
}
