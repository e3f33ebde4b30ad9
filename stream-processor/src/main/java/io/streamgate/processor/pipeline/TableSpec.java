package io.streamgate.processor.pipeline;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.TimestampType;
import org.apache.spark.sql.types.StructType;

/**
 * A lookup table: a database table (or query) read over JDBC and read again every {@code
 * refresh}, which views join to their streams (a stream-static join), as declared under {@code
 * sources:} with {@code kind: table} in a pipeline file. The password is never part of it: it
 * comes from {@code passwordFile} or the environment variable {@code passwordEnv}, read at each
 * refresh. Immutable.
 *
 * @param name          the table name views use in their SQL
 * @param origin        the pipeline file (or request) that declared it, for messages
 * @param url           JDBC URL ({@code jdbc:postgresql://host:port/db})
 * @param table         the database table ({@code schema.table} or {@code table}), or null
 * @param query         a SELECT whose rows are the table, or null (exactly one of table, query)
 * @param key           the column that identifies a row; a copy with a key twice is refused
 * @param schema        the columns views see, read by name from each result row
 * @param refresh       how long a copy is used before it is read again
 * @param user          database user, or null
 * @param passwordFile  a file holding the password (trailing newline ignored), or null
 * @param passwordEnv   an environment variable holding the password, or null; wins over the file
 */
public record TableSpec(
    String name,
    String origin,
    String url,
    String table,
    String query,
    String key,
    StructType schema,
    Duration refresh,
    String user,
    Path passwordFile,
    String passwordEnv) {

  /** Value of {@code kind:} that makes a source a lookup table. */
  public static final String KIND = "table";
  public static final Duration DEFAULT_REFRESH = Duration.ofMinutes(1);
  /** Shorter refreshes would make the database the bottleneck of a busy view for no gain. */
  public static final Duration MIN_REFRESH = Duration.ofSeconds(1);

  /** Column types a copy can hold (JDBC values are converted to them by name). */
  public static final String SUPPORTED_TYPES =
      "STRING, BOOLEAN, SMALLINT, INT, BIGINT, FLOAT, DOUBLE, DECIMAL(p,s), DATE, TIMESTAMP";

  public static boolean supported(DataType type) {
    return type instanceof StringType || type instanceof BooleanType
        || type instanceof ShortType || type instanceof IntegerType || type instanceof LongType
        || type instanceof FloatType || type instanceof DoubleType
        || type instanceof DecimalType || type instanceof DateType
        || type instanceof TimestampType;
  }

  /** The SQL that reads one copy: the query as given, or the schema's columns of the table. */
  public String selectSql() {
    if (query != null) {
      return query;
    }
    List<String> columns = new ArrayList<>();
    for (StructField f : schema.fields()) {
      columns.add("\"" + f.name().replace("\"", "\"\"") + "\"");
    }
    return "SELECT " + String.join(", ", columns) + " FROM " + table;
  }

  /** Whether both read the same rows the same way (where they were declared aside). */
  public boolean sameTable(TableSpec other) {
    return other.equals(new TableSpec(name, other.origin, url, table, query, key, schema, refresh,
        user, passwordFile, passwordEnv));
  }

  /** Prefix of this table's one-line messages: file and source. */
  public String where() {
    return origin + ": source '" + name + "'";
  }
}
