package io.streamgate.gateway.admin;

import io.streamgate.contract.Keyspace;
import io.streamgate.contract.control.ControlReply;
import io.streamgate.contract.control.ControlRequest;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Plays the processor's control loop (stream-processor's {@code ControlLoop}) on a thread of its
 * own: reads the control stream in order, answers each request with the reply {@link #answer}
 * makes, stored under {@code controlReply(id)} and announced on {@code controlReplies()}.
 */
final class FakeProcessor implements AutoCloseable {
  private final Keyspace keyspace;
  private final Redis reader;
  private final Redis writer;
  private final Thread thread;
  final List<ControlRequest> seen = new CopyOnWriteArrayList<>();
  /** What to answer; null: do not answer (a processor that is down). */
  volatile Function<ControlRequest, ControlReply> answer = FakeProcessor::ok;
  /** False: store the reply without announcing it (the gateway must still find it). */
  volatile boolean announce = true;
  private volatile boolean running = true;

  FakeProcessor(Vertx vertx, String redisUri, Keyspace keyspace) {
    this.keyspace = keyspace;
    // RESP2: XREAD answers [[stream, [[id, [field, value]]]]] (RESP3 would make it a map).
    this.reader = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisUri)
        .setMaxPoolSize(1).setPreferredProtocolVersion(ProtocolVersion.RESP2));
    this.writer = Redis.createClient(vertx, redisUri);
    this.thread = new Thread(this::run, "fake-processor");
    thread.setDaemon(true);
    thread.start();
  }

  static ControlReply ok(ControlRequest request) {
    return new ControlReply(request.id(), true, null, List.of(), null);
  }

  private void run() {
    String cursor = "0-0";
    while (running) {
      Response read;
      try {
        read = reader.send(Request.cmd(Command.XREAD).arg("COUNT").arg(10).arg("BLOCK").arg(200)
            .arg("STREAMS").arg(keyspace.control()).arg(cursor)).await();
      } catch (RuntimeException e) {
        continue; // closing, or Redis restarting: like the real loop, try again
      }
      if (read == null) {
        continue;
      }
      for (Response stream : read) {
        for (Response entry : stream.get(1)) {
          cursor = entry.get(0).toString();
          Response fields = entry.get(1);
          ControlRequest request = ControlRequest.fromJson(fields.get(1).toString());
          seen.add(request);
          Function<ControlRequest, ControlReply> reply = answer;
          if (reply == null) {
            continue;
          }
          writer.send(Request.cmd(Command.SET).arg(keyspace.controlReply(request.id()))
              .arg(reply.apply(request).toJson()).arg("PX").arg(600_000)).await();
          if (announce) {
            writer.send(Request.cmd(Command.PUBLISH).arg(keyspace.controlReplies())
                .arg(request.id())).await();
          }
        }
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(5_000);
    reader.close();
    writer.close();
  }
}
