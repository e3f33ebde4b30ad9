package io.streamgate.connector;

import io.streamgate.connector.config.ConnectorConfig;
import java.util.Properties;

/** The Debezium engine and PostgreSQL connector properties for a {@link ConnectorConfig}. Stateless. */
final class DebeziumProperties {
  static final String OFFSETS_FILE = "offsets.dat";

  private DebeziumProperties() {}

  static Properties of(ConnectorConfig config) {
    Properties p = new Properties();
    // Defaults of ours that the debezium section may override:
    // JSON decimals as numbers (Debezium's default, "precise", writes them as base64 bytes, which
    // no JSON reader takes for a number).
    p.setProperty("decimal.handling.mode", "double");
    // Debezium sleeps this long whenever its queue is empty (default 500 ms): it is the latency
    // of a lone change. Waking 20 times a second costs nothing measurable.
    p.setProperty("poll.interval.ms", "50");
    // The publication covers exactly the captured tables, not every table of the database.
    p.setProperty("publication.autocreate.mode", "filtered");
    p.putAll(config.debezium());

    p.setProperty("name", "streamgate-" + config.slot());
    p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
    p.setProperty("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore");
    p.setProperty("offset.storage.file.filename",
        config.stateDir().toAbsolutePath().resolve(OFFSETS_FILE).toString());
    p.setProperty("offset.flush.interval.ms", String.valueOf(config.offsetFlushIntervalMs()));

    ConnectorConfig.DatabaseConfig db = config.database();
    p.setProperty("database.hostname", db.host());
    p.setProperty("database.port", String.valueOf(db.port()));
    p.setProperty("database.user", db.user());
    if (db.password() != null) {
      p.setProperty("database.password", db.password());
    }
    p.setProperty("database.dbname", db.dbname());

    p.setProperty("topic.prefix", config.topicPrefix());
    p.setProperty("plugin.name", "pgoutput");
    p.setProperty("slot.name", config.slot());
    p.setProperty("publication.name", config.publication());
    p.setProperty("table.include.list", String.join(",", config.tables()));
    p.setProperty("snapshot.mode", config.snapshotMode());
    p.setProperty("tombstones.on.delete", String.valueOf(config.tombstones()));
    p.setProperty("key.converter.schemas.enable", String.valueOf(config.json().keySchemas()));
    p.setProperty("value.converter.schemas.enable", String.valueOf(config.json().valueSchemas()));
    return p;
  }
}
