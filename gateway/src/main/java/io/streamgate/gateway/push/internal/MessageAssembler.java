package io.streamgate.gateway.push.internal;

import io.streamgate.gateway.config.PushConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import java.nio.charset.StandardCharsets;

/**
 * Puts a client's WebSocket messages together from their frames, instead of Vert.x's own
 * aggregation, which silently drops a message above its size limit. Keeps at most
 * {@code maxFrameBytes} of a message: a longer one is answered {@code frame_too_large} once it
 * ends, and one above {@link PushConfig#MAX_MESSAGE_BYTES} closes the socket with 1009 as soon
 * as it gets there. On the connection's event loop.
 */
final class MessageAssembler {
  private final Session session;
  private final int maxBytes;
  private Buffer message;
  private boolean binary;
  private long size;
  private boolean inMessage;

  MessageAssembler(Session session, int maxBytes) {
    this.session = session;
    this.maxBytes = maxBytes;
  }

  void onFrame(WebSocketFrame frame) {
    if (frame.isText() || frame.isBinary()) {
      inMessage = true;
      binary = frame.isBinary();
      size = 0;
      message = Buffer.buffer();
    } else if (!frame.isContinuation() || !inMessage) {
      return; // control frames are Vert.x's; a stray continuation belongs to no message
    }
    session.heard();
    Buffer data = frame.binaryData();
    size += data.length();
    if (size > PushConfig.MAX_MESSAGE_BYTES) {
      inMessage = false;
      message = null;
      session.messageTooBig(size);
      return;
    }
    if (message != null && size <= maxBytes) {
      message.appendBuffer(data);
    } else {
      message = null;
    }
    if (!frame.isFinal()) {
      return;
    }
    inMessage = false;
    if (binary) {
      session.onBinary();
    } else if (message == null) {
      session.frameTooLarge(size);
    } else {
      session.onText(message.toString(StandardCharsets.UTF_8));
    }
    message = null;
  }
}
