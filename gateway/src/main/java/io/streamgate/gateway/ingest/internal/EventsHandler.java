package io.streamgate.gateway.ingest.internal;

import io.streamgate.contract.events.StreamEntry;
import io.streamgate.contract.events.Violation;
import io.streamgate.contract.json.Json;
import io.streamgate.gateway.auth.Access;
import io.streamgate.gateway.auth.Principal;
import io.streamgate.gateway.config.IngestConfig;
import io.streamgate.gateway.http.BearerAuthHandler;
import io.streamgate.gateway.http.HttpProblem;
import io.streamgate.gateway.http.ProblemHandler;
import io.streamgate.gateway.http.ProblemType;
import io.streamgate.gateway.http.RequestPath;
import io.streamgate.gateway.http.UsageHandler;
import io.streamgate.gateway.ingest.EventLog;
import io.streamgate.gateway.ingest.EventLogUnavailableException;
import io.streamgate.gateway.ingest.Streams;
import io.streamgate.gateway.metrics.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/events/{stream}}. Checks, in order: stream name (400), scope (403, before
 * existence, so scopes do not reveal which streams exist), streams loaded (503), stream
 * registered (404), content type (415), declared length (413); then reads the body (413 past the
 * limit), parses it (400), validates every event against the stream's schema (400 listing every
 * violation; nothing is written) and the token's tenant ({@link Access#writeEvents}: 403 listing
 * every field outside it), claims the {@value #IDEMPOTENCY_KEY} if one is sent
 * ({@link Idempotency}: replay, 409, 422), takes in-flight budget (503) and writes the batch to
 * Kafka: 202 with each event's partition and offset once all are acknowledged, else 503.
 * Runs on the request's event loop; shared by all of them (stateless apart from the budget).
 */
public final class EventsHandler implements Handler<RoutingContext> {
  /** The request header that makes a post idempotent (IETF httpapi draft). */
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  /** Response header of a replayed answer. */
  public static final String REPLAYED = "Idempotent-Replayed";
  private static final Logger LOG = LoggerFactory.getLogger(EventsHandler.class);
  /** Most violations listed in one 400; the count says how many there were. */
  static final int MAX_LISTED_VIOLATIONS = 1_000;

  private final Streams streams;
  private final EventLog log;
  private final IngestConfig config;
  private final InFlightBytes inFlight;
  private final GatewayMetrics metrics;
  private final Idempotency idempotency;

  public EventsHandler(Streams streams, EventLog log, IngestConfig config, GatewayMetrics metrics) {
    this(streams, log, config, metrics, null);
  }

  /** @param idempotency null: requests with an {@code Idempotency-Key} are refused (400) */
  public EventsHandler(Streams streams, EventLog log, IngestConfig config, GatewayMetrics metrics,
      Idempotency idempotency) {
    this.idempotency = idempotency;
    this.streams = streams;
    this.log = log;
    this.config = config;
    this.inFlight = new InFlightBytes(config.maxInFlightBytes());
    this.metrics = metrics;
    metrics.bindIngestInFlight(inFlight::used);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String name = RequestPath.of(ctx).stream();
    Access.Refusal refusal = Access.write(BearerAuthHandler.principal(ctx), name);
    if (refusal != null) {
      throw HttpProblem.refused(refusal);
    }
    if (!streams.loaded()) {
      throw unavailable("the registered streams have not been read from Redis yet; retry shortly",
          1);
    }
    StreamEntry stream = streams.find(name).orElseThrow(() -> new HttpProblem(
        ProblemType.NOT_FOUND, "no stream named '" + name + "' is registered for ingest"));
    String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    EventBatch.Format format = EventBatch.format(contentType);
    if (format == null) {
      throw new HttpProblem(ProblemType.UNSUPPORTED_MEDIA_TYPE, "Content-Type "
          + (contentType == null ? "is missing" : "'" + contentType + "' is not supported")
          + "; send " + EventBatch.JSON + " (an object or an array of objects) or "
          + EventBatch.NDJSON + " (one object per line), UTF-8",
          Map.of(HttpHeaders.ACCEPT.toString(), EventBatch.JSON + ", " + EventBatch.NDJSON));
    }
    BodyReader.read(ctx, config.maxBodyBytes(),
        body -> ProblemHandler.guard(ctx, () -> onBody(ctx, stream, format, body)));
  }

  private void onBody(RoutingContext ctx, StreamEntry stream, EventBatch.Format format,
      Buffer body) {
    EventBatch batch;
    List<EventLog.Event> events;
    try {
      batch = EventBatch.parse(utf8(body), format, config.maxEventsPerRequest());
      events = validated(BearerAuthHandler.principal(ctx), stream, batch);
    } catch (EventBatch.MalformedException e) {
      ctx.fail(new HttpProblem(ProblemType.BAD_REQUEST, e.getMessage()));
      return;
    } catch (EventBatch.TooManyException e) {
      ctx.fail(new HttpProblem(ProblemType.PAYLOAD_TOO_LARGE, e.getMessage()));
      return;
    } catch (HttpProblem e) {
      ctx.fail(e);
      return;
    }
    String key = ctx.request().getHeader(IDEMPOTENCY_KEY);
    if (key == null) {
      produce(ctx, stream, events, body.length(), null);
      return;
    }
    if (idempotency == null) {
      ctx.fail(new HttpProblem(ProblemType.BAD_REQUEST, "this gateway does not take "
          + IDEMPOTENCY_KEY));
      return;
    }
    String parsedKey = idempotencyKey(key);
    Principal principal = BearerAuthHandler.principal(ctx);
    // The content a key stands for: the stream and the body's bytes.
    byte[] content = (stream.name() + '\n').getBytes(StandardCharsets.UTF_8);
    String hash = Idempotency.sha256(Buffer.buffer(content).appendBuffer(body).getBytes());
    idempotency.claim(principal.subject() + '\n' + (principal.tenant() == null ? ""
        : principal.tenant()), parsedKey, hash).onComplete(ar -> ProblemHandler.guard(ctx, () -> {
      if (ar.failed()) {
        ctx.fail(unavailable("the gateway cannot check the " + IDEMPOTENCY_KEY + " (Redis: "
            + ar.cause().getMessage() + "); nothing was written. Retry shortly", 1));
        return;
      }
      Idempotency.Claim claim = ar.result();
      switch (claim.state()) {
        case CLAIMED -> produce(ctx, stream, events, body.length(), claim);
        case DONE -> ctx.response().setStatusCode(claim.status())
            .putHeader(HttpHeaders.CONTENT_TYPE, EventBatch.JSON)
            .putHeader(REPLAYED, "true")
            .end(claim.body());
        case IN_PROGRESS -> ctx.fail(new HttpProblem(ProblemType.REQUEST_IN_PROGRESS,
            "a request with this " + IDEMPOTENCY_KEY + " is still waiting for Kafka's"
                + " acknowledgement; retry shortly for its answer",
            Map.of(HttpHeaders.RETRY_AFTER.toString(), "1")));
        case REUSED -> ctx.fail(new HttpProblem(ProblemType.IDEMPOTENCY_KEY_REUSED,
            "this " + IDEMPOTENCY_KEY + " was used for a different request (another body or"
                + " stream) within " + config.idempotencyRetentionSeconds() + " s; use a new"
                + " key for a new request"));
      }
    }));
  }

  /**
   * Writes the batch; with an owned idempotency claim also records its outcome: the 202 before
   * it is sent; after a 503, the final outcome once Kafka settles it (an acknowledgement that
   * arrives late is recorded as the 202, so a retry replays it instead of writing the events
   * again); the claim is given up only when the events were not written, or may never be known.
   */
  private void produce(RoutingContext ctx, StreamEntry stream, List<EventLog.Event> events,
      int bytes, Idempotency.Claim claim) {
    if (!inFlight.tryAcquire(bytes)) {
      metrics.ingestEvents(stream.name(), "failed", events.size(), 0);
      if (claim != null) {
        idempotency.release(claim);
      }
      ctx.fail(unavailable("the gateway has " + inFlight.limit() + " bytes of events waiting"
          + " for Kafka already; retry shortly", 1));
      return;
    }
    long start = System.nanoTime();
    EventLog.Attempt attempt = log.appendTracked(stream.topic(), events);
    attempt.answer().onComplete(ar -> ProblemHandler.guard(ctx, () -> {
      inFlight.release(bytes);
      metrics.ingestAck(ar.succeeded() ? "success" : "failure", System.nanoTime() - start);
      if (ar.failed()) {
        metrics.ingestEvents(stream.name(), "failed", events.size(), 0);
        long retryAfter = ar.cause() instanceof EventLogUnavailableException u
            ? u.retryAfterSeconds() : 1;
        if (claim != null) {
          attempt.settled().onComplete(late -> settleLate(stream, events, claim, late));
        }
        ctx.fail(unavailable("the events were not acknowledged by Kafka (" + ar.cause()
            .getMessage() + "); " + (claim == null ? "some may have been written"
                : "a retry with the same " + IDEMPOTENCY_KEY + " gets the final answer")
            + ". Retry in " + retryAfter + " s", retryAfter));
        return;
      }
      metrics.ingestEvents(stream.name(), "accepted", events.size(), bytes);
      String answer = accepted(stream, ar.result());
      Future<Void> recorded = claim == null ? Future.succeededFuture()
          : idempotency.complete(claim, 202, answer)
              .onFailure(e -> LOG.warn("could not record the answer for an {} ({}); a retry"
                  + " gets 409 until the marker expires", IDEMPOTENCY_KEY, e.getMessage()));
      UsageHandler.events(ctx, events.size());
      // Recorded first, so a retry right after the 202 replays it.
      recorded.onComplete(v -> ctx.response().setStatusCode(202)
          .putHeader(HttpHeaders.CONTENT_TYPE, EventBatch.JSON)
          .end(answer));
    }));
  }

  /** After a 503 of an idempotent request: records how Kafka finally settled it. */
  private void settleLate(StreamEntry stream, List<EventLog.Event> events,
      Idempotency.Claim claim, io.vertx.core.AsyncResult<List<EventLog.Position>> late) {
    if (late.succeeded()) {
      metrics.ingestEvents(stream.name(), "accepted", events.size(), 0);
      idempotency.complete(claim, 202, accepted(stream, late.result()));
      return;
    }
    if (late.cause() instanceof EventLogUnavailableException u && u.maybeWritten()) {
      LOG.warn("an idempotent request to stream '{}' failed after its events were handed to"
          + " Kafka ({}); whether they were written is unknown, and a retry writes them again",
          stream.name(), late.cause().getMessage());
    }
    idempotency.release(claim);
  }

  /** The key of an {@code Idempotency-Key} header: an sf-string ("…") or a bare token. */
  static String idempotencyKey(String header) {
    String key = header.trim();
    if (key.length() >= 2 && key.startsWith("\"") && key.endsWith("\"")) {
      key = key.substring(1, key.length() - 1);
    }
    if (key.isEmpty() || key.length() > Idempotency.MAX_KEY_LENGTH
        || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e && c != '"' && c != '\\')) {
      throw new HttpProblem(ProblemType.BAD_REQUEST, IDEMPOTENCY_KEY + " must be 1-"
          + Idempotency.MAX_KEY_LENGTH + " printable ASCII characters, optionally in quotes");
    }
    return key;
  }

  /**
   * The events to write, or a 400 listing every violation of the batch, or a 403 listing every
   * field outside the principal's tenant.
   */
  private List<EventLog.Event> validated(Principal principal, StreamEntry stream,
      EventBatch batch) {
    List<EventLog.Event> events = new ArrayList<>(batch.size());
    List<Violation> violations = new ArrayList<>(0);
    int badEvents = 0;
    for (int i = 0; i < batch.size(); i++) {
      Object value = batch.values.get(i);
      List<Violation> problems = stream.schema().validate(i, value);
      if (!problems.isEmpty()) {
        badEvents++;
        violations.addAll(problems);
        continue;
      }
      events.add(new EventLog.Event(key(stream, value), batch.texts.get(i)));
    }
    if (violations.isEmpty()) {
      refuseForeignTenants(principal, stream, batch);
      return events;
    }
    metrics.ingestEvents(stream.name(), "invalid", batch.size(), 0);
    List<Object> listed = new ArrayList<>();
    for (Violation v : violations.subList(0, Math.min(violations.size(), MAX_LISTED_VIOLATIONS))) {
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("index", v.index());
      item.put("field", v.field());
      item.put("reason", v.reason());
      listed.add(item);
    }
    Map<String, Object> extensions = new LinkedHashMap<>();
    extensions.put("stream", stream.name());
    extensions.put("invalidEvents", badEvents);
    extensions.put("violationCount", violations.size());
    extensions.put("violations", listed);
    throw new HttpProblem(ProblemType.INVALID_EVENTS, badEvents + " of " + batch.size()
        + " events do not match the schema of stream '" + stream.name() + "'; nothing was"
        + " written. First: " + violations.get(0), Map.of(), extensions);
  }

  private void refuseForeignTenants(Principal principal, StreamEntry stream, EventBatch batch) {
    Access.EventsRefusal refusal = Access.writeEvents(principal, stream, batch.values);
    if (refusal == null) {
      return;
    }
    metrics.ingestEvents(stream.name(), "forbidden", batch.size(), 0);
    List<Object> listed = new ArrayList<>();
    for (Access.ForeignField f : refusal.fields().subList(0,
        Math.min(refusal.fields().size(), MAX_LISTED_VIOLATIONS))) {
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("index", f.index());
      item.put("field", f.field());
      item.put("reason", f.reason());
      listed.add(item);
    }
    Map<String, Object> extensions = new LinkedHashMap<>();
    extensions.put("stream", stream.name());
    extensions.put("tenant", principal.tenant());
    extensions.put("violationCount", refusal.fields().size());
    extensions.put("violations", listed);
    throw new HttpProblem(ProblemType.FORBIDDEN, refusal.refusal().message(), Map.of(),
        extensions);
  }

  /** The record key: the key field's value (strings as they are, other values as JSON). */
  static String key(StreamEntry stream, Object event) {
    if (stream.keyField() == null || !(event instanceof Map<?, ?> object)) {
      return null;
    }
    Object value = object.get(stream.keyField());
    if (value == null) {
      return null;
    }
    return value instanceof String s ? s : Json.write(value);
  }

  private static String accepted(StreamEntry stream, List<EventLog.Position> positions) {
    StringBuilder out = new StringBuilder(64 + positions.size() * 32);
    out.append("{\"stream\":");
    Json.appendString(out, stream.name());
    out.append(",\"topic\":");
    Json.appendString(out, stream.topic());
    out.append(",\"accepted\":").append(positions.size()).append(",\"events\":[");
    for (int i = 0; i < positions.size(); i++) {
      EventLog.Position p = positions.get(i);
      if (i > 0) {
        out.append(',');
      }
      out.append("{\"partition\":").append(p.partition()).append(",\"offset\":")
          .append(p.offset()).append('}');
    }
    return out.append("]}").toString();
  }

  /** The body as text; refused unless it is valid UTF-8. */
  static String utf8(Buffer body) {
    byte[] bytes = body.getBytes();
    // The lenient decoder is much quicker (ASCII above all) and turns every malformed sequence
    // into U+FFFD: text without one was valid. Only text with one (real or not) needs the strict
    // decoder to tell.
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (text.indexOf('\uFFFD') < 0) {
      return text;
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new EventBatch.MalformedException("the body is not valid UTF-8");
    }
  }

  private static HttpProblem unavailable(String detail, long retryAfterSeconds) {
    return new HttpProblem(ProblemType.EVENTS_UNAVAILABLE, detail,
        Map.of(HttpHeaders.RETRY_AFTER.toString(), Long.toString(retryAfterSeconds)));
  }
}
