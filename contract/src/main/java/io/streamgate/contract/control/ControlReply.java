package io.streamgate.contract.control;

import io.streamgate.contract.json.Json;
import io.streamgate.contract.json.JsonException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The processor's answer to a {@link ControlRequest}, stored under the request's id ({@link
 * io.streamgate.contract.Keyspace#controlReply}) for a few minutes and announced on {@link
 * io.streamgate.contract.Keyspace#controlReplies()}.
 *
 * @param ok      false if the request was refused as a whole (then nothing of it was applied)
 * @param error   why it was refused, one line naming file, field and problem; null if ok
 * @param results per view, what apply or drop did (empty for preview)
 * @param preview for preview: {@code {"columns":[{"name","type"}],"rows":[{…}]}}; null otherwise
 */
public record ControlReply(String id, boolean ok, String error, List<ViewResult> results,
    Map<String, Object> preview) {

  /** What happened to one view. */
  public enum Outcome {
    CREATED, ALTERED, UNCHANGED, DROPPED, REFUSED;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Outcome fromWireName(String name) {
      return valueOf(name.toUpperCase(Locale.ROOT));
    }
  }

  /**
   * @param version the view version this result is about (the new one for created and altered)
   * @param detail  a human line: "v2 backfilling", the refusal's reason, …
   */
  public record ViewResult(String view, Outcome outcome, long version, String detail) {
    public ViewResult {
      detail = detail == null ? "" : detail;
    }

    /** The CLI's line: {@code user_totals: altered → v2 backfilling}. */
    public String line() {
      return view + ": " + outcome.wireName() + (detail.isEmpty() ? "" : " → " + detail);
    }
  }

  public ControlReply {
    results = List.copyOf(results);
  }

  public static ControlReply refused(String id, String error) {
    return new ControlReply(id, false, error, List.of(), null);
  }

  public String toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", id);
    out.put("ok", ok);
    out.put("error", error);
    List<Object> list = new ArrayList<>();
    for (ViewResult r : results) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("view", r.view());
      m.put("outcome", r.outcome().wireName());
      m.put("version", r.version());
      m.put("detail", r.detail());
      list.add(m);
    }
    out.put("results", list);
    out.put("preview", preview);
    return Json.write(out);
  }

  /** @throws JsonException naming the problem, if the text is not a control reply */
  @SuppressWarnings("unchecked")
  public static ControlReply fromJson(String json) {
    Map<String, Object> in = Json.parseObject(json);
    try {
      List<ViewResult> results = new ArrayList<>();
      Object raw = in.get("results");
      for (Object o : raw == null ? List.of() : (List<Object>) raw) {
        Map<String, Object> m = (Map<String, Object>) o;
        results.add(new ViewResult((String) m.get("view"),
            Outcome.fromWireName((String) m.get("outcome")),
            ((Number) m.get("version")).longValue(), (String) m.get("detail")));
      }
      return new ControlReply((String) in.get("id"), Boolean.TRUE.equals(in.get("ok")),
          (String) in.get("error"), results, (Map<String, Object>) in.get("preview"));
    } catch (ClassCastException | IllegalArgumentException | NullPointerException e) {
      throw new JsonException("not a control reply (" + e + ")");
    }
  }
}
