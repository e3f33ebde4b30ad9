package io.streamgate.processor.control;

import io.streamgate.contract.Keyspace;
import io.streamgate.contract.control.ControlReply;
import io.streamgate.contract.control.ControlRequest;
import io.streamgate.contract.json.JsonException;
import io.streamgate.processor.sink.RedisConnections;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Carries out the admin requests gateways queue on the control stream, one at a time and in
 * stream order, on a thread of its own; answers each with a {@link ControlReply} stored under
 * the request's id and announced on the replies channel. The position in the stream is kept in
 * Redis, so requests queued while the processor restarts are still answered (or refused as
 * expired, when nobody waits any more); a request is applied at most once unless the processor
 * dies between applying it and storing the position.
 */
public final class ControlLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControlLoop.class);
  /** How long a reply stays readable: longer than any gateway waits for one. */
  static final Duration REPLY_RETENTION = Duration.ofMinutes(10);
  static final int BLOCK_MILLIS = 1_000;
  static final Duration RETRY = Duration.ofSeconds(1);

  /** Does what a request asks; called on the control thread, one request at a time. */
  @FunctionalInterface
  public interface Handler {
    ControlReply handle(ControlRequest request);
  }

  private final String redisUri;
  private final Keyspace keyspace;
  private final Handler handler;
  private final Clock clock;
  private final Thread thread;
  private volatile boolean running = true;

  private ControlLoop(String redisUri, Keyspace keyspace, Handler handler, Clock clock) {
    this.redisUri = redisUri;
    this.keyspace = keyspace;
    this.handler = handler;
    this.clock = clock;
    this.thread = new Thread(this::run, "streamgate-control");
    this.thread.setDaemon(true);
  }

  public static ControlLoop start(String redisUri, Keyspace keyspace, Handler handler,
      Clock clock) {
    ControlLoop loop = new ControlLoop(redisUri, keyspace, handler, clock);
    loop.thread.start();
    return loop;
  }

  /** The key holding the id of the last request answered. */
  String cursorKey() {
    return keyspace.control() + ":cursor";
  }

  private void run() {
    boolean failing = false;
    while (running) {
      try {
        pollOnce();
        if (failing) {
          LOG.info("control stream readable again; admin requests are served");
          failing = false;
        }
      } catch (JedisException e) {
        if (!failing) {
          LOG.warn("cannot read admin requests from Redis ({}); retrying every {} s",
              e.getMessage(), RETRY.toSeconds());
          failing = true;
        }
        pause();
      }
    }
  }

  private void pollOnce() {
    UnifiedJedis redis = RedisConnections.client(redisUri);
    String cursor = redis.get(cursorKey());
    StreamEntryID from = cursor == null ? new StreamEntryID() : new StreamEntryID(cursor);
    List<Map.Entry<String, List<StreamEntry>>> read = redis.xread(
        XReadParams.xReadParams().count(10).block(BLOCK_MILLIS), Map.of(keyspace.control(), from));
    if (read == null) {
      return;
    }
    for (Map.Entry<String, List<StreamEntry>> stream : read) {
      for (StreamEntry entry : stream.getValue()) {
        if (!running) {
          return;
        }
        answer(redis, entry);
        redis.set(cursorKey(), entry.getID().toString());
      }
    }
  }

  private void answer(UnifiedJedis redis, StreamEntry entry) {
    String json = entry.getFields().get(ControlRequest.STREAM_FIELD);
    ControlRequest request;
    try {
      request = ControlRequest.fromJson(json == null ? "" : json);
    } catch (JsonException e) {
      LOG.warn("control stream entry {} is not a request, skipped: {}", entry.getID(),
          e.getMessage());
      return;
    }
    ControlReply reply;
    if (request.expired(clock.millis())) {
      LOG.info("admin request {} ({} by {}) expired before it was read; not applied",
          request.id(), request.op().wireName(), request.who());
      reply = ControlReply.refused(request.id(), "the request expired before the processor read"
          + " it (was the processor down?); nothing was applied: send it again");
    } else {
      reply = handle(request);
    }
    redis.set(keyspace.controlReply(request.id()), reply.toJson(),
        SetParams.setParams().px(REPLY_RETENTION.toMillis()));
    redis.publish(keyspace.controlReplies(), request.id());
  }

  private ControlReply handle(ControlRequest request) {
    try {
      return handler.handle(request);
    } catch (RuntimeException e) {
      LOG.error("admin request {} ({} by {}) failed", request.id(), request.op().wireName(),
          request.who(), e);
      return ControlReply.refused(request.id(), "the processor failed to carry out the request: "
          + e + "; see its log");
    }
  }

  private void pause() {
    try {
      Thread.sleep(RETRY.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /**
   * Stops after the request being handled, if any, and waits for that; not interrupting it, as
   * a request may be in the middle of starting a query.
   */
  @Override
  public void close() {
    running = false;
    try {
      thread.join(Duration.ofSeconds(30).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
