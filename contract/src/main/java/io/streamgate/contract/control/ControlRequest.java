package io.streamgate.contract.control;

import io.streamgate.contract.json.Json;
import io.streamgate.contract.json.JsonException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An admin operation on the published views, queued by a gateway's admin API on the control
 * stream ({@link io.streamgate.contract.Keyspace#control()}) and carried out by the processor,
 * which owns the view definitions: it validates SQL with Spark, so only it can say whether a
 * definition is accepted. Requests are applied one at a time in stream order, so two racing
 * applies never interleave; the processor answers each with a {@link ControlReply}.
 *
 * @param id   unique per request; the reply is stored under it
 * @param op   what to do
 * @param who  the principal that asked (subject of its token or key), for the audit log
 * @param from the client address, for the audit log
 * @param at   epoch milliseconds of the request
 * @param deadline epoch milliseconds after which nobody waits for the answer any more: the
 *     processor refuses the request as expired instead of applying it late (0: no deadline)
 * @param body the operation's arguments: {@code apply}: {@code {"pipeline":{"sources":…,"views":…},
 *     "dryRun":false}}; {@code drop}: {@code {"view":"name"}}; {@code preview}: {@code
 *     {"pipeline":…,"view":"name","limit":20}}
 */
public record ControlRequest(String id, Op op, String who, String from, long at, long deadline,
    Map<String, Object> body) {

  /** The field of a control stream entry that holds the request's JSON. */
  public static final String STREAM_FIELD = "request";

  /** Operations the processor carries out. */
  public enum Op {
    /** Make the published set match a pipeline document, view by view. */
    APPLY,
    /** Retire a view: stop its query now, delete its rows after the grace period. */
    DROP,
    /** Run a view's SQL as a batch over recent events and return rows; publish nothing. */
    PREVIEW;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Op fromWireName(String name) {
      for (Op op : values()) {
        if (op.wireName().equals(name)) {
          return op;
        }
      }
      throw new IllegalArgumentException(
          "control op must be one of apply, drop, preview, but was '" + name + "'");
    }
  }

  public ControlRequest {
    if (id == null || id.isEmpty() || id.length() > 64) {
      throw new IllegalArgumentException("control request id must be 1-64 characters");
    }
    if (op == null) {
      throw new IllegalArgumentException("control request " + id + ": op is missing");
    }
    who = who == null ? "" : who;
    from = from == null ? "" : from;
    body = body == null ? Map.of() : Map.copyOf(body);
  }

  public String toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", id);
    out.put("op", op.wireName());
    out.put("who", who);
    out.put("from", from);
    out.put("at", at);
    out.put("deadline", deadline);
    out.put("body", body);
    return Json.write(out);
  }

  /** Whether nobody waits for the answer any more at {@code nowMillis}. */
  public boolean expired(long nowMillis) {
    return deadline > 0 && nowMillis > deadline;
  }

  /** @throws JsonException naming the problem, if the text is not a control request */
  @SuppressWarnings("unchecked")
  public static ControlRequest fromJson(String json) {
    Map<String, Object> in = Json.parseObject(json);
    try {
      return new ControlRequest((String) in.get("id"), Op.fromWireName((String) in.get("op")),
          (String) in.get("who"), (String) in.get("from"),
          number(in.get("at")), number(in.get("deadline")), (Map<String, Object>) in.get("body"));
    } catch (ClassCastException | IllegalArgumentException e) {
      throw new JsonException("not a control request (" + e.getMessage() + ")");
    }
  }

  private static long number(Object value) {
    return value == null ? 0 : ((Number) value).longValue();
  }
}
