package io.streamgate.loadtest.bench.report;

import io.streamgate.loadtest.bench.measure.LatencySummary;
import java.util.Locale;
import java.util.Map;

/**
 * {@code report.html}: one self-contained page (no scripts, styles, fonts or images from the
 * network) with the summary, a latency-percentile chart and throughput/latency over time. The
 * charts are drawn on canvases by inline script from the embedded {@code results.json}. Pure.
 */
public final class HtmlReport {
  private HtmlReport() {}

  public static String render(Results r) {
    // Inside <script>, "<" is escaped so no value can close the element.
    String data = ResultsJson.of(r).encode().replace("<", "\\u003c");
    StringBuilder html = new StringBuilder(16_384);
    html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
        .append("<title>Streamgate bench: ").append(esc(r.scenario())).append("</title>\n")
        .append("<style>body{font:14px system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}")
        .append("table{border-collapse:collapse;margin:8px 0 16px}td,th{border:1px solid #ccc;padding:4px 10px;")
        .append("text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}")
        .append(".warn{background:#fff4d6;border:1px solid #e0b400;padding:8px;margin:8px 0}")
        .append("canvas{border:1px solid #ddd;margin:8px 0}</style></head><body>\n")
        .append("<h1>").append(esc(r.scenario())).append("</h1>\n<p>")
        .append(esc(r.model())).append("; started ").append(esc(r.startedAt().toString()))
        .append("; ").append(fmt("%.0f", r.warmupSeconds())).append(" s warm-up, ")
        .append(fmt("%.1f", r.durationSeconds())).append(" s measured; target ")
        .append(esc(String.join(", ", r.targets()))).append("</p>\n");
    for (String warning : r.warnings()) {
      html.append("<div class=\"warn\">").append(esc(warning)).append("</div>\n");
    }
    html.append("<table><tr><th>").append(esc(r.unit())).append("</th><th>achieved/s</th><th>requested/s</th>")
        .append("<th>errors</th><th>p50 ms</th><th>p90 ms</th><th>p99 ms</th><th>p99.9 ms</th><th>max ms</th></tr>")
        .append("<tr><td>").append(r.count()).append("</td><td>").append(fmt("%.1f", r.achievedRate()))
        .append("</td><td>").append(r.requestedRate() > 0 ? fmt("%.1f", r.requestedRate()) : "closed")
        .append("</td><td>").append(r.errors()).append("</td>").append(cells(r.latency())).append("</tr></table>\n");
    if (!r.stages().isEmpty()) {
      html.append("<h2>Stages</h2><table><tr><th>stage</th><th>count</th><th>p50 ms</th><th>p90 ms</th>")
          .append("<th>p99 ms</th><th>p99.9 ms</th><th>max ms</th></tr>");
      for (Map.Entry<String, LatencySummary> e : r.stages().entrySet()) {
        html.append("<tr><td>").append(esc(e.getKey())).append("</td><td>").append(e.getValue().count())
            .append("</td>").append(cells(e.getValue())).append("</tr>");
      }
      html.append("</table>\n");
    }
    if (!r.errorsByKind().isEmpty() || !r.counters().isEmpty()) {
      html.append("<h2>Errors and counters</h2><table><tr><th>kind</th><th>count</th></tr>");
      r.errorsByKind().forEach((k, v) -> html.append("<tr><td>error ").append(esc(k)).append("</td><td>")
          .append(v).append("</td></tr>"));
      r.counters().forEach((k, v) -> html.append("<tr><td>").append(esc(k)).append("</td><td>")
          .append(v).append("</td></tr>"));
      html.append("</table>\n");
    }
    if (!r.extra().isEmpty()) {
      // Scenario-specific findings (e.g. chaos: the verdict and each fault), as results.json has them.
      html.append("<h2>Details</h2><table>");
      r.extra().forEach((k, v) -> html.append("<tr><td>").append(esc(k)).append("</td><td><pre>")
          .append(esc(v instanceof io.vertx.core.json.JsonObject json ? json.encodePrettily()
              : io.vertx.core.json.Json.encodePrettily(v)))
          .append("</pre></td></tr>"));
      html.append("</table>\n");
    }
    html.append("<h2>Latency by percentile</h2><canvas id=\"pct\" width=\"1000\" height=\"360\"></canvas>\n")
        .append("<h2>Throughput and latency over time</h2>")
        .append("<canvas id=\"time\" width=\"1000\" height=\"360\"></canvas>\n")
        .append("<script type=\"application/json\" id=\"data\">").append(data).append("</script>\n")
        .append("<script>\n").append(SCRIPT).append("</script>\n</body></html>\n");
    return html.toString();
  }

  private static String cells(LatencySummary s) {
    return "<td>" + fmt("%.3f", s.p50Ms()) + "</td><td>" + fmt("%.3f", s.p90Ms()) + "</td><td>"
        + fmt("%.3f", s.p99Ms()) + "</td><td>" + fmt("%.3f", s.p999Ms()) + "</td><td>" + fmt("%.3f", s.maxMs())
        + "</td>";
  }

  private static String fmt(String format, double v) {
    return String.format(Locale.ROOT, format, v);
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  // Percentile chart: x = log10(1/(1-p)), the usual HdrHistogram plot, so the tail gets room.
  private static final String SCRIPT = """
      const d = JSON.parse(document.getElementById('data').textContent);
      const num = v => v >= 1000 ? Math.round(v).toLocaleString('en') : Number(v.toPrecision(3)).toString();
      function axes(c, x0, y0, w, h, yMax, yLabel) {
        c.strokeStyle = '#999'; c.fillStyle = '#333'; c.font = '12px sans-serif';
        c.beginPath(); c.moveTo(x0, y0); c.lineTo(x0, y0 - h); c.moveTo(x0, y0); c.lineTo(x0 + w, y0); c.stroke();
        for (let i = 0; i <= 4; i++) {
          const y = y0 - h * i / 4;
          c.fillText(num(yMax * i / 4), 4, y + 4);
          c.strokeStyle = '#eee'; c.beginPath(); c.moveTo(x0 + 1, y); c.lineTo(x0 + w, y); c.stroke();
        }
        c.fillText(yLabel, x0 + 4, y0 - h - 6);
      }
      (function percentiles() {
        const cv = document.getElementById('pct'), c = cv.getContext('2d');
        const pts = d.percentiles.filter(p => p[0] < 100);
        if (pts.length === 0) { c.fillText('no samples', 20, 20); return; }
        const x0 = 70, y0 = cv.height - 40, w = cv.width - 100, h = cv.height - 70;
        const xv = p => Math.log10(1 / (1 - p / 100));
        const xMax = Math.max(4, Math.ceil(xv(pts[pts.length - 1][0])));
        const yMax = Math.max(...d.percentiles.map(p => p[1])) * 1.05 || 1;
        axes(c, x0, y0, w, h, yMax, 'latency ms');
        ['0%', '90%', '99%', '99.9%', '99.99%', '99.999%', '99.9999%'].slice(0, xMax + 1).forEach((t, i) => {
          c.fillStyle = '#333'; c.textAlign = i === xMax ? 'right' : 'center';
          c.fillText(t, x0 + w * i / xMax, y0 + 16); c.textAlign = 'left';
        });
        c.strokeStyle = '#1f6feb'; c.lineWidth = 2; c.beginPath();
        pts.forEach((p, i) => {
          const x = x0 + w * Math.min(xv(p[0]), xMax) / xMax, y = y0 - h * p[1] / yMax;
          i === 0 ? c.moveTo(x, y) : c.lineTo(x, y);
        });
        c.stroke();
        c.fillStyle = '#333'; c.fillText('max ' + d.latencyMs.max + ' ms', x0 + w - 120, y0 - h - 6);
      })();
      (function overTime() {
        const cv = document.getElementById('time'), c = cv.getContext('2d');
        const s = d.series;
        if (s.length === 0) { c.fillText('no seconds measured', 20, 20); return; }
        const x0 = 70, y0 = cv.height - 40, w = cv.width - 150, h = cv.height - 70;
        const rMax = Math.max(...s.map(p => p.rate)) * 1.1 || 1;
        const lMax = Math.max(...s.map(p => p.p99Ms)) * 1.1 || 1;
        axes(c, x0, y0, w, h, rMax, d.unit + '/s (bars)');
        const bw = w / s.length;
        s.forEach((p, i) => {
          c.fillStyle = p.errors > 0 ? '#f2b8b5' : '#c8ddf7';
          c.fillRect(x0 + i * bw + 1, y0 - h * p.rate / rMax, Math.max(1, bw - 2), h * p.rate / rMax);
          if (s.length <= 30 || i % Math.ceil(s.length / 30) === 0) {
            c.fillStyle = '#333'; c.fillText(String(p.second), x0 + i * bw + bw / 2 - 4, y0 + 16);
          }
        });
        [['p50Ms', '#2da44e'], ['p99Ms', '#cf222e']].forEach(([k, color]) => {
          c.strokeStyle = color; c.lineWidth = 2; c.beginPath();
          s.forEach((p, i) => {
            const x = x0 + i * bw + bw / 2, y = y0 - h * p[k] / lMax;
            i === 0 ? c.moveTo(x, y) : c.lineTo(x, y);
          });
          c.stroke();
        });
        c.fillStyle = '#333';
        for (let i = 0; i <= 4; i++) c.fillText(num(lMax * i / 4) + ' ms', x0 + w + 8, y0 - h * i / 4 + 4);
        c.fillStyle = '#2da44e'; c.fillText('p50', x0 + w + 8, y0 - h - 6);
        c.fillStyle = '#cf222e'; c.fillText('p99', x0 + w + 40, y0 - h - 6);
        c.fillStyle = '#333'; c.fillText('second', x0 + w / 2, y0 + 32);
      })();
      """;
}
