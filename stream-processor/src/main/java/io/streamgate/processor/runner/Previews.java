package io.streamgate.processor.runner;

import io.streamgate.contract.control.ControlReply;
import io.streamgate.contract.control.ControlRequest;
import io.streamgate.contract.json.Json;
import io.streamgate.processor.lookup.LookupTables;
import io.streamgate.processor.pipeline.Messages;
import io.streamgate.processor.pipeline.Pipeline;
import io.streamgate.processor.pipeline.PipelineException;
import io.streamgate.processor.pipeline.PipelineParser;
import io.streamgate.processor.pipeline.SourceSpec;
import io.streamgate.processor.pipeline.TableSpec;
import io.streamgate.processor.pipeline.ViewSpec;
import io.streamgate.processor.view.SourceParser;
import io.streamgate.processor.view.ViewPlan;
import io.streamgate.processor.view.ViewPlanner;
import io.streamgate.processor.view.ViewTransform;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code views preview}: a view's SQL run once, as a batch, over the last events of its sources,
 * publishing nothing. The definition is checked exactly as {@code apply} checks it (against the
 * streaming sources); the rows then come from a batch read of each source's last {@code events}
 * records per topic, in a Spark session of their own (its temp views never touch the running
 * queries'). Runs on the view manager's thread.
 *
 * <p>Request body: {@code {"pipeline":{…},"view":"name"}} (a view of the document, over the
 * published sources and any the document adds) or {@code {"source":"orders","sql":"…",
 * "key":"col"}}; optional {@code "limit"} (rows returned, default 20) and {@code "events"}
 * (records read per source, default 1000).
 */
final class Previews {
  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 1000;
  static final int DEFAULT_EVENTS = 1000;
  static final int MAX_EVENTS = 100_000;
  private static final Pattern GROUP_BY = Pattern.compile("(?is).*\\bgroup\\s+by\\b.*");

  private Previews() {}

  static ControlReply run(SparkSession spark, ProcessorSettings settings, ControlRequest request,
      Map<String, SourceSpec> published, Map<String, TableSpec> publishedTables,
      LookupTables lookups) {
    Map<String, Object> body = request.body();
    int limit = bounded(body.get("limit"), DEFAULT_LIMIT, MAX_LIMIT);
    int events = bounded(body.get("events"), DEFAULT_EVENTS, MAX_EVENTS);
    Map<String, Object> doc = new LinkedHashMap<>();
    String viewName;
    if (body.get("sql") instanceof String sql) {
      viewName = "preview";
      Map<String, Object> spec = new LinkedHashMap<>();
      spec.put("sql", sql);
      spec.put("key", body.get("key"));
      spec.put("kind", body.get("kind") instanceof String k ? k
          : GROUP_BY.matcher(sql).matches() ? "aggregate" : "latest");
      doc.put("views", Map.of(viewName, spec));
    } else if (body.get("pipeline") instanceof Map<?, ?> pipeline
        && body.get("view") instanceof String view) {
      viewName = view;
      doc.putAll(Json.parseObject(Json.write(pipeline)));
    } else {
      return ControlReply.refused(request.id(), "preview needs {\"pipeline\":…,\"view\":…} or"
          + " {\"source\":…,\"sql\":…,\"key\":…}");
    }
    Pipeline change;
    try {
      change = PipelineParser.parseChange("preview " + request.id(), Json.write(doc));
    } catch (PipelineException e) {
      return ControlReply.refused(request.id(), String.join("\n", e.problems()));
    }
    ViewSpec view = change.views().get(viewName);
    if (view == null) {
      return ControlReply.refused(request.id(), "the document has no view '" + viewName
          + "' (views: " + String.join(", ", change.views().keySet()) + ")");
    }
    Map<String, SourceSpec> sources = new LinkedHashMap<>(published);
    sources.putAll(change.sources());
    Map<String, TableSpec> tables = new LinkedHashMap<>(publishedTables);
    tables.putAll(change.tables());
    Map<String, Dataset<Row>> streaming = new LinkedHashMap<>();
    for (SourceSpec source : sources.values()) {
      streaming.put(source.name(), SourceParser.parse(source,
          KafkaSources.read(spark, source, settings.kafkaBootstrap())));
    }
    for (TableSpec table : tables.values()) {
      streaming.put(table.name(), LookupTables.shape(spark, table));
    }
    ViewPlan plan;
    try {
      plan = ViewPlanner.plan(spark, new Pipeline(change.origin(), sources, tables,
          Map.of(viewName, view)), streaming).get(0);
    } catch (PipelineException e) {
      return ControlReply.refused(request.id(), String.join("\n", e.problems()));
    }
    // A session of its own: its temp views (the batch sources) never replace the running ones.
    SparkSession session = spark.newSession();
    List<Map<String, Object>> rows = new ArrayList<>();
    try {
      Map<String, Dataset<Row>> batch = new LinkedHashMap<>();
      for (SourceSpec source : sources.values()) {
        batch.put(source.name(), SourceParser.parse(source,
            KafkaSources.readLast(session, source, settings.kafkaBootstrap(), events)));
      }
      // The published tables' current copies; a table the document adds is not read yet.
      for (TableSpec table : tables.values()) {
        batch.put(table.name(), publishedTables.containsKey(table.name())
            ? lookups.read(session, table.name()) : LookupTables.shape(session, table));
      }
      for (Row row : ViewPlanner.batchServing(session, sources, view, batch).limit(limit)
          .collectAsList()) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("key", row.getString(row.fieldIndex(ViewTransform.KEY)));
        out.put("value", Json.parse(row.getString(row.fieldIndex(ViewTransform.VALUE))));
        rows.add(out);
      }
    } catch (RuntimeException e) {
      return ControlReply.refused(request.id(), "preview failed: " + Messages.firstLine(e));
    }
    List<Map<String, Object>> columns = new ArrayList<>();
    plan.columns().forEach(c -> columns.add(Map.of("name", c.name(), "type", c.type())));
    Map<String, Object> preview = new LinkedHashMap<>();
    preview.put("view", viewName);
    preview.put("key", view.key());
    preview.put("columns", columns);
    preview.put("rows", rows);
    preview.put("eventsPerSource", events);
    return new ControlReply(request.id(), true, null, List.of(), preview);
  }

  private static int bounded(Object value, int fallback, int max) {
    if (!(value instanceof Number n)) {
      return fallback;
    }
    return (int) Math.max(1, Math.min(max, n.longValue()));
  }
}
