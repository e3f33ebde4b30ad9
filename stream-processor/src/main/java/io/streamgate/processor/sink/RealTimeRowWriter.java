package io.streamgate.processor.sink;

import io.streamgate.contract.Keyspace;
import io.streamgate.contract.Names;
import io.streamgate.contract.Scripts;
import java.time.Clock;
import org.apache.spark.sql.ForeachWriter;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink of a latest view in Spark's real-time mode: each serving row (columns read by name,
 * {@link ServingRowReader}) is written as soon as it arrives, one {@code WRITE_ROW} (with its
 * change message) and one {@code INDEX_ROW} ({@link RowWrite}), over a connection held for the
 * task's whole batch.
 *
 * <p><b>Version = (epoch + 1) &lt;&lt; 24 | n</b>, n the row's position in this partition's part
 * of the batch. A real-time batch reads each Kafka partition in offset order within one task, and
 * a batch replayed after a crash starts at the same offsets, so every row gets the same version
 * again and the store ignores it: exactly-once effect, as in micro-batch. Later batches have
 * larger versions, so for one key (whose events stay on one partition, as the source's {@code
 * key} field arranges) a later event always wins. These versions are far larger than micro-batch
 * ones (batch id + 1): switching a view from real-time back to micro-batch needs its Redis rows
 * reset.
 *
 * <p>What each task wrote reaches the driver through {@code counts} when the task ends, that is
 * once per real-time batch: the same rows/written/not-newer figures as a micro-batch's.
 *
 * <p>Spark makes one instance per task (deserialized copy); not thread-safe, not shared.
 */
public final class RealTimeRowWriter extends ForeachWriter<Row> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(RealTimeRowWriter.class);
  static final int SEQUENCE_BITS = 24;
  static final long MAX_SEQUENCE = (1L << SEQUENCE_BITS) - 1;

  private final String redisUri;
  private final String namespace;
  /** Where rows go: the table of one version of a view ({@link Names#table}). */
  private final String table;
  private final long ttlMillis;
  private final ServingRowReader reader;
  private final Clock clock;
  private final WriteCountsAccumulator counts;

  private transient Keyspace keyspace;
  private transient long epoch;
  private transient long sequence;
  private transient long skipped;
  private transient long written;
  private transient long notNewer;

  /** @param counts registered on the driver; each task adds what it wrote when it closes */
  public RealTimeRowWriter(String redisUri, String namespace, String table, long ttlMillis,
      ServingRowReader reader, Clock clock, WriteCountsAccumulator counts) {
    this.redisUri = redisUri;
    this.namespace = namespace;
    this.table = Names.requireTableName(table);
    this.ttlMillis = ttlMillis;
    this.reader = reader;
    this.clock = clock;
    this.counts = counts;
    new Keyspace(namespace);
  }

  /** The version of the {@code n}-th row (from 0) of a partition in real-time batch {@code epoch}. */
  public static long version(long epoch, long n) {
    if (n > MAX_SEQUENCE) {
      throw new IllegalStateException("more than " + MAX_SEQUENCE + " rows in one partition of one"
          + " real-time batch; use shorter batches (trigger: realtime <interval>)");
    }
    long version = ((epoch + 1) << SEQUENCE_BITS) | n;
    if (version > io.streamgate.contract.Row.MAX_VERSION || epoch < 0) {
      throw new IllegalStateException("real-time batch " + epoch + " exceeds the contract's versions");
    }
    return version;
  }

  @Override
  public boolean open(long partitionId, long epochId) {
    keyspace = new Keyspace(namespace);
    RedisConnections.client(redisUri); // connect now, not on the first row
    epoch = epochId;
    sequence = 0;
    skipped = 0;
    written = 0;
    notNewer = 0;
    return true;
  }

  @Override
  public void process(Row row) {
    long version = version(epoch, sequence++);
    String problem = reader.problem(row);
    if (problem != null) {
      if (skipped++ == 0) {
        LOG.warn("view {}: skipping a row that cannot be served ({}); first of this batch part",
            table, problem);
      }
      return;
    }
    RowWrite write = reader.write(table, row, version, clock.millis());
    Object applied = ScriptCalls.evalsha(redisUri, Scripts.WRITE_ROW, write.writeKeys(keyspace),
        write.writeArgs(keyspace, ttlMillis));
    if (Long.valueOf(1).equals(applied)) {
      written++;
    } else {
      notNewer++; // the store holds this version or a newer one: a replayed batch
    }
    ScriptCalls.evalsha(redisUri, Scripts.INDEX_ROW, write.indexKeys(keyspace),
        write.indexArgs(keyspace));
  }

  @Override
  public void close(Throwable error) {
    // The client is shared by the JVM's tasks and closed at shutdown.
    counts.add(new WriteCounts(sequence, written, notNewer, 0, skipped));
  }
}
