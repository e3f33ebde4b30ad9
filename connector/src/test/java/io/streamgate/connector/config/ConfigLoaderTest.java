package io.streamgate.connector.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  private static final String MINIMAL = """
      database: {dbname: shop, user: cdc}
      tables: [public.customers]
      stateDir: state
      """;

  @TempDir
  Path temp;

  private static String problem(String yaml, Map<String, String> env) {
    return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "connector.yaml", env)).getMessage();
  }

  @Test
  void theExampleFileLoadsWithTheDocumentedDefaults() {
    Path example = Path.of(System.getProperty("streamgate.root", "..")).resolve("connector/connector.example.yaml");
    ConnectorConfig config = ConfigLoader.load(Files.exists(example) ? example : Path.of("connector.example.yaml"),
        Map.of());

    assertEquals(15432, config.database().port());
    assertEquals(List.of("public.customers"), config.tables());
    assertEquals("streamgate", config.slot());
    assertEquals("streamgate", config.topicPrefix());
    assertEquals("127.0.0.1:9092", config.kafka().bootstrapServers());
    assertEquals(Path.of(".streamgate/connector"), config.stateDir());
    assertEquals(new ConnectorConfig.JsonConfig(false, false), config.json());
    assertTrue(config.tombstones());
    assertEquals("initial", config.snapshotMode());
    assertNull(config.database().password());
  }

  @Test
  void environmentVariablesWinOverTheFile() {
    ConnectorConfig config = ConfigLoader.parse(MINIMAL, "connector.yaml", Map.of(
        "STREAMGATE_KAFKA_BOOTSTRAP", "kafka:9093", "STREAMGATE_DB_PORT", "6543", "STREAMGATE_DB_PASSWORD", "s3cret",
        "STREAMGATE_CONNECTOR_STATE_DIR", "/var/lib/connector"));

    assertEquals("kafka:9093", config.kafka().bootstrapServers());
    assertEquals(6543, config.database().port());
    assertEquals("s3cret", config.database().password());
    assertEquals(Path.of("/var/lib/connector"), config.stateDir());
    assertTrue(!config.database().toString().contains("s3cret"), "the password is never printed");
  }

  @Test
  void thePasswordComesFromItsFileWithoutTheFinalNewline() throws Exception {
    Path secret = Files.writeString(temp.resolve("password"), "s3cret\n");
    ConnectorConfig config = ConfigLoader.parse("""
        database: {dbname: shop, user: cdc, passwordFile: %s}
        tables: [public.customers]
        stateDir: state
        """.formatted(secret), "connector.yaml", Map.of());
    assertEquals("s3cret", config.database().password());
  }

  @Test
  void aPasswordInTheFileIsRefused() {
    assertEquals("connector.yaml: database.password is not read from the file: put the password in a file named by"
        + " database.passwordFile, or in STREAMGATE_DB_PASSWORD",
        problem("database: {dbname: shop, user: cdc, password: hunter2}\ntables: [public.t]\nstateDir: s\n", Map.of()));
  }

  @Test
  void problemsNameFileFieldAndValueInOneLine() {
    assertEquals("connector.yaml: tables[0] must be a qualified table name schema.table, but was 'customers'",
        problem(MINIMAL.replace("public.customers", "customers"), Map.of()));
    assertEquals("connector.yaml: database.port (from STREAMGATE_DB_PORT) must be an integer, but was 'abc'",
        problem(MINIMAL, Map.of("STREAMGATE_DB_PORT", "abc")));
    assertEquals("connector.yaml: database.port must be 1-65535, but was 70000",
        problem(MINIMAL.replace("user: cdc", "user: cdc, port: 70000"), Map.of()));
    assertEquals("connector.yaml: slot must be 1-63 lower-case letters, digits or underscores, but was 'My-Slot'",
        problem(MINIMAL + "slot: My-Slot\n", Map.of()));
    assertEquals("connector.yaml: stateDir is required (the directory for the connector's offsets)",
        problem(MINIMAL.replace("stateDir: state\n", ""), Map.of()));
    assertEquals("connector.yaml: debezium.slot.name is set by the connector from its own fields; remove it",
        problem(MINIMAL + "debezium: {slot.name: other}\n", Map.of()));
    assertTrue(problem(MINIMAL + "tabels: [public.x]\n", Map.of())
        .startsWith("connector.yaml: tabels is not a known field; expected one of [database, tables,"));
    assertTrue(problem(MINIMAL + "snapshotMode: sometimes\n", Map.of())
        .startsWith("connector.yaml: snapshotMode must be one of [always, initial, initial_only, no_data, when_needed]"));
  }

  @Test
  void aMissingFileIsNamed() {
    Path missing = temp.resolve("nope.yaml");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing, Map.of()));
    assertEquals(missing + ": no such file", e.getMessage());
  }
}
