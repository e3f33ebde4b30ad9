package io.streamgate.connector.config;

import io.streamgate.connector.config.ConnectorConfig.DatabaseConfig;
import io.streamgate.connector.config.ConnectorConfig.JsonConfig;
import io.streamgate.connector.config.ConnectorConfig.KafkaConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Builds a {@link ConnectorConfig} from a YAML file and environment variables, which win over the
 * file. Every problem surfaces as one {@link ConfigException} naming file, field and value. The
 * database password is never read from the file: it comes from {@code database.passwordFile} or
 * {@value #ENV_DB_PASSWORD}. Stateless and thread-safe.
 */
public final class ConfigLoader {
  public static final String ENV_KAFKA_BOOTSTRAP = "STREAMGATE_KAFKA_BOOTSTRAP";
  public static final String ENV_DB_HOST = "STREAMGATE_DB_HOST";
  public static final String ENV_DB_PORT = "STREAMGATE_DB_PORT";
  public static final String ENV_DB_NAME = "STREAMGATE_DB_NAME";
  public static final String ENV_DB_USER = "STREAMGATE_DB_USER";
  /** The password itself; wins over {@code database.passwordFile}. */
  public static final String ENV_DB_PASSWORD = "STREAMGATE_DB_PASSWORD";
  public static final String ENV_TOPIC_PREFIX = "STREAMGATE_TOPIC_PREFIX";
  public static final String ENV_STATE_DIR = "STREAMGATE_CONNECTOR_STATE_DIR";

  /** Field path each plain override replaces. */
  private static final Map<String, String> ENV_FIELDS = Map.of(
      ENV_KAFKA_BOOTSTRAP, "kafka.bootstrapServers",
      ENV_DB_HOST, "database.host",
      ENV_DB_PORT, "database.port",
      ENV_DB_NAME, "database.dbname",
      ENV_DB_USER, "database.user",
      ENV_TOPIC_PREFIX, "topicPrefix",
      ENV_STATE_DIR, "stateDir");

  private ConfigLoader() {}

  /**
   * @param file the YAML file
   * @param env  environment variables (pass {@code System.getenv()}; tests pass their own)
   */
  public static ConnectorConfig load(Path file, Map<String, String> env) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(null, "no such file").in(file.toString());
    } catch (IOException e) {
      throw new ConfigException(null, "cannot read the file: " + e).in(file.toString());
    }
    return parse(text, file.toString(), env);
  }

  /** Parses YAML text; {@code source} names it in error messages. */
  public static ConnectorConfig parse(String yaml, String source, Map<String, String> env) {
    Map<String, String> overrides = new LinkedHashMap<>();
    Map<String, String> overriddenBy = new LinkedHashMap<>();
    ENV_FIELDS.forEach((variable, field) -> {
      String value = env.get(variable);
      if (value != null && !value.isBlank()) {
        overrides.put(field, value.trim());
        overriddenBy.put(field, variable);
      }
    });
    try {
      YamlSection root = YamlSection.root(loadYaml(yaml), overrides);
      DatabaseConfig database = database(root.section("database"), env.get(ENV_DB_PASSWORD));
      List<String> tables = root.strings("tables", List.of());
      String slot = root.string("slot", ConnectorConfig.DEFAULT_SLOT);
      String publication = root.string("publication", ConnectorConfig.DEFAULT_PUBLICATION);
      String topicPrefix = root.string("topicPrefix", ConnectorConfig.DEFAULT_TOPIC_PREFIX);
      KafkaConfig kafka = kafka(root.section("kafka"));
      Path stateDir = root.path("stateDir", null);
      JsonConfig json = json(root.section("json"));
      boolean tombstones = root.bool("tombstones", ConnectorConfig.DEFAULT_TOMBSTONES);
      String snapshotMode = root.string("snapshotMode", ConnectorConfig.DEFAULT_SNAPSHOT_MODE);
      int flushMs = root.integer("offsetFlushIntervalMs", ConnectorConfig.DEFAULT_OFFSET_FLUSH_INTERVAL_MS);
      Map<String, String> debezium = root.stringMap("debezium");
      root.rejectUnknownFields();
      return new ConnectorConfig(database, tables, slot, publication, topicPrefix, kafka, stateDir, json,
          tombstones, snapshotMode, flushMs, debezium);
    } catch (ConfigException e) {
      String variable = e.field() == null ? null : overriddenBy.get(e.field());
      throw (variable == null ? e : e.fromEnv(variable)).in(source);
    }
  }

  private static Object loadYaml(String text) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    try {
      return new Yaml(new SafeConstructor(options)).load(text);
    } catch (MarkedYAMLException e) {
      String where = e.getProblemMark() == null ? ""
          : " (line " + (e.getProblemMark().getLine() + 1)
              + ", column " + (e.getProblemMark().getColumn() + 1) + ")";
      throw new ConfigException(null, "is not valid YAML: " + e.getProblem() + where);
    } catch (YAMLException e) {
      throw new ConfigException(null, "is not valid YAML: " + e.getMessage().lines().findFirst()
          .orElse("unreadable"));
    }
  }

  /** Unknown fields first (a typo explains a surprising default), then the record's own checks. */
  private static <T> T build(YamlSection section, Supplier<T> constructor) {
    section.rejectUnknownFields();
    try {
      return constructor.get();
    } catch (ConfigException e) {
      throw e.within(section.path());
    }
  }

  private static DatabaseConfig database(YamlSection s, String envPassword) {
    String host = s.string("host", DatabaseConfig.DEFAULT_HOST);
    int port = s.integer("port", DatabaseConfig.DEFAULT_PORT);
    String dbname = s.string("dbname", null);
    String user = s.string("user", null);
    if (s.string("password", null) != null) {
      throw new ConfigException(s.path() + ".password", "is not read from the file: put the password in a file "
          + "named by " + s.path() + ".passwordFile, or in " + ENV_DB_PASSWORD);
    }
    Path passwordFile = s.path("passwordFile", null);
    String password;
    if (envPassword != null && !envPassword.isEmpty()) {
      password = envPassword;
      passwordFile = null;
    } else if (passwordFile != null) {
      password = readPassword(s.path() + ".passwordFile", passwordFile);
    } else {
      password = null;
    }
    Path from = passwordFile;
    return build(s, () -> new DatabaseConfig(host, port, dbname, user, password, from));
  }

  private static String readPassword(String field, Path file) {
    try {
      // The file's final newline (echo secret > file) is not part of the password.
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (NoSuchFileException e) {
      throw new ConfigException(field, "names a file that does not exist: " + file);
    } catch (IOException e) {
      throw new ConfigException(field, "names a file that cannot be read: " + file + " (" + e.getMessage() + ")");
    }
  }

  private static KafkaConfig kafka(YamlSection s) {
    String bootstrap = s.string("bootstrapServers", KafkaConfig.DEFAULT_BOOTSTRAP_SERVERS);
    Map<String, String> producer = s.stringMap("producer");
    return build(s, () -> new KafkaConfig(bootstrap, producer));
  }

  private static JsonConfig json(YamlSection s) {
    boolean keySchemas = s.bool("keySchemas", JsonConfig.DEFAULT_SCHEMAS);
    boolean valueSchemas = s.bool("valueSchemas", JsonConfig.DEFAULT_SCHEMAS);
    return build(s, () -> new JsonConfig(keySchemas, valueSchemas));
  }
}
