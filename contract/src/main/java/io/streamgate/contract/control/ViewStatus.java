package io.streamgate.contract.control;

import io.streamgate.contract.json.Json;
import io.streamgate.contract.json.JsonException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a published view is doing, written by the processor to {@link
 * io.streamgate.contract.Keyspace#viewStatus()} when something changes and with every progress
 * report; read by the admin API, the CLI ({@code views list}) and the authoring page.
 *
 * @param view      the view's name
 * @param serving   the version that serves the name (0 while the first version backfills)
 * @param versions  every version that has a query or rows now, oldest first
 * @param updatedAt epoch milliseconds of this status
 */
public record ViewStatus(String view, long serving, List<VersionStatus> versions, long updatedAt) {

  /** Life of one view version. */
  public enum State {
    /** Reading its sources from the start (or the definition's backfill start); not serving. */
    BACKFILLING,
    /** Serving the view's name. */
    LIVE,
    /** Replaced by a newer version, or dropped: rows deleted when the grace period ends. */
    RETIRING,
    /** Its query stopped with an error; the other views run on. */
    FAILED;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    static State fromWireName(String name) {
      return valueOf(name.toUpperCase(Locale.ROOT));
    }
  }

  /**
   * @param progress   for backfilling: the share of its sources' records read, 0 to 1
   * @param lagRecords records of its sources not yet processed (-1 unknown)
   * @param rows       rows in its table (-1 unknown)
   * @param watermarkMs event time up to which it has processed, epoch ms (0 unknown): the
   *                   greatest event time among the records it processed
   * @param reason     why it failed, or when it retires; empty otherwise
   * @param caughtUpAtMs the processor's clock when it last found this version had read every
   *                   record of its sources (0 never); equal to the status' {@code updatedAt}
   *                   when it was caught up at that report ({@link Freshness} reads it)
   */
  public record VersionStatus(long version, State state, double progress, long lagRecords,
      long rows, long watermarkMs, String reason, long caughtUpAtMs) {
    public VersionStatus {
      reason = reason == null ? "" : reason;
    }

    /** A version whose processor does not say when it was last caught up. */
    public VersionStatus(long version, State state, double progress, long lagRecords,
        long rows, long watermarkMs, String reason) {
      this(version, state, progress, lagRecords, rows, watermarkMs, reason, 0);
    }

    /** {@code backfilling 63 %}, {@code live}, {@code failed: reason}. */
    public String describe() {
      return switch (state) {
        case BACKFILLING -> "backfilling " + Math.round(progress * 100) + " %";
        case FAILED -> "failed: " + reason;
        default -> state.wireName();
      };
    }
  }

  public ViewStatus {
    versions = List.copyOf(versions);
  }

  public String toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("view", view);
    out.put("serving", serving);
    List<Object> list = new ArrayList<>();
    for (VersionStatus v : versions) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("version", v.version());
      m.put("state", v.state().wireName());
      m.put("progress", v.progress());
      m.put("lagRecords", v.lagRecords());
      m.put("rows", v.rows());
      m.put("watermarkMs", v.watermarkMs());
      m.put("reason", v.reason());
      m.put("caughtUpAtMs", v.caughtUpAtMs());
      list.add(m);
    }
    out.put("versions", list);
    out.put("updatedAt", updatedAt);
    return Json.write(out);
  }

  /** @throws JsonException naming the problem, if the text is not a view status */
  @SuppressWarnings("unchecked")
  public static ViewStatus fromJson(String json) {
    Map<String, Object> in = Json.parseObject(json);
    try {
      List<VersionStatus> versions = new ArrayList<>();
      for (Object o : (List<Object>) in.get("versions")) {
        Map<String, Object> m = (Map<String, Object>) o;
        versions.add(new VersionStatus(number(m.get("version")),
            State.fromWireName((String) m.get("state")),
            ((Number) m.get("progress")).doubleValue(), number(m.get("lagRecords")),
            number(m.get("rows")), number(m.get("watermarkMs")), (String) m.get("reason"),
            // absent in the status of a processor from before freshness (issue 17)
            m.containsKey("caughtUpAtMs") ? number(m.get("caughtUpAtMs")) : 0));
      }
      return new ViewStatus((String) in.get("view"), number(in.get("serving")), versions,
          number(in.get("updatedAt")));
    } catch (ClassCastException | IllegalArgumentException | NullPointerException e) {
      throw new JsonException("not a view status (" + e + ")");
    }
  }

  /** The status of {@code version}, or null if this status does not list it. */
  public VersionStatus version(long version) {
    for (VersionStatus v : versions) {
      if (v.version() == version) {
        return v;
      }
    }
    return null;
  }

  private static long number(Object value) {
    return ((Number) value).longValue();
  }
}
