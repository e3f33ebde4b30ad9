package io.streamgate.processor.checkpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.spark.sql.execution.streaming.checkpointing.CheckpointFileManager;

/**
 * Writes a temp file and, on {@link #close()}, publishes it under its final name in one atomic
 * step; {@link #cancel()} drops it. Used by one writer thread, like any output stream; close and
 * cancel are synchronized so a late cancel cannot undo a finished close.
 */
final class AtomicLocalOutputStream extends CheckpointFileManager.CancellableFSDataOutputStream {
  private final Path temp;
  private final Path target;
  private final boolean overwrite;
  private boolean terminated;

  AtomicLocalOutputStream(OutputStream out, Path temp, Path target, boolean overwrite) {
    super(out);
    this.temp = temp;
    this.target = target;
    this.overwrite = overwrite;
  }

  @Override
  public synchronized void close() throws IOException {
    if (terminated) {
      return;
    }
    terminated = true;
    try {
      super.close();
      publish();
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
  }

  private void publish() throws IOException {
    if (overwrite) {
      // rename(2): atomic, and replaces an existing target.
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      return;
    }
    try {
      // link(2) fails if the target exists: the no-overwrite publish is atomic too.
      Files.createLink(target, temp);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      throw new FileAlreadyExistsException(target + " already exists");
    } catch (UnsupportedOperationException e) {
      // A file system without hard links: check, then rename (not atomic against a racing writer).
      if (Files.exists(target)) {
        throw new FileAlreadyExistsException(target + " already exists");
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      return;
    }
    Files.delete(temp);
  }

  @Override
  public synchronized void cancel() {
    if (terminated) {
      return;
    }
    terminated = true;
    try {
      underlyingStream().close();
    } catch (IOException ignored) {
      // the temp file is dropped below either way
    }
    try {
      Files.deleteIfExists(temp);
    } catch (IOException ignored) {
      // a leftover hidden .tmp file is harmless: readers skip it
    }
  }
}
