package io.streamgate.processor.runner;

import io.streamgate.contract.Keyspace;
import io.streamgate.processor.sink.ViewVersions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each view's checkpoint and its rows in Redis together. A view's versions are its batch
 * ids (or real-time epochs), which only grow within one checkpoint: with a new checkpoint they
 * restart, and every write would be ignored as not newer, silently. So each checkpoint gets a
 * random id ({@value #ID_FILE} in its directory), and Redis records the id of the checkpoint the
 * view's rows come from ({@link ViewVersions#checkpointIdKey}). At startup:
 *
 * <ul>
 *   <li>same id on both sides: the checkpoint continues;
 *   <li>neither has one (a new view, or one from before ids): a new id, written to the checkpoint
 *       first and then to Redis, so a crash in between leaves the next case;
 *   <li>the checkpoint has one, Redis none (Redis was flushed): recorded in Redis; the view's
 *       writes land, since its rows are gone;
 *   <li>Redis has one and the checkpoint none or another: refused, one line per view.
 * </ul>
 *
 * {@link #reset} (the {@code --reset-view} flag) clears a view's rows and versions in Redis and
 * deletes its checkpoint, so it starts over. Runs on the driver, before the views' queries start.
 */
final class ViewCheckpoints {
  private static final Logger LOG = LoggerFactory.getLogger(ViewCheckpoints.class);
  static final String ID_FILE = "streamgate-checkpoint-id";

  /** What the two ids say about a view's checkpoint. */
  enum Match {
    /** The checkpoint the rows come from: continue. */
    SAME,
    /** Neither side has an id: record a new one on both. */
    NEW,
    /** Only the checkpoint has one (Redis lost the view's rows): record it in Redis. */
    REDIS_EMPTY,
    /** Redis has rows from a checkpoint that is gone or another one: refuse. */
    OTHER;

    static Match of(String checkpointId, String redisId) {
      if (redisId == null) {
        return checkpointId == null ? NEW : REDIS_EMPTY;
      }
      return redisId.equals(checkpointId) ? SAME : OTHER;
    }
  }

  private final Configuration hadoop;
  private final ProcessorSettings settings;

  ViewCheckpoints(Configuration hadoop, ProcessorSettings settings) {
    this.hadoop = hadoop;
    this.settings = settings;
  }

  /**
   * Clears the view's rows, index and versions in Redis, then deletes its checkpoint (in that
   * order: a crash in between leaves a view that {@link #check} still refuses, not one that
   * starts half reset).
   */
  void reset(String view) {
    Keyspace keyspace = settings.keyspace();
    long rows = ViewVersions.reset(settings.redisUri(), keyspace, view);
    Path dir = dir(view);
    boolean deleted;
    try {
      deleted = dir.getFileSystem(hadoop).delete(dir, true);
    } catch (IOException e) {
      throw new IllegalStateException("view " + view + ": cannot delete its checkpoint " + dir, e);
    }
    LOG.info("view {} reset: {} rows and its versions deleted from Redis; checkpoint {} {}", view,
        rows, dir, deleted ? "deleted" : "was absent");
  }

  /**
   * Checks every view, records ids where missing, and refuses if any view's checkpoint does not
   * match its rows.
   *
   * @throws CheckpointMismatchException one line per view that must not start
   */
  void check(Collection<String> views) {
    Keyspace keyspace = settings.keyspace();
    List<String> problems = new ArrayList<>();
    for (String view : views) {
      String checkpointId = readId(view);
      String redisId = ViewVersions.checkpointId(settings.redisUri(), keyspace, view);
      switch (Match.of(checkpointId, redisId)) {
        case SAME -> { }
        case NEW -> {
          String id = UUID.randomUUID().toString();
          writeId(view, id);
          redisId = ViewVersions.claim(settings.redisUri(), keyspace, view, id);
          if (!id.equals(redisId)) {
            problems.add(mismatch(view, id, redisId));
          }
        }
        case REDIS_EMPTY -> {
          LOG.info("view {}: Redis holds no rows of its checkpoint {} (flushed?); writing from it",
              view, dir(view));
          redisId = ViewVersions.claim(settings.redisUri(), keyspace, view, checkpointId);
          if (!checkpointId.equals(redisId)) {
            problems.add(mismatch(view, checkpointId, redisId));
          }
        }
        case OTHER -> problems.add(mismatch(view, checkpointId, redisId));
      }
    }
    if (!problems.isEmpty()) {
      throw new CheckpointMismatchException(problems);
    }
  }

  private String mismatch(String view, String checkpointId, String redisId) {
    String head = checkpointId == null
        ? "view " + view + ": its checkpoint (" + dir(view) + ") is new but Redis holds rows"
            + " written from an earlier checkpoint (id " + redisId + ")"
        : "view " + view + ": its checkpoint (" + dir(view) + ", id " + checkpointId + ") is not"
            + " the one Redis holds rows from (id " + redisId + ")";
    return head + "; every write would be ignored as not newer. Restore the checkpoint, or restart"
        + " with --reset-view " + view + " to clear the view's rows and versions.";
  }

  private Path dir(String view) {
    return new Path(settings.checkpointOf(view));
  }

  private String readId(String view) {
    Path file = new Path(dir(view), ID_FILE);
    try {
      FileSystem fs = fileSystem(file);
      if (!fs.exists(file)) {
        return null;
      }
      try (FSDataInputStream in = fs.open(file)) {
        String id = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        return id.isEmpty() ? null : id;
      }
    } catch (IOException e) {
      throw new IllegalStateException("view " + view + ": cannot read " + file, e);
    }
  }

  private void writeId(String view, String id) {
    Path file = new Path(dir(view), ID_FILE);
    try {
      FileSystem fs = fileSystem(file);
      fs.mkdirs(dir(view));
      try (FSDataOutputStream out = fs.create(file, true)) {
        out.write((id + "\n").getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new IllegalStateException("view " + view + ": cannot write " + file, e);
    }
  }

  /** Without checksum files on a local disk: the id file is text an operator may read or copy. */
  private FileSystem fileSystem(Path file) throws IOException {
    FileSystem fs = file.getFileSystem(hadoop);
    return fs instanceof ChecksumFileSystem local ? local.getRawFileSystem() : fs;
  }
}
