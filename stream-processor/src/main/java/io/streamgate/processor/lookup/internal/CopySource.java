package io.streamgate.processor.lookup.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.read.Statistics;
import org.apache.spark.sql.connector.read.SupportsReportStatistics;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * A Spark data source (DataSource V2, batch reads) whose rows are the newest {@link Copy} of a
 * lookup table held in the driver. The point is <em>when</em> it reads: a streaming query plans
 * every micro-batch afresh, and each planning builds a new {@link Scan} here, which takes the
 * copy current at that moment. So a stream-static join sees a refreshed copy from the next batch
 * on without restarting its query, and a batch never waits for the database: a refresh replaces
 * the copy (one reference swap) on the lookup thread. The copy's rows travel to the executors
 * inside the tasks' partitions.
 *
 * <p>Spark instantiates the provider by class name; it finds the copy through {@link #register}
 * (by an id option) in this JVM, the driver's.
 */
public final class CopySource implements TableProvider {
  /** Option naming the registered table. */
  public static final String ID = "streamgate.lookup.id";
  /** Rows per input partition (so a large copy is read by several tasks). */
  static final int ROWS_PER_PARTITION = 50_000;
  /** Rough in-memory size of a row, for the planner's broadcast decision. */
  static final long BYTES_PER_ROW = 128;

  /**
   * What a registered table reads.
   *
   * @param current the newest copy, or null before the first one; called on Spark's planning
   *     thread, must not block
   * @param missing why there is no copy yet, for the batch's error
   */
  public record Registration(String name, StructType schema, Supplier<Copy> current,
      Supplier<String> missing) {}

  private static final Map<String, Registration> REGISTERED = new ConcurrentHashMap<>();

  public static void register(String id, Registration registration) {
    REGISTERED.put(id, registration);
  }

  public static void unregister(String id) {
    REGISTERED.remove(id);
  }

  private static Registration lookup(Map<String, String> options) {
    String id = options.get(ID);
    Registration r = id == null ? null : REGISTERED.get(id);
    if (r == null) {
      throw new IllegalStateException("lookup table " + id + " is not open in this processor");
    }
    return r;
  }

  @Override
  public StructType inferSchema(CaseInsensitiveStringMap options) {
    return lookup(options).schema();
  }

  @Override
  public Table getTable(StructType schema, Transform[] partitioning,
      Map<String, String> properties) {
    return new CopyTable(lookup(new CaseInsensitiveStringMap(properties)));
  }

  private record CopyTable(Registration registration) implements Table, SupportsRead {
    @Override
    public String name() {
      return "lookup " + registration.name();
    }

    @Override
    @SuppressWarnings("deprecation")
    public StructType schema() {
      return registration.schema();
    }

    @Override
    public Set<TableCapability> capabilities() {
      return Set.of(TableCapability.BATCH_READ);
    }

    @Override
    public ScanBuilder newScanBuilder(CaseInsensitiveStringMap options) {
      return () -> {
        Copy copy = registration.current().get();
        if (copy == null) {
          throw new IllegalStateException("lookup table " + registration.name()
              + " has no copy yet: " + registration.missing().get());
        }
        return new CopyScan(registration.name(), registration.schema(), copy);
      };
    }
  }

  /** One batch's reading of one copy. */
  private record CopyScan(String name, StructType schema, Copy copy)
      implements Scan, Batch, SupportsReportStatistics {
    @Override
    public StructType readSchema() {
      return schema;
    }

    @Override
    public String description() {
      return "lookup " + name + " (" + copy.rows().size() + " rows read at " + copy.readAtMillis()
          + ")";
    }

    @Override
    public Batch toBatch() {
      return this;
    }

    @Override
    public InputPartition[] planInputPartitions() {
      List<InputPartition> parts = new ArrayList<>();
      List<InternalRow> rows = copy.rows();
      for (int from = 0; from < rows.size(); from += ROWS_PER_PARTITION) {
        parts.add(new Rows(new ArrayList<>(rows.subList(from,
            Math.min(rows.size(), from + ROWS_PER_PARTITION)))));
      }
      return parts.toArray(InputPartition[]::new);
    }

    @Override
    public PartitionReaderFactory createReaderFactory() {
      return new Readers();
    }

    @Override
    public Statistics estimateStatistics() {
      long rows = copy.rows().size();
      return new Statistics() {
        @Override
        public OptionalLong sizeInBytes() {
          return OptionalLong.of(Math.max(1, rows) * BYTES_PER_ROW);
        }

        @Override
        public OptionalLong numRows() {
          return OptionalLong.of(rows);
        }
      };
    }
  }

  /** A slice of a copy's rows, shipped to an executor. */
  private record Rows(ArrayList<InternalRow> rows) implements InputPartition {}

  private static final class Readers implements PartitionReaderFactory {
    private static final long serialVersionUID = 1L;

    @Override
    public PartitionReader<InternalRow> createReader(InputPartition partition) {
      List<InternalRow> rows = ((Rows) partition).rows();
      return new PartitionReader<>() {
        private int next = -1;

        @Override
        public boolean next() {
          return ++next < rows.size();
        }

        @Override
        public InternalRow get() {
          return rows.get(next);
        }

        @Override
        public void close() {}
      };
    }
  }
}
