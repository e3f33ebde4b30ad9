package io.streamgate.processor.checkpoint;

import java.io.BufferedOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.PathFilter;
import org.apache.hadoop.fs.UnsupportedFileSystemException;
import org.apache.spark.sql.execution.streaming.checkpointing.CheckpointFileManager;
import org.apache.spark.sql.execution.streaming.checkpointing.FileContextBasedCheckpointFileManager;
import org.apache.spark.sql.execution.streaming.checkpointing.FileSystemBasedCheckpointFileManager;

/**
 * Streaming checkpoint files on the local disk through java.nio, selected with {@code
 * spark.sql.streaming.checkpointFileManagerClass}. Hadoop's local file system sets permissions
 * and resolves links by forking {@code chmod}/{@code stat}/{@code readlink} processes for every
 * file it creates or renames; a micro-batch commits several files (offsets, commit, state deltas),
 * which cost 150–350 ms per batch here. The same work through java.nio takes 1–2 ms.
 *
 * <p>Atomicity is the one Spark relies on: a file is written to a hidden temp file in the same
 * directory, then published with an atomic rename (overwrite allowed) or a hard link (no
 * overwrite: fails if the target exists, so two writers of one batch cannot both win).
 *
 * <p>Any path that is not on the local file system ({@code hdfs:}, {@code s3a:}, …) goes to the
 * manager Spark would have chosen itself. Thread-safe: holds no mutable state.
 */
public final class NioCheckpointFileManager implements CheckpointFileManager {
  private static final long BLOCK_SIZE = 32L << 20;
  private static final int WRITE_BUFFER = 64 << 10;

  private final Path root;
  /** Spark's default manager for non-local paths; null when this manager handles the path. */
  private final CheckpointFileManager fallback;

  public NioCheckpointFileManager(Path path, Configuration hadoopConf) {
    this.root = path;
    this.fallback = isLocal(path, hadoopConf) ? null : sparkDefault(path, hadoopConf);
  }

  /** Whether this manager handles the path itself (true) or hands it to Spark's default. */
  public boolean handlesLocally() {
    return fallback == null;
  }

  static boolean isLocal(Path path, Configuration conf) {
    String scheme = path.toUri().getScheme();
    if (scheme == null) {
      scheme = FileSystem.getDefaultUri(conf).getScheme();
    }
    return scheme == null || scheme.toLowerCase(Locale.ROOT).equals("file");
  }

  private static CheckpointFileManager sparkDefault(Path path, Configuration conf) {
    try {
      return new FileContextBasedCheckpointFileManager(path, conf);
    } catch (Exception e) { // Scala hides the checked UnsupportedFileSystemException
      if (e instanceof UnsupportedFileSystemException) {
        return new FileSystemBasedCheckpointFileManager(path, conf);
      }
      throw e;
    }
  }

  @Override
  public CancellableFSDataOutputStream createAtomic(Path path, boolean overwriteIfPossible) {
    if (fallback != null) {
      return fallback.createAtomic(path, overwriteIfPossible);
    }
    java.nio.file.Path target = local(path);
    try {
      if (!overwriteIfPossible && Files.exists(target)) {
        throw new FileAlreadyExistsException(path + " already exists");
      }
      Files.createDirectories(target.getParent());
      java.nio.file.Path temp = target.resolveSibling(
          "." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
      OutputStream out = new BufferedOutputStream(
          Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
          WRITE_BUFFER);
      return new AtomicLocalOutputStream(out, temp, target, overwriteIfPossible);
    } catch (IOException e) {
      throw Sneaky.rethrow(e);
    }
  }

  @Override
  public FSDataInputStream open(Path path) {
    if (fallback != null) {
      return fallback.open(path);
    }
    try {
      return new FSDataInputStream(new LocalFileInputStream(local(path)));
    } catch (NoSuchFileException e) {
      throw Sneaky.rethrow(new FileNotFoundException(path + " does not exist"));
    } catch (IOException e) {
      throw Sneaky.rethrow(e);
    }
  }

  @Override
  public FileStatus[] list(Path path, PathFilter filter) {
    if (fallback != null) {
      return fallback.list(path, filter);
    }
    java.nio.file.Path dir = local(path);
    List<FileStatus> out = new ArrayList<>();
    try (DirectoryStream<java.nio.file.Path> children = Files.newDirectoryStream(dir)) {
      for (java.nio.file.Path child : children) {
        Path hadoopChild = new Path(path, child.getFileName().toString());
        if (!filter.accept(hadoopChild)) {
          continue;
        }
        BasicFileAttributes attrs;
        try {
          attrs = Files.readAttributes(child, BasicFileAttributes.class);
        } catch (NoSuchFileException gone) {
          continue; // deleted while listing (old batches are cleaned up concurrently)
        }
        out.add(new FileStatus(attrs.size(), attrs.isDirectory(), 1, BLOCK_SIZE,
            attrs.lastModifiedTime().toMillis(), hadoopChild));
      }
    } catch (NoSuchFileException e) {
      throw Sneaky.rethrow(new FileNotFoundException(path + " does not exist"));
    } catch (IOException e) {
      throw Sneaky.rethrow(e);
    }
    return out.toArray(FileStatus[]::new);
  }

  @Override
  public void mkdirs(Path path) {
    if (fallback != null) {
      fallback.mkdirs(path);
      return;
    }
    try {
      Files.createDirectories(local(path));
    } catch (IOException e) {
      throw Sneaky.rethrow(e);
    }
  }

  @Override
  public boolean exists(Path path) {
    return fallback != null ? fallback.exists(path) : Files.exists(local(path));
  }

  @Override
  public void delete(Path path) {
    if (fallback != null) {
      fallback.delete(path);
      return;
    }
    java.nio.file.Path target = local(path);
    if (!Files.isDirectory(target)) {
      try {
        Files.deleteIfExists(target);
      } catch (IOException e) {
        throw Sneaky.rethrow(e);
      }
      return;
    }
    try (Stream<java.nio.file.Path> tree = Files.walk(target)) {
      for (java.nio.file.Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (NoSuchFileException ignored) {
      // already gone: delete is idempotent
    } catch (IOException e) {
      throw Sneaky.rethrow(e);
    } catch (UncheckedIOException e) {
      if (!(e.getCause() instanceof NoSuchFileException)) {
        throw e;
      }
    }
  }

  @Override
  public boolean isLocal() {
    return fallback == null || fallback.isLocal();
  }

  @Override
  public Path createCheckpointDirectory() {
    if (fallback != null) {
      return fallback.createCheckpointDirectory();
    }
    java.nio.file.Path dir = local(root);
    mkdirs(root);
    return new Path("file", null, dir.toString());
  }

  @Override
  public void close() {
    if (fallback != null) {
      fallback.close();
    }
  }

  /** A Hadoop path on the local file system as a java.nio path; relative ones from user.dir. */
  static java.nio.file.Path local(Path path) {
    String p = path.toUri().getPath();
    return Paths.get(p).toAbsolutePath().normalize();
  }

  /**
   * The Scala interface declares no checked exceptions, but Spark's callers catch Hadoop's
   * (FileNotFoundException, FileAlreadyExistsException), so they are thrown unchanged.
   */
  static final class Sneaky {
    private Sneaky() {}

    static RuntimeException rethrow(Throwable t) {
      return Sneaky.<RuntimeException>doThrow(t);
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E doThrow(Throwable t) throws E {
      throw (E) t;
    }
  }
}
