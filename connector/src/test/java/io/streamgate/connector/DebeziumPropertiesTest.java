package io.streamgate.connector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.streamgate.connector.config.ConfigLoader;
import io.streamgate.connector.config.ConnectorConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class DebeziumPropertiesTest {

  private static Properties of(String extra, Map<String, String> env) {
    ConnectorConfig config = ConfigLoader.parse("""
        database: {port: 15432, dbname: shop, user: cdc}
        tables: [public.customers, inventory.items]
        slot: shop_slot
        publication: shop_pub
        topicPrefix: shop
        stateDir: /var/lib/cdc
        """ + extra, "test.yaml", env);
    return DebeziumProperties.of(config);
  }

  @Test
  void theConfigBecomesAPgoutputConnectorWithFileOffsetsInTheStateDir() {
    Properties p = of("", Map.of());

    assertEquals("io.debezium.connector.postgresql.PostgresConnector", p.getProperty("connector.class"));
    assertEquals("pgoutput", p.getProperty("plugin.name"));
    assertEquals("org.apache.kafka.connect.storage.FileOffsetBackingStore", p.getProperty("offset.storage"));
    assertEquals(Path.of("/var/lib/cdc/offsets.dat").toString(), p.getProperty("offset.storage.file.filename"));
    assertEquals("15432", p.getProperty("database.port"));
    assertEquals("shop", p.getProperty("topic.prefix"));
    assertEquals("shop_slot", p.getProperty("slot.name"));
    assertEquals("shop_pub", p.getProperty("publication.name"));
    assertEquals("filtered", p.getProperty("publication.autocreate.mode"));
    assertEquals("public.customers,inventory.items", p.getProperty("table.include.list"));
    assertEquals("true", p.getProperty("tombstones.on.delete"));
    assertEquals("false", p.getProperty("key.converter.schemas.enable"));
    assertEquals("false", p.getProperty("value.converter.schemas.enable"));
    assertEquals("double", p.getProperty("decimal.handling.mode"));
    assertFalse(p.containsKey("database.password"), "no password configured: none sent");
  }

  @Test
  void theDebeziumSectionOverridesOurDefaultsAndAddsSettings() {
    Properties p = of("""
        json: {valueSchemas: true}
        tombstones: false
        debezium: {decimal.handling.mode: string, heartbeat.interval.ms: 10000}
        """, Map.of("STREAMGATE_DB_PASSWORD", "s3cret"));

    assertEquals("string", p.getProperty("decimal.handling.mode"));
    assertEquals("10000", p.getProperty("heartbeat.interval.ms"));
    assertEquals("true", p.getProperty("value.converter.schemas.enable"));
    assertEquals("false", p.getProperty("tombstones.on.delete"));
    assertEquals("s3cret", p.getProperty("database.password"));
  }
}
