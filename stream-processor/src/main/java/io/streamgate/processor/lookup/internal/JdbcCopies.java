package io.streamgate.processor.lookup.internal;

import io.streamgate.processor.pipeline.TableSpec;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Reads one complete copy of a lookup table over JDBC, on the caller's thread, bounded in time
 * (connect, login, socket and query timeouts) and in size ({@link #MAX_ROWS}). Columns are read
 * by the schema's names and converted to its types. A copy with a key twice, a null key or a
 * null in a NOT NULL column is refused whole: a join must never see half a table. Stateless.
 */
public final class JdbcCopies {
  /**
   * A copy lives in the driver's memory and is shipped with every micro-batch that joins it:
   * lookup tables are small by design.
   */
  public static final int MAX_ROWS = 1_000_000;
  static final int FETCH_SIZE = 1_000;
  private static final Driver DRIVER = new org.postgresql.Driver();

  private JdbcCopies() {}

  /**
   * @param timeout bounds connecting and the query (each)
   * @throws IllegalStateException one line: what failed (the database's message, a missing
   *     column, a duplicate key …)
   * @throws IllegalArgumentException if the password cannot be read ({@link Passwords})
   */
  public static Copy read(TableSpec spec, UnaryOperator<String> env, Duration timeout,
      long nowMillis) {
    Properties props = new Properties();
    if (spec.user() != null) {
      props.setProperty("user", spec.user());
    }
    String password = Passwords.of(spec, env);
    if (password != null) {
      props.setProperty("password", password);
    }
    String seconds = Long.toString(Math.max(1, timeout.toSeconds()));
    props.setProperty("connectTimeout", seconds);
    props.setProperty("loginTimeout", seconds);
    props.setProperty("socketTimeout", Long.toString(Math.max(1, timeout.toSeconds() * 2)));
    props.setProperty("ApplicationName", "streamgate lookup " + spec.name());
    props.setProperty("readOnly", "true");
    // The driver itself, not DriverManager, which may not see drivers of an application class
    // loader (spark-submit).
    try (Connection connection = DRIVER.connect(spec.url(), props)) {
      if (connection == null) {
        throw new IllegalStateException("the PostgreSQL driver does not accept url " + spec.url());
      }
      // Without a transaction PostgreSQL's driver ignores the fetch size and buffers everything.
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        statement.setQueryTimeout((int) Math.max(1, timeout.toSeconds()));
        statement.setFetchSize(FETCH_SIZE);
        statement.setMaxRows(MAX_ROWS + 1);
        try (ResultSet rs = statement.executeQuery(spec.selectSql())) {
          return new Copy(rows(spec, rs), nowMillis);
        }
      } finally {
        connection.rollback();
      }
    } catch (SQLException e) {
      throw new IllegalStateException(firstLine(e), e);
    }
  }

  private static List<InternalRow> rows(TableSpec spec, ResultSet rs) throws SQLException {
    StructField[] fields = spec.schema().fields();
    int[] index = new int[fields.length];
    for (int i = 0; i < fields.length; i++) {
      index[i] = column(rs, fields[i].name());
    }
    int key = spec.schema().fieldIndex(spec.key());
    List<InternalRow> rows = new ArrayList<>();
    Set<Object> keys = new HashSet<>();
    while (rs.next()) {
      if (rows.size() == MAX_ROWS) {
        throw new IllegalStateException("more than " + MAX_ROWS + " rows: a lookup table is held"
            + " in memory whole; narrow it with a query");
      }
      Object[] values = new Object[fields.length];
      for (int i = 0; i < fields.length; i++) {
        try {
          values[i] = value(rs, index[i], fields[i].dataType());
        } catch (SQLException | ArithmeticException e) {
          throw new IllegalStateException("column '" + fields[i].name() + "' (row " + (rows.size()
              + 1) + ") does not read as " + fields[i].dataType().sql() + ": " + firstLine(e), e);
        }
      }
      Object keyValue = values[key];
      if (keyValue == null) {
        throw new IllegalStateException("row " + (rows.size() + 1) + " has no key (column '"
            + spec.key() + "' is null)");
      }
      if (!keys.add(keyValue)) {
        throw new IllegalStateException("key '" + keyValue + "' appears twice (column '"
            + spec.key() + "' must identify a row: a join would count a match twice)");
      }
      for (int i = 0; i < fields.length; i++) {
        if (values[i] == null && !fields[i].nullable()) {
          throw new IllegalStateException("column '" + fields[i].name() + "' is null in the row"
              + " with key '" + keyValue + "', but the schema says NOT NULL");
        }
      }
      rows.add(new GenericInternalRow(values));
    }
    return rows;
  }

  private static int column(ResultSet rs, String name) throws SQLException {
    try {
      return rs.findColumn(name);
    } catch (SQLException e) {
      List<String> have = new ArrayList<>();
      for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
        have.add(rs.getMetaData().getColumnLabel(i));
      }
      throw new IllegalStateException("column '" + name + "' of the schema is not in the result"
          + " (columns: " + String.join(", ", have) + ")", e);
    }
  }

  /** The JDBC value as Spark holds it internally, or null. */
  private static Object value(ResultSet rs, int i, DataType type) throws SQLException {
    Object value;
    if (type instanceof StringType) {
      String s = rs.getString(i);
      return s == null ? null : UTF8String.fromString(s);
    } else if (type instanceof BooleanType) {
      value = rs.getBoolean(i);
    } else if (type instanceof ShortType) {
      value = rs.getShort(i);
    } else if (type instanceof IntegerType) {
      value = rs.getInt(i);
    } else if (type instanceof LongType) {
      value = rs.getLong(i);
    } else if (type instanceof FloatType) {
      value = rs.getFloat(i);
    } else if (type instanceof DoubleType) {
      value = rs.getDouble(i);
    } else if (type instanceof DecimalType d) {
      BigDecimal big = rs.getBigDecimal(i);
      if (big == null) {
        return null;
      }
      Decimal decimal = Decimal.apply(big);
      if (!decimal.changePrecision(d.precision(), d.scale())) {
        throw new ArithmeticException(big + " does not fit " + d.sql());
      }
      return decimal;
    } else if (type instanceof DateType) {
      LocalDate date = rs.getObject(i, LocalDate.class);
      return date == null ? null : (int) date.toEpochDay();
    } else if (type instanceof TimestampType) {
      Timestamp ts = rs.getTimestamp(i);
      if (ts == null) {
        return null;
      }
      java.time.Instant instant = ts.toInstant();
      return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L),
          instant.getNano() / 1000);
    } else {
      throw new IllegalArgumentException("unsupported column type " + type.sql());
    }
    return rs.wasNull() ? null : value;
  }

  static String firstLine(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.strip().lines().findFirst().orElse(e.getClass().getSimpleName());
  }
}
