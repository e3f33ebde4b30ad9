package io.streamgate.gateway.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The request-head timeout (slowloris): an HTTP/1.x connection must complete each request head
 * (request line and headers) within {@code timeoutMs} of its first byte, and its first one within
 * {@code timeoutMs} of connecting; otherwise it is closed. Between requests a keep-alive
 * connection waits for the server's idle timeout instead, and after a protocol switch (101:
 * WebSocket, h2c) it is no longer watched. Vert.x has no such setting, so two Netty handlers
 * watch the connection: one sees the raw bytes (the first byte of a head arms the timer), one
 * sees decoded heads (disarm) and responses (the exchange is over after the last content).
 *
 * <p>Reaches the Netty channel through Vert.x's {@code ConnectionBase} (not public API; checked
 * against Vert.x 5.0.7). A connection that is not one (HTTP/2) is not watched. All state is
 * touched on the connection's event loop only.
 */
public final class HeadTimeout {
  static final String BYTES = "streamgate-head-bytes";
  static final String EXCHANGES = "streamgate-head-exchanges";
  /** Vert.x's own handler in an HTTP/1.x server pipeline (HttpServerConnectionInitializer). */
  private static final String VERTX_HANDLER = "handler";
  private static final String VERTX_DECODER = "httpDecoder";

  private HeadTimeout() {}

  /** For {@code HttpServer.connectionHandler}: watches every new HTTP/1.x connection. */
  public static Handler<HttpConnection> install(long timeoutMs) {
    return connection -> {
      if (!(connection instanceof ConnectionBase base)) {
        return;
      }
      Channel channel = base.channel();
      ChannelPipeline pipeline = channel.pipeline();
      if (pipeline.get(VERTX_HANDLER) == null || pipeline.get(VERTX_DECODER) == null) {
        return; // HTTP/2 from the start (ALPN): streams, not heads
      }
      Watch watch = new Watch(channel, timeoutMs);
      pipeline.addFirst(BYTES, watch.bytes);
      pipeline.addBefore(VERTX_HANDLER, EXCHANGES, watch.exchanges);
      watch.arm(); // the first head is due from now
    };
  }

  /**
   * One connection's watch. A head is due by {@code deadline}; one timer per connection checks
   * it and is rescheduled when it fires early, rather than a timer scheduled and cancelled per
   * request (a task object and two priority-queue operations on every keep-alive request).
   */
  private static final class Watch {
    private final Channel channel;
    private final long timeoutNanos;
    /** Requests whose head arrived and whose response has not ended. */
    private int open;
    /** When the head being waited for is due (System.nanoTime), or 0 when none is. */
    private long deadline;
    private ScheduledFuture<?> timer;
    private boolean done;

    Watch(Channel channel, long timeoutMs) {
      this.channel = channel;
      this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    }

    void arm() {
      if (deadline == 0 && !done) {
        deadline = System.nanoTime() + timeoutNanos;
        if (timer == null) {
          schedule(timeoutNanos);
        }
      }
    }

    void disarm() {
      deadline = 0; // the pending check finds nothing due and lapses
    }

    private void schedule(long nanos) {
      timer = channel.eventLoop().schedule(this::check, nanos, TimeUnit.NANOSECONDS);
    }

    private void check() {
      timer = null;
      if (deadline == 0 || done) {
        return;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        channel.close();
      } else {
        schedule(left); // re-armed since this check was scheduled
      }
    }

    private void cancel() {
      if (timer != null) {
        timer.cancel(false);
        timer = null;
      }
    }

    void stop() {
      done = true;
      disarm();
      cancel();
      ChannelPipeline pipeline = channel.pipeline();
      if (pipeline.get(BYTES) != null) {
        pipeline.remove(BYTES);
      }
      if (pipeline.get(EXCHANGES) != null) {
        pipeline.remove(EXCHANGES);
      }
    }

    final ChannelInboundHandlerAdapter bytes = new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (open == 0) {
          arm(); // the first byte of the next head (a no-op while one is already due)
        }
        ctx.fireChannelRead(msg);
      }
    };

    final ChannelDuplexHandler exchanges = new ChannelDuplexHandler() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
          open++;
          disarm();
        }
        ctx.fireChannelRead(msg);
      }

      @Override
      public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        int status = msg instanceof HttpResponse response ? response.status().code() : 0;
        if (status == 101) {
          ctx.write(msg, promise);
          stop(); // WebSocket or h2c from now on
          return;
        }
        if (msg instanceof LastHttpContent && (status == 0 || status >= 200) && open > 0) {
          open--; // a 100 Continue is not the end of the exchange
        }
        ctx.write(msg, promise);
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) {
        disarm();
        cancel();
        ctx.fireChannelInactive();
      }
    };
  }
}
