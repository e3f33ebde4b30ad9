package io.streamgate.gateway.warmup.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How the warm-up's raw connection frames the gateway's responses. */
class RawGetConnectionTest {
  @Test
  void readsTheStatusOfAResponseHead() {
    assertEquals(200, RawGetConnection.status("HTTP/1.1 200 OK\r\ncontent-length: 2"));
    assertEquals(404, RawGetConnection.status("HTTP/1.0 404 Not Found"));
    assertEquals(-1, RawGetConnection.status("HTTP/2 200"));
    assertEquals(-1, RawGetConnection.status("HTTP/1.1 2x0 OK"));
    assertEquals(-1, RawGetConnection.status("garbage"));
  }

  @Test
  void findsTheContentLengthInAnyCase() {
    assertEquals(312, RawGetConnection.contentLength(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 312"));
    assertEquals(0,
        RawGetConnection.contentLength("HTTP/1.1 304 Not Modified\r\nContent-Length:0"));
    assertEquals(7,
        RawGetConnection.contentLength("HTTP/1.1 404 Not Found\r\nCONTENT-LENGTH:  7 "));
  }

  @Test
  void aHeadWithoutAUsableLengthCannotBeFramed() {
    assertEquals(-1, RawGetConnection.contentLength(
        "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked"));
    assertEquals(-1, RawGetConnection.contentLength("HTTP/1.1 200 OK\r\ncontent-length: many"));
    assertEquals(-1, RawGetConnection.contentLength(
        "HTTP/1.1 200 OK\r\nx-content-length: 5\r\ncontent-lengthy: 6"));
  }
}
