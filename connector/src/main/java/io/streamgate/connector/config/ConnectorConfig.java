package io.streamgate.connector.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The connector's configuration: which database and tables to capture, where in Kafka the changes
 * go, where the connector keeps its offsets. Immutable; every constructor validates its fields and
 * names the bad one ({@link ConfigException}).
 *
 * @param database the PostgreSQL database to capture
 * @param tables qualified names ({@code schema.table}) of the captured tables
 * @param slot logical replication slot (created by Debezium on first start, kept across restarts)
 * @param publication pgoutput publication, created by Debezium for exactly {@code tables}
 * @param topicPrefix topics are {@code <topicPrefix>.<schema>.<table>}, Debezium's default naming
 * @param kafka where the change events go
 * @param stateDir holds the offsets file; keep it with the slot (a new state dir on an old slot
 *     re-snapshots, an old state dir on a new slot may miss changes)
 * @param json JSON converter settings
 * @param tombstones after each delete event, also write a Kafka tombstone (null value) for the
 *     key, as Kafka Connect does, so compacted topics forget deleted rows
 * @param snapshotMode Debezium {@code snapshot.mode}: {@code initial} reads the tables' rows once
 *     (op {@code r}) before streaming changes
 * @param offsetFlushIntervalMs how often acknowledged positions are stored; a crash replays at
 *     most about this much (consumers dedupe by LSN)
 * @param debezium further Debezium connector properties, passed as they are
 */
public record ConnectorConfig(DatabaseConfig database, List<String> tables, String slot, String publication,
    String topicPrefix, KafkaConfig kafka, Path stateDir, JsonConfig json, boolean tombstones,
    String snapshotMode, int offsetFlushIntervalMs, Map<String, String> debezium) {

  public static final String DEFAULT_SLOT = "streamgate";
  public static final String DEFAULT_PUBLICATION = "streamgate";
  public static final String DEFAULT_TOPIC_PREFIX = "streamgate";
  public static final boolean DEFAULT_TOMBSTONES = true;
  public static final String DEFAULT_SNAPSHOT_MODE = "initial";
  public static final int DEFAULT_OFFSET_FLUSH_INTERVAL_MS = 1_000;
  public static final Set<String> SNAPSHOT_MODES =
      Set.of("initial", "initial_only", "no_data", "when_needed", "always");
  /** Properties the connector sets from its own fields; {@code debezium} may not override them. */
  public static final Set<String> OWN_PROPERTIES = Set.of("name", "connector.class", "offset.storage",
      "offset.storage.file.filename", "offset.flush.interval.ms", "database.hostname", "database.port",
      "database.user", "database.password", "database.dbname", "topic.prefix", "plugin.name",
      "slot.name", "publication.name", "table.include.list", "tombstones.on.delete", "snapshot.mode",
      "key.converter.schemas.enable", "value.converter.schemas.enable");

  private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*\\.[A-Za-z_][A-Za-z0-9_$]*");
  /** PostgreSQL's rule for replication slot names. */
  private static final Pattern SLOT = Pattern.compile("[a-z0-9_]{1,63}");
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
  private static final Pattern TOPIC_PREFIX = Pattern.compile("[A-Za-z0-9._-]{1,200}");

  public ConnectorConfig {
    if (database == null) {
      throw new ConfigException("database", "is required");
    }
    if (tables == null || tables.isEmpty()) {
      throw new ConfigException("tables", "must list at least one table as schema.table, e.g. [public.customers]");
    }
    for (int i = 0; i < tables.size(); i++) {
      if (!TABLE.matcher(tables.get(i)).matches()) {
        throw new ConfigException("tables[" + i + "]", "must be a qualified table name schema.table, but was '"
            + tables.get(i) + "'");
      }
    }
    tables = List.copyOf(tables);
    if (slot == null || !SLOT.matcher(slot).matches()) {
      throw new ConfigException("slot", "must be 1-63 lower-case letters, digits or underscores, but was '"
          + slot + "'");
    }
    if (publication == null || !IDENTIFIER.matcher(publication).matches()) {
      throw new ConfigException("publication", "must be a plain identifier (letters, digits, underscores), but was '"
          + publication + "'");
    }
    if (topicPrefix == null || !TOPIC_PREFIX.matcher(topicPrefix).matches()) {
      throw new ConfigException("topicPrefix", "must be letters, digits, '.', '_' or '-', but was '"
          + topicPrefix + "'");
    }
    if (kafka == null) {
      throw new ConfigException("kafka", "is required");
    }
    if (stateDir == null) {
      throw new ConfigException("stateDir", "is required (the directory for the connector's offsets)");
    }
    if (json == null) {
      throw new ConfigException("json", "is required");
    }
    if (snapshotMode == null || !SNAPSHOT_MODES.contains(snapshotMode)) {
      throw new ConfigException("snapshotMode", "must be one of " + SNAPSHOT_MODES.stream().sorted().toList()
          + ", but was '" + snapshotMode + "'");
    }
    if (offsetFlushIntervalMs < 0) {
      throw new ConfigException("offsetFlushIntervalMs", "must be 0 or more, but was " + offsetFlushIntervalMs);
    }
    debezium = Map.copyOf(debezium == null ? Map.of() : debezium);
    for (String key : debezium.keySet()) {
      if (OWN_PROPERTIES.contains(key)) {
        throw new ConfigException("debezium." + key, "is set by the connector from its own fields; remove it");
      }
    }
  }

  /**
   * @param password from {@code passwordFile} or {@code STREAMGATE_DB_PASSWORD}, never from the
   *     file itself; null for none (trust authentication)
   * @param passwordFile where the password came from, or null
   */
  public record DatabaseConfig(String host, int port, String dbname, String user, String password,
      Path passwordFile) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 5432;

    public DatabaseConfig {
      if (host == null || host.isBlank()) {
        throw new ConfigException("host", "is required");
      }
      if (port < 1 || port > 65_535) {
        throw new ConfigException("port", "must be 1-65535, but was " + port);
      }
      if (dbname == null || dbname.isBlank()) {
        throw new ConfigException("dbname", "is required");
      }
      if (user == null || user.isBlank()) {
        throw new ConfigException("user", "is required");
      }
    }

    @Override
    public String toString() {
      return "DatabaseConfig[" + user + "@" + host + ":" + port + "/" + dbname
          + (password == null ? ", no password" : ", password from " + (passwordFile == null
              ? "the environment" : passwordFile)) + "]";
    }
  }

  /**
   * @param bootstrapServers Kafka brokers, {@code host:port[,host:port...]}
   * @param producer further producer properties (e.g. security settings), passed as they are
   */
  public record KafkaConfig(String bootstrapServers, Map<String, String> producer) {
    public static final String DEFAULT_BOOTSTRAP_SERVERS = "127.0.0.1:9092";

    public KafkaConfig {
      if (bootstrapServers == null || bootstrapServers.isBlank()) {
        throw new ConfigException("bootstrapServers", "is required");
      }
      producer = Map.copyOf(producer == null ? Map.of() : producer);
    }
  }

  /**
   * Debezium's JSON converter, as {@code key.converter.schemas.enable} and
   * {@code value.converter.schemas.enable} in Kafka Connect.
   *
   * @param keySchemas wrap keys as {@code {"schema":...,"payload":...}}
   * @param valueSchemas wrap values (the envelope) the same way
   */
  public record JsonConfig(boolean keySchemas, boolean valueSchemas) {
    public static final boolean DEFAULT_SCHEMAS = false;
  }
}
