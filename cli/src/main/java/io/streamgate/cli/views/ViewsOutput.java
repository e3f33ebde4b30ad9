package io.streamgate.cli.views;

import io.streamgate.contract.control.ControlReply;
import io.streamgate.contract.json.Json;
import io.streamgate.contract.json.JsonException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What {@code streamgate views} prints, from the admin API's JSON answers. Pure, so every
 * shape is tested without a gateway.
 */
final class ViewsOutput {
  private static final String NONE = "-";

  private ViewsOutput() {}

  /** One line per view of an apply's reply: {@code user_totals: altered → v2 backfilling}. */
  static List<String> applied(String replyJson, boolean dryRun) {
    ControlReply reply = ControlReply.fromJson(replyJson);
    List<String> lines = new ArrayList<>();
    for (ControlReply.ViewResult result : reply.results()) {
      lines.add((dryRun ? "(dry run) " : "") + result.line());
    }
    if (lines.isEmpty()) {
      lines.add(dryRun ? "(dry run) nothing would change" : "nothing changed");
    }
    return lines;
  }

  /** The drop's lines (the processor's results, or a plain confirmation). */
  static List<String> dropped(String replyJson, String view) {
    ControlReply reply = ControlReply.fromJson(replyJson);
    List<String> lines = new ArrayList<>();
    reply.results().forEach(result -> lines.add(result.line()));
    if (lines.isEmpty()) {
      lines.add(view + ": dropped");
    }
    return lines;
  }

  /** {@code views list}: a table NAME VERSION STATE LAG ROWS FRESHNESS. */
  @SuppressWarnings("unchecked")
  static List<String> table(String listJson, Instant now) {
    List<Object> views = (List<Object>) Json.parseObject(listJson).getOrDefault("views", List.of());
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("NAME", "VERSION", "STATE", "LAG", "ROWS", "FRESHNESS"));
    for (Object item : views) {
      Map<String, Object> view = (Map<String, Object>) item;
      rows.add(List.of(text(view.get("name")), version(view.get("version")),
          text(view.get("state")), count(view.get("lagRecords")), count(view.get("rows")),
          freshness(view.get("watermarkMs"), now)));
    }
    if (views.isEmpty()) {
      return List.of("no views yet: publish one with ./streamgate views apply -f FILE");
    }
    return aligned(rows);
  }

  /** {@code views preview}: the inferred columns, then the rows as a table (KEY, columns). */
  @SuppressWarnings("unchecked")
  static List<String> preview(String replyJson) {
    Map<String, Object> preview = ControlReply.fromJson(replyJson).preview();
    if (preview == null) {
      return List.of("the processor returned no preview");
    }
    List<Object> columns = (List<Object>) preview.getOrDefault("columns", List.of());
    List<Object> rows = (List<Object>) preview.getOrDefault("rows", List.of());
    List<String> names = new ArrayList<>();
    List<String> described = new ArrayList<>();
    for (Object c : columns) {
      Map<String, Object> column = (Map<String, Object>) c;
      names.add(text(column.get("name")));
      described.add(text(column.get("name")) + " " + text(column.get("type")));
    }
    List<String> out = new ArrayList<>();
    out.add("columns: " + (described.isEmpty() ? NONE : String.join(", ", described)));
    if (rows.isEmpty()) {
      out.add("no rows: the latest events of the source gave none");
      return out;
    }
    // Columns the schema did not list still show (a reply from an older processor).
    Set<String> shown = new LinkedHashSet<>(names);
    for (Object r : rows) {
      Object value = ((Map<String, Object>) r).get("value");
      if (value instanceof Map<?, ?> m) {
        m.keySet().forEach(k -> shown.add(String.valueOf(k)));
      }
    }
    List<List<String>> table = new ArrayList<>();
    List<String> header = new ArrayList<>();
    header.add("KEY");
    shown.forEach(name -> header.add(name.toUpperCase(Locale.ROOT)));
    table.add(header);
    for (Object r : rows) {
      Map<String, Object> row = (Map<String, Object>) r;
      List<String> cells = new ArrayList<>();
      cells.add(text(row.get("key")));
      Map<String, Object> value = row.get("value") instanceof Map<?, ?> m
          ? (Map<String, Object>) m : Map.of();
      shown.forEach(name -> cells.add(cell(value.get(name))));
      table.add(cells);
    }
    out.addAll(aligned(table));
    out.add(rows.size() + (rows.size() == 1 ? " row" : " rows"));
    return out;
  }

  /**
   * What to print on standard error for a failed call: a refused pipeline's error lines, or
   * one line with the problem's detail.
   */
  @SuppressWarnings("unchecked")
  static List<String> failure(int status, String body) {
    Map<String, Object> problem;
    try {
      problem = Json.parseObject(body);
    } catch (JsonException e) {
      return List.of("error: the gateway answered " + status + ": " + firstLine(body));
    }
    List<String> lines = new ArrayList<>();
    if (problem.get("errors") instanceof List<?> errors && !errors.isEmpty()) {
      lines.add("refused, nothing was applied:");
      errors.forEach(e -> lines.add("  " + e));
      return lines;
    }
    String detail = problem.get("detail") instanceof String d ? d : firstLine(body);
    lines.add("error: " + detail + " (" + status + ")");
    if (status == 401) {
      lines.add("  pass --token T or set STREAMGATE_TOKEN, or run from the demo's directory so"
          + " a token is minted from .streamgate/demo-jwt.secret");
    }
    return lines;
  }

  /** Indented JSON for {@code describe}. */
  static String pretty(String json) {
    StringBuilder out = new StringBuilder();
    pretty(Json.parse(json), 0, out);
    return out.toString();
  }

  private static void pretty(Object value, int depth, StringBuilder out) {
    String indent = "  ".repeat(depth + 1);
    if (value instanceof Map<?, ?> map && !map.isEmpty()) {
      out.append("{\n");
      int i = 0;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        out.append(indent).append(Json.quote(String.valueOf(e.getKey()))).append(": ");
        pretty(e.getValue(), depth + 1, out);
        out.append(++i < map.size() ? ",\n" : "\n");
      }
      out.append("  ".repeat(depth)).append('}');
    } else if (value instanceof List<?> list && !list.isEmpty()) {
      out.append("[\n");
      for (int i = 0; i < list.size(); i++) {
        out.append(indent);
        pretty(list.get(i), depth + 1, out);
        out.append(i + 1 < list.size() ? ",\n" : "\n");
      }
      out.append("  ".repeat(depth)).append(']');
    } else {
      out.append(Json.write(value));
    }
  }

  private static List<String> aligned(List<List<String>> rows) {
    int[] widths = new int[rows.get(0).size()];
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    List<String> out = new ArrayList<>();
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        line.append(row.get(i));
        if (i + 1 < row.size()) {
          line.append(" ".repeat(widths[i] - row.get(i).length() + 2));
        }
      }
      out.add(line.toString().stripTrailing());
    }
    return out;
  }

  private static String version(Object version) {
    return version instanceof Number n && n.longValue() > 0 ? "v" + n.longValue() : NONE;
  }

  private static String count(Object value) {
    return value instanceof Number n && n.longValue() >= 0 ? Long.toString(n.longValue()) : NONE;
  }

  /** How far behind now the view's event time is: {@code 3 s ago}, {@code 2 min ago}. */
  static String freshness(Object watermarkMs, Instant now) {
    if (!(watermarkMs instanceof Number n) || n.longValue() <= 0) {
      return NONE;
    }
    Duration behind = Duration.between(Instant.ofEpochMilli(n.longValue()), now);
    if (behind.isNegative()) {
      behind = Duration.ZERO;
    }
    long seconds = behind.toSeconds();
    if (seconds < 120) {
      return seconds + " s ago";
    }
    if (seconds < 7_200) {
      return seconds / 60 + " min ago";
    }
    if (seconds < 172_800) {
      return seconds / 3_600 + " h ago";
    }
    return seconds / 86_400 + " d ago";
  }

  private static String text(Object value) {
    return value == null ? NONE : String.valueOf(value);
  }

  private static String cell(Object value) {
    if (value == null) {
      return "null";
    }
    return value instanceof String s ? s : Json.write(value);
  }

  private static String firstLine(String body) {
    String line = body == null ? "" : body.lines().findFirst().orElse("");
    return line.length() > 200 ? line.substring(0, 200) + "…" : line;
  }
}
