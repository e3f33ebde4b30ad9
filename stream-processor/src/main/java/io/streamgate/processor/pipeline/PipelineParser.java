package io.streamgate.processor.pipeline;

import io.streamgate.contract.Indexes;
import io.streamgate.contract.Names;
import io.streamgate.contract.ViewKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.types.AtomicType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads a pipeline file into a {@link Pipeline}, checking everything that needs no Spark session:
 * field names and types, view names, kinds, intervals, schemas and event-time columns. Every
 * problem found is reported, one line each, in a {@link PipelineException}. Stateless and
 * thread-safe.
 *
 * <pre>
 * tombstoneRetention?: default of every view's tombstoneRetention
 * sources:
 *   &lt;name&gt;: { topic, schema (Spark DDL), format? (json|debezium), eventTime?, watermark?,
 *             key?, deadLetterTopic?, options? }
 *   &lt;name&gt;: { kind: table, url, table | query, key, schema, refresh?, user?, passwordFile?,
 *             passwordEnv? }
 * views:
 *   &lt;name&gt;: { sql, key, kind (aggregate|windowed|latest), description?, rank?, ttl?,
 *             trigger? (an interval, or realtime [interval]), tombstoneRetention?,
 *             indexes? (up to 8 value columns) }
 * </pre>
 */
public final class PipelineParser {
  static final Set<String> SOURCE_FIELDS = Set.of("kind", "topic", "schema", "format", "eventTime",
      "watermark", "options", "key", "deadLetterTopic", "tenantFields");
  /** Fields of a {@code kind: table} source (a lookup table read over JDBC). */
  static final Set<String> TABLE_FIELDS = Set.of("kind", "url", "table", "query", "key", "schema",
      "refresh", "user", "passwordFile", "passwordEnv");
  /** {@code kind:} of a Kafka source, the default. */
  static final String STREAM_KIND = "stream";
  /** Only PostgreSQL's JDBC driver is on the processor's classpath. */
  private static final Pattern JDBC_URL = Pattern.compile("jdbc:postgresql:.+");
  /** A database table, optionally schema-qualified, in SQL without quotes. */
  private static final Pattern TABLE = Pattern.compile(
      "[A-Za-z_][A-Za-z0-9_$]{0,62}(\\.[A-Za-z_][A-Za-z0-9_$]{0,62})?");
  private static final Pattern SELECT = Pattern.compile("(?is)\\s*(select|with)\\b.*");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  static final Set<String> VIEW_FIELDS = Set.of("description", "sql", "key", "kind", "rank", "ttl",
      "trigger", "tombstoneRetention", "indexes");
  /** Top-level field: the default {@code tombstoneRetention} of the file's views. */
  static final String TOMBSTONE_RETENTION = "tombstoneRetention";
  /** Kafka source options the pipeline sets itself, from {@code topic} and {@code --kafka}. */
  static final Set<String> RESERVED_OPTIONS =
      Set.of("subscribe", "subscribepattern", "assign", "kafka.bootstrap.servers");

  /** The contract's name rule: a source is also the stream name of event ingest. */
  private static final Pattern SOURCE_NAME = Names.VIEW_NAME;
  /** {@code realtime} or {@code realtime <interval>} (the length of each real-time batch). */
  private static final Pattern REAL_TIME = Pattern.compile("(?i)real-?time(?:\\s+(.+))?");
  private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");

  private PipelineParser() {}

  public static Pipeline parse(Path file) {
    return parse(file.toString(), read(file));
  }

  /** The pipeline file's text; a file that cannot be read is a one-line problem. */
  public static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new PipelineException(
          List.of(file + ": cannot read the pipeline file (" + e.getClass().getSimpleName() + ": "
              + e.getMessage() + ")"));
    }
  }

  /** @param origin the file name to put in messages */
  public static Pipeline parse(String origin, String yamlText) {
    return new Reader(origin, false).read(yamlText);
  }

  /**
   * The raw document of a pipeline text already accepted by {@link #parse} or {@link
   * #parseChange}: {@code sources} and {@code views} as maps of settings, as the processor stores
   * published definitions.
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> document(String yamlText) {
    Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yamlText);
    if (!(root instanceof Map<?, ?> map)) {
      return Map.of();
    }
    Map<String, Object> doc = new LinkedHashMap<>((Map<String, Object>) map);
    // A file-wide default lives on in each view's settings, which is what gets published.
    Object retention = doc.remove(TOMBSTONE_RETENTION);
    if (retention != null && doc.get("views") instanceof Map<?, ?> views) {
      Map<String, Object> withDefault = new LinkedHashMap<>();
      views.forEach((name, settings) -> {
        if (settings instanceof Map<?, ?> fields && !fields.containsKey(TOMBSTONE_RETENTION)) {
          Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) fields);
          copy.put(TOMBSTONE_RETENTION, retention);
          withDefault.put(String.valueOf(name), copy);
        } else {
          withDefault.put(String.valueOf(name), settings);
        }
      });
      doc.put("views", withDefault);
    }
    return doc;
  }

  /**
   * A document that changes a published pipeline ({@code views apply}): {@code views:} and
   * {@code sources:} are each optional (views may read published sources), but not both absent.
   * JSON is YAML, so an admin request's JSON body parses here too.
   */
  public static Pipeline parseChange(String origin, String yamlText) {
    return new Reader(origin, true).read(yamlText);
  }

  /** One parse: collects problems, then either throws them all or returns the pipeline. */
  private static final class Reader {
    private final String origin;
    private final boolean change;
    private final List<String> problems = new ArrayList<>();
    private Duration defaultRetention = ViewSpec.DEFAULT_TOMBSTONE_RETENTION;

    Reader(String origin, boolean change) {
      this.origin = origin;
      this.change = change;
    }

    Pipeline read(String yamlText) {
      Object root = load(yamlText);
      Map<String, SourceSpec> sources = new LinkedHashMap<>();
      Map<String, TableSpec> tables = new LinkedHashMap<>();
      Map<String, ViewSpec> views = new LinkedHashMap<>();
      if (root instanceof Map<?, ?> top) {
        for (Object field : top.keySet()) {
          if (!"sources".equals(field) && !"views".equals(field)
              && !TOMBSTONE_RETENTION.equals(field)) {
            problem("unknown top-level field '" + field + "' (expected sources, views and"
                + " optionally " + TOMBSTONE_RETENTION + ")");
          }
        }
        defaultRetention = retention("top level", top, ViewSpec.DEFAULT_TOMBSTONE_RETENTION);
        for (Map.Entry<String, Map<?, ?>> e : section(top, "sources").entrySet()) {
          String kind = sourceKind(e.getKey(), e.getValue());
          if (TableSpec.KIND.equals(kind)) {
            TableSpec table = table(e.getKey(), e.getValue());
            if (table != null) {
              tables.put(table.name(), table);
            }
          } else if (STREAM_KIND.equals(kind)) {
            SourceSpec source = source(e.getKey(), e.getValue());
            if (source != null) {
              sources.put(source.name(), source);
            }
          }
        }
        for (Map.Entry<String, Map<?, ?>> e : section(top, "views").entrySet()) {
          ViewSpec view = view(e.getKey(), e.getValue());
          if (view != null) {
            views.put(view.name(), view);
          }
        }
        if (change && top.get("sources") == null && top.get("views") == null) {
          problem("must have 'views:', 'sources:' or both");
        }
      } else if (problems.isEmpty()) {
        problem(change ? "must be a YAML mapping with 'views:' and optionally 'sources:'"
            : "must be a YAML mapping with 'sources:' and 'views:'");
      }
      if (!problems.isEmpty()) {
        throw new PipelineException(problems);
      }
      return new Pipeline(origin, sources, tables, views);
    }

    private Object load(String yamlText) {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      try {
        return new Yaml(new SafeConstructor(options)).load(yamlText);
      } catch (MarkedYAMLException e) {
        int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
        problem("line " + line + ": not valid YAML: " + e.getProblem());
      } catch (YAMLException e) {
        problem("not valid YAML: " + Messages.firstLine(e));
      }
      return null;
    }

    private Map<String, Map<?, ?>> section(Map<?, ?> top, String name) {
      Map<String, Map<?, ?>> out = new LinkedHashMap<>();
      Object value = top.get(name);
      if (change && value == null) {
        return out;
      }
      if (!(value instanceof Map<?, ?> entries) || entries.isEmpty()) {
        problem("'" + name + ":' must map at least one name to its settings");
        return out;
      }
      String what = name.substring(0, name.length() - 1);
      for (Map.Entry<?, ?> e : entries.entrySet()) {
        String entryName = String.valueOf(e.getKey());
        if (e.getValue() instanceof Map<?, ?> settings) {
          out.put(entryName, settings);
        } else {
          problem(what + " '" + entryName + "': settings must be a mapping, but were '"
              + e.getValue() + "'");
        }
      }
      return out;
    }

    /** {@code stream} (the default) or {@code table}; null, and a problem, for anything else. */
    private String sourceKind(String name, Map<?, ?> fields) {
      Object kind = fields.get("kind");
      if (kind == null || STREAM_KIND.equals(kind)) {
        return STREAM_KIND;
      }
      if (TableSpec.KIND.equals(kind)) {
        return TableSpec.KIND;
      }
      problem("source '" + name + "': kind must be " + STREAM_KIND + " (a Kafka topic, the"
          + " default) or " + TableSpec.KIND + " (a lookup table read over JDBC), but was '"
          + kind + "'");
      return null;
    }

    /** A {@code kind: table} source: where to read it, what it holds, how often to read it. */
    private TableSpec table(String name, Map<?, ?> fields) {
      String where = "source '" + name + "'";
      int before = problems.size();
      if (!SOURCE_NAME.matcher(name).matches()) {
        problem(where + ": name must match " + SOURCE_NAME.pattern()
            + " (SQL names it without quotes)");
      }
      if (fields.containsKey("password")) {
        problem(where + ": 'password' does not belong in a pipeline file; put it in a file named"
            + " by 'passwordFile' or in an environment variable named by 'passwordEnv'");
      }
      Map<Object, Object> others = new LinkedHashMap<>(fields);
      others.remove("password");
      unknownFields(where, others, TABLE_FIELDS);
      String url = text(where, fields, "url", true);
      if (url != null && !JDBC_URL.matcher(url).matches()) {
        problem(where + ": url must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database,"
            + " the driver the processor ships), but was '" + url + "'");
      }
      if (url != null && url.toLowerCase(Locale.ROOT).contains("password=")) {
        problem(where + ": url must not carry the password; use 'passwordFile' or 'passwordEnv'");
      }
      String table = text(where, fields, "table", false);
      String query = text(where, fields, "query", false);
      if ((table == null) == (query == null)) {
        problem(where + ": a table source needs exactly one of 'table' (a database table) and"
            + " 'query' (a SELECT)");
      }
      if (table != null && !TABLE.matcher(table).matches()) {
        problem(where + ": table '" + table + "' must be a table name, optionally schema.table,"
            + " without quotes (for anything else use 'query')");
      }
      if (query != null && !SELECT.matcher(query).matches()) {
        problem(where + ": query must be a SELECT (or WITH … SELECT), but was '" + query + "'");
      }
      StructType schema = schema(where, text(where, fields, "schema", true));
      if (schema != null) {
        for (StructField f : schema.fields()) {
          if (!TableSpec.supported(f.dataType())) {
            problem(where + ": schema column '" + f.name() + "' has type " + f.dataType().sql()
                + "; a table's columns must be one of " + TableSpec.SUPPORTED_TYPES);
          }
        }
      }
      String key = text(where, fields, "key", true);
      if (key != null && schema != null) {
        StructField field = find(schema, key);
        if (field == null) {
          problem(where + ": key column '" + key + "' is not in the schema");
        } else {
          key = field.name();
        }
      }
      Duration refresh = interval(where, fields, "refresh");
      if (refresh != null && refresh.compareTo(TableSpec.MIN_REFRESH) < 0) {
        problem(where + ": 'refresh' must be at least " + TableSpec.MIN_REFRESH.toSeconds()
            + " second, but was " + fields.get("refresh"));
      }
      String user = text(where, fields, "user", false);
      String passwordFile = text(where, fields, "passwordFile", false);
      String passwordEnv = text(where, fields, "passwordEnv", false);
      if (passwordEnv != null && !ENV_NAME.matcher(passwordEnv).matches()) {
        problem(where + ": passwordEnv must name an environment variable ("
            + ENV_NAME.pattern() + "), but was '" + passwordEnv + "'");
      }
      return problems.size() > before
          ? null
          : new TableSpec(name, origin, url, table, query, key, schema,
              refresh == null ? TableSpec.DEFAULT_REFRESH : refresh, user,
              passwordFile == null ? null : Path.of(passwordFile), passwordEnv);
    }

    private SourceSpec source(String name, Map<?, ?> fields) {
      String where = "source '" + name + "'";
      int before = problems.size();
      if (!SOURCE_NAME.matcher(name).matches()) {
        problem(where + ": name must match " + SOURCE_NAME.pattern()
            + " (SQL names it without quotes; event ingest uses it as the stream name)");
      }
      unknownFields(where, fields, SOURCE_FIELDS);
      String topic = text(where, fields, "topic", true);
      if (topic != null && !TOPIC.matcher(topic).matches()) {
        problem(where + ": topic '" + topic + "' must match " + TOPIC.pattern());
      }
      StructType schema = schema(where, text(where, fields, "schema", true));
      SourceFormat format = SourceFormat.JSON;
      String formatName = text(where, fields, "format", false);
      if (formatName != null) {
        try {
          format = SourceFormat.fromWireName(formatName);
        } catch (IllegalArgumentException e) {
          problem(where + ": " + e.getMessage());
        }
      }
      String eventTime = text(where, fields, "eventTime", false);
      if (eventTime != null && schema != null) {
        StructField field = find(schema, eventTime);
        if (field == null) {
          problem(where + ": eventTime column '" + eventTime + "' is not in the schema");
        } else if (!field.dataType().equals(DataTypes.TimestampType)) {
          problem(where + ": eventTime column '" + eventTime + "' must be TIMESTAMP, but is "
              + field.dataType().sql());
        }
      }
      Duration watermark = interval(where, fields, "watermark");
      if (watermark != null && eventTime == null) {
        problem(where + ": watermark needs eventTime, the timestamp column it tracks");
      }
      String key = text(where, fields, "key", false);
      if (key != null && schema != null) {
        StructField field = find(schema, key);
        if (field == null) {
          problem(where + ": key field '" + key + "' is not in the schema");
        } else if (!(field.dataType() instanceof AtomicType)) {
          problem(where + ": key field '" + key + "' must be a single value, but is "
              + field.dataType().sql());
        } else {
          key = field.name();
        }
      }
      String deadLetterTopic = text(where, fields, "deadLetterTopic", false);
      if (deadLetterTopic != null && !TOPIC.matcher(deadLetterTopic).matches()) {
        problem(where + ": deadLetterTopic '" + deadLetterTopic + "' must match " + TOPIC.pattern());
      } else if (deadLetterTopic != null && deadLetterTopic.equals(topic)) {
        problem(where + ": deadLetterTopic must differ from the source topic '" + topic + "'");
      }
      Map<String, String> options = options(where, fields.get("options"));
      if (format == SourceFormat.DEBEZIUM) {
        checkChangelog(where, fields, schema);
      }
      List<String> tenantFields = tenantFields(where, fields.get("tenantFields"), schema);
      return problems.size() > before
          ? null
          : new SourceSpec(name, topic, schema, eventTime, watermark, options, key, deadLetterTopic,
              format, tenantFields);
    }

    /**
     * String fields whose values must start with a tenant-bound writer's {@code <tenant>:} (the
     * key field always counts), for the gateway's event ingest.
     */
    private List<String> tenantFields(String where, Object value, StructType schema) {
      if (value == null) {
        return List.of();
      }
      if (!(value instanceof List<?> list)) {
        problem(where + ": 'tenantFields' must be a list of field names, but was '" + value + "'");
        return List.of();
      }
      List<String> out = new ArrayList<>();
      for (Object item : list) {
        StructField field = schema == null ? null : find(schema, String.valueOf(item));
        if (field == null) {
          problem(where + ": tenantFields names '" + item + "', which is not in the schema");
        } else if (!field.dataType().equals(DataTypes.StringType)) {
          problem(where + ": tenantFields field '" + item + "' must be STRING (its values start"
              + " with the tenant), but is " + field.dataType().sql());
        } else {
          out.add(field.name());
        }
      }
      return out;
    }

    /** A Debezium source: keyed by the table's primary key, no event time of its own. */
    private void checkChangelog(String where, Map<?, ?> fields, StructType schema) {
      if (fields.get("key") == null) {
        problem(where + ": format debezium needs 'key': the table's primary key column (changes"
            + " of one row are ordered and deduplicated by it)");
      }
      if (fields.get("eventTime") != null || fields.get("watermark") != null) {
        problem(where + ": format debezium takes no eventTime or watermark (a change's time is"
            + " its column " + SourceSpec.SOURCE_TS_COLUMN + ", its order the log position "
            + SourceSpec.LSN_COLUMN + ")");
      }
      if (schema != null) {
        for (String reserved : List.of(SourceSpec.OP_COLUMN, SourceSpec.LSN_COLUMN,
            SourceSpec.SOURCE_TS_COLUMN)) {
          if (find(schema, reserved) != null) {
            problem(where + ": schema column name '" + reserved + "' is reserved in a debezium"
                + " source (it is added to the table's columns)");
          }
        }
      }
    }

    private ViewSpec view(String name, Map<?, ?> fields) {
      String where = "view '" + name + "'";
      int before = problems.size();
      String nameProblem = Names.viewNameProblem(name);
      if (nameProblem != null) {
        problem(where + ": " + nameProblem);
      }
      unknownFields(where, fields, VIEW_FIELDS);
      String description = text(where, fields, "description", false);
      String sql = text(where, fields, "sql", true);
      String key = text(where, fields, "key", true);
      String kindName = text(where, fields, "kind", true);
      ViewKind kind = null;
      if (kindName != null) {
        try {
          kind = ViewKind.fromWireName(kindName);
        } catch (IllegalArgumentException e) {
          problem(where + ": " + e.getMessage());
        }
      }
      String rank = text(where, fields, "rank", false);
      if (rank != null && rank.equals(key)) {
        problem(where + ": rank column '" + rank + "' cannot be the key column");
      }
      Duration ttl = interval(where, fields, "ttl");
      if (ttl != null && ttl.isZero() && kind == ViewKind.WINDOWED) {
        problem(where + ": 'ttl' of a windowed view must be more than 0: rows expire that long"
            + " after their window closes (default " + ViewSpec.DEFAULT_WINDOW_TTL.toMinutes()
            + " minutes)");
      }
      boolean realTime = false;
      Duration trigger;
      Object triggerText = fields.get("trigger");
      Matcher rt = triggerText == null ? null
          : REAL_TIME.matcher(String.valueOf(triggerText).trim());
      if (rt != null && rt.matches()) {
        realTime = true;
        trigger = ViewSpec.DEFAULT_REAL_TIME_BATCH;
        if (rt.group(1) != null) {
          try {
            trigger = Intervals.parse(rt.group(1));
          } catch (IllegalArgumentException e) {
            problem(where + ": 'trigger' realtime batch " + e.getMessage());
          }
        }
        if (trigger.compareTo(ViewSpec.MIN_REAL_TIME_BATCH) < 0) {
          problem(where + ": 'trigger' realtime batches must last at least "
              + ViewSpec.MIN_REAL_TIME_BATCH.toSeconds() + " seconds (Spark's minimum), but were "
              + trigger.toMillis() + " ms");
        }
        if (kind == ViewKind.WINDOWED) {
          problem(where + ": 'trigger: realtime' needs kind latest or aggregate (a window closes"
              + " by the watermark, which real-time mode does not keep), but kind is windowed");
        }
      } else {
        trigger = interval(where, fields, "trigger");
      }
      Duration tombstoneRetention = retention(where, fields, defaultRetention);
      List<String> indexes = indexes(where, fields.get("indexes"), key);
      return problems.size() > before
          ? null
          : new ViewSpec(name, description == null ? "" : description, key, sql, kind, rank,
              ttl != null ? ttl
                  : kind == ViewKind.WINDOWED ? ViewSpec.DEFAULT_WINDOW_TTL : Duration.ZERO,
              trigger == null ? ViewSpec.DEFAULT_TRIGGER : trigger, realTime, tombstoneRetention,
              indexes);
    }

    /**
     * The {@code indexes} of a view: value columns by plain name, not the key, none twice, at
     * most {@link Indexes#MAX_INDEXES}. Whether each is a scalar column of the SQL output is the
     * planner's check (it needs the analyzed SQL).
     */
    private List<String> indexes(String where, Object value, String key) {
      if (value == null) {
        return List.of();
      }
      if (!(value instanceof List<?> list)) {
        problem(where + ": 'indexes' must be a list of value columns, but was '" + value + "'");
        return List.of();
      }
      if (list.size() > Indexes.MAX_INDEXES) {
        problem(where + ": 'indexes' lists " + list.size() + " columns; at most "
            + Indexes.MAX_INDEXES + " (each costs every write one more index update)");
        return List.of();
      }
      List<String> out = new ArrayList<>();
      for (Object item : list) {
        String column = String.valueOf(item);
        String nameProblem = Indexes.columnNameProblem(column);
        if (nameProblem != null) {
          problem(where + ": 'indexes': " + nameProblem);
        } else if (column.equalsIgnoreCase(key)) {
          problem(where + ": 'indexes' names the key column '" + column + "'; the key is read"
              + " directly (GET /v1/views/{view}/{key}), it needs no index");
        } else if (out.stream().anyMatch(column::equalsIgnoreCase)) {
          problem(where + ": 'indexes' names column '" + column + "' twice");
        } else {
          out.add(column);
        }
      }
      return out;
    }

    /** {@code tombstoneRetention} of {@code fields}, more than 0, else {@code fallback}. */
    private Duration retention(String where, Map<?, ?> fields, Duration fallback) {
      Duration retention = interval(where, fields, TOMBSTONE_RETENTION);
      if (retention != null && retention.toMillis() <= 0) {
        problem(where + ": '" + TOMBSTONE_RETENTION + "' must be more than 0 (deleted rows keep"
            + " a tombstone that long), but was " + fields.get(TOMBSTONE_RETENTION));
        return fallback;
      }
      return retention == null ? fallback : retention;
    }

    private void unknownFields(String where, Map<?, ?> fields, Set<String> known) {
      for (Object field : fields.keySet()) {
        if (!known.contains(String.valueOf(field))) {
          problem(where + ": unknown field '" + field + "' (known: "
              + String.join(", ", known.stream().sorted().toList()) + ")");
        }
      }
    }

    private String text(String where, Map<?, ?> fields, String field, boolean required) {
      Object value = fields.get(field);
      if (value == null) {
        if (required) {
          problem(where + ": '" + field + "' is missing");
        }
        return null;
      }
      if (!(value instanceof String s) || s.isBlank()) {
        problem(where + ": '" + field + "' must be non-empty text, but was '" + value + "'");
        return null;
      }
      return s.trim();
    }

    private Duration interval(String where, Map<?, ?> fields, String field) {
      Object value = fields.get(field);
      if (value == null) {
        return null;
      }
      try {
        return Intervals.parse(String.valueOf(value));
      } catch (IllegalArgumentException e) {
        problem(where + ": '" + field + "' " + e.getMessage());
        return null;
      }
    }

    private StructType schema(String where, String ddl) {
      if (ddl == null) {
        return null;
      }
      StructType schema;
      try {
        schema = StructType.fromDDL(ddl);
      } catch (Exception e) { // Spark's ParseException is checked, though Scala does not say so
        problem(where + ": schema does not parse as Spark DDL: " + Messages.firstLine(e));
        return null;
      }
      Set<String> seen = new HashSet<>();
      for (StructField f : schema.fields()) {
        if (!seen.add(f.name().toLowerCase(Locale.ROOT))) {
          problem(where + ": schema names column '" + f.name() + "' twice");
        }
      }
      if (find(schema, SourceSpec.CORRUPT_RECORD_COLUMN) != null) {
        problem(where + ": schema column name '" + SourceSpec.CORRUPT_RECORD_COLUMN
            + "' is reserved");
      }
      for (StructField f : schema.fields()) {
        if (f.name().toLowerCase(Locale.ROOT).startsWith(SourceSpec.HIDDEN_PREFIX)) {
          problem(where + ": schema column name '" + f.name() + "' is reserved (names starting"
              + " with " + SourceSpec.HIDDEN_PREFIX + " are the processor's)");
        }
      }
      return schema;
    }

    private Map<String, String> options(String where, Object value) {
      Map<String, String> out = new LinkedHashMap<>();
      if (value == null) {
        return out;
      }
      if (!(value instanceof Map<?, ?> entries)) {
        problem(where + ": 'options' must be a mapping, but was '" + value + "'");
        return out;
      }
      for (Map.Entry<?, ?> e : entries.entrySet()) {
        String option = String.valueOf(e.getKey());
        if (RESERVED_OPTIONS.contains(option.toLowerCase(Locale.ROOT))) {
          problem(where + ": option '" + option + "' is set by the processor (topic: and --kafka)");
        } else if (e.getValue() == null || e.getValue() instanceof Map || e.getValue() instanceof List) {
          problem(where + ": option '" + option + "' must be a single value");
        } else {
          out.put(option, String.valueOf(e.getValue()));
        }
      }
      return out;
    }

    private void problem(String text) {
      problems.add(origin + ": " + text);
    }
  }

  /** Spark resolves column names case-insensitively by default; so does the pipeline. */
  static StructField find(StructType schema, String column) {
    for (StructField f : schema.fields()) {
      if (f.name().equalsIgnoreCase(column)) {
        return f;
      }
    }
    return null;
  }
}
