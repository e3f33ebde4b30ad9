package io.streamgate.gateway.warmup.internal;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.nio.charset.StandardCharsets;

/**
 * One loopback connection of the warm-up: sends a GET as raw HTTP/1.1 bytes, reads its response,
 * sends the next. Its own cost per request is one buffer written and one response head scanned,
 * a fraction of an HTTP client's (request and response objects, header maps, futures): on a
 * one-core gateway the warm-up's CPU then goes to the server's code, the code it is there to
 * compile. With vert.x's HTTP client the warm-up made ~2,100 reads/s on one core where the server
 * alone served ~6,000 (loadtest/bench/first-second.sh), too few for C2 to compile the read path
 * before readiness.
 *
 * <p>Understands the responses the gateway sends: a head and a {@code Content-Length} body; any
 * other framing closes the connection as failed. After its share of requests it closes itself,
 * so the driver opens another. Confined to the warm-up's context.
 */
final class RawGetConnection {
  /** What the connection reads next and whom it tells. */
  interface Driver {
    /** The next path (with query) to GET, or null to stop. */
    String next();

    /** A response's status code. */
    void answered(int status);

    /** The connection failed or was closed by the server; it sends nothing more. */
    void lost(Throwable cause);

    /** The connection made its share of requests and closed itself. */
    void retired();
  }

  private static final String HEAD_END = "\r\n\r\n";
  private static final byte[] GET = "GET ".getBytes(StandardCharsets.US_ASCII);

  private final NetSocket socket;
  private final Driver driver;
  /** " HTTP/1.1\r\n" and the headers every request carries, through the blank line. */
  private final byte[] requestTail;
  private final RecordParser parser;
  private final int share;
  private int answers;
  private int status;
  /** Whether the parser's next record is a body, not a head. */
  private boolean inBody;
  private boolean closed;

  private RawGetConnection(NetSocket socket, String headers, int share, Driver driver) {
    this.socket = socket;
    this.driver = driver;
    this.share = share;
    this.requestTail = (" HTTP/1.1\r\n" + headers + "\r\n").getBytes(StandardCharsets.UTF_8);
    this.parser = RecordParser.newDelimited(HEAD_END, this::record);
    socket.handler(parser);
    socket.exceptionHandler(this::lose);
    socket.closeHandler(v -> lose(new IllegalStateException("the gateway closed the connection")));
  }

  /**
   * Connects and starts reading what {@code driver} names, one request at a time.
   *
   * @param headers header lines every request carries, each ending in CRLF (Host first)
   * @param share   answers after which the connection closes itself ({@link Driver#retired})
   */
  static Future<RawGetConnection> open(NetClient client, String host, int port, String headers,
      int share, Driver driver) {
    return client.connect(port, host).map(socket -> {
      RawGetConnection connection = new RawGetConnection(socket, headers, share, driver);
      connection.sendNext();
      return connection;
    });
  }

  private void close() {
    closed = true;
    socket.close();
  }

  private void sendNext() {
    String path = closed ? null : driver.next();
    if (path == null) {
      close();
      return;
    }
    socket.write(Buffer.buffer(GET.length + path.length() + requestTail.length)
        .appendBytes(GET).appendString(path, "UTF-8").appendBytes(requestTail));
  }

  private void record(Buffer record) {
    if (inBody) {
      inBody = false;
      parser.delimitedMode(HEAD_END);
      answered();
      return;
    }
    String head = record.toString(StandardCharsets.ISO_8859_1);
    long length = contentLength(head);
    status = status(head);
    if (status < 0 || length < 0 || length > Integer.MAX_VALUE) {
      lose(new IllegalStateException("a response the warm-up cannot frame: "
          + head.lines().findFirst().orElse("")));
    } else if (length == 0) {
      answered();
    } else {
      inBody = true;
      parser.fixedSizeMode((int) length);
    }
  }

  private void answered() {
    if (closed) {
      return;
    }
    driver.answered(status);
    if (++answers < share) {
      sendNext();
    } else {
      close();
      driver.retired();
    }
  }

  private void lose(Throwable cause) {
    if (!closed) {
      close();
      driver.lost(cause);
    }
  }

  /** The status code of a response head ({@code HTTP/1.1 200 OK}), or -1. */
  static int status(String head) {
    if (head.length() < 12 || !head.startsWith("HTTP/1.") || head.charAt(8) != ' ') {
      return -1;
    }
    try {
      return Integer.parseInt(head, 9, 12, 10);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The Content-Length of a response head, or -1 (absent, unparsable, or chunked). */
  static long contentLength(String head) {
    int at = 0;
    while (at < head.length()) {
      int end = head.indexOf("\r\n", at);
      end = end < 0 ? head.length() : end;
      int colon = head.indexOf(':', at);
      if (colon > at && colon < end
          && head.regionMatches(true, at, "content-length", 0, colon - at)
          && colon - at == "content-length".length()) {
        try {
          return Long.parseLong(head.substring(colon + 1, end).trim());
        } catch (NumberFormatException e) {
          return -1;
        }
      }
      at = end + 2;
    }
    return -1;
  }
}
