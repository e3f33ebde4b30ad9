package io.streamgate.cli.usage;

import io.streamgate.cli.views.ViewsCommand;
import io.streamgate.contract.json.Json;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code streamgate usage}: a principal's metered usage per UTC day and view or stream, from the
 * admin API (flushed by every gateway every 2 s). One line per day and resource, then the
 * totals.
 */
@Command(name = "usage", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Shows a principal's usage per UTC day and view or stream: requests by"
        + " outcome, rows read, events ingested, push messages and bytes.",
        "Example: ./streamgate usage --sub partner --from 2026-12-01"})
public final class UsageCommand extends ViewsCommand.Base {
  static final String[] COUNTERS = {"requests.ok", "requests.refused", "requests.limited",
      "requests.failed", "rows", "events", "push.messages", "push.bytes"};

  @Option(names = "--sub", required = true, paramLabel = "NAME",
      description = "The principal: a token's sub, or the sub an API key was created for.")
  String subject;

  @Option(names = "--from", paramLabel = "D", description = "First UTC day, e.g. 2026-12-01"
      + " (default: --to).")
  String from;

  @Option(names = "--to", paramLabel = "D", description = "Last UTC day (default: today).")
  String to;

  @Override
  public Integer call() throws IOException {
    StringBuilder path = new StringBuilder("admin/v1/usage?sub=")
        .append(URLEncoder.encode(subject, StandardCharsets.UTF_8));
    if (from != null) {
      path.append("&from=").append(URLEncoder.encode(from, StandardCharsets.UTF_8));
    }
    if (to != null) {
      path.append("&to=").append(URLEncoder.encode(to, StandardCharsets.UTF_8));
    }
    return print(client().get(path.toString()), UsageCommand::table);
  }

  static List<String> table(String json) {
    Map<String, Object> usage = Json.parseObject(json);
    List<String> lines = new ArrayList<>();
    String format = "%-10s  %-24s" + " %12s".repeat(COUNTERS.length);
    List<Object> header = new ArrayList<>(List.of("DAY", "VIEW/STREAM"));
    for (String c : COUNTERS) {
      header.add(c.toUpperCase(Locale.ROOT));
    }
    lines.add(String.format(Locale.ROOT, format, header.toArray()));
    if (usage.get("days") instanceof List<?> days) {
      for (Object d : days) {
        Map<?, ?> day = (Map<?, ?>) d;
        if (day.get("resources") instanceof Map<?, ?> resources) {
          resources.forEach((resource, counts) -> lines.add(row(format,
              String.valueOf(day.get("day")), String.valueOf(resource), (Map<?, ?>) counts)));
        }
      }
    }
    lines.add(row(format, "total", usage.get("from") + ".." + usage.get("to"),
        (Map<?, ?>) usage.get("totals")));
    return lines;
  }

  private static String row(String format, String day, String resource, Map<?, ?> counts) {
    List<Object> cells = new ArrayList<>(List.of(day, resource));
    for (String c : COUNTERS) {
      Object n = counts == null ? null : counts.get(c);
      cells.add(n == null ? "0" : n.toString());
    }
    return String.format(Locale.ROOT, format, cells.toArray());
  }
}
