package io.streamgate.processor.checkpoint;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.hadoop.fs.PositionedReadable;
import org.apache.hadoop.fs.Seekable;

/**
 * A local file as the seekable, positioned-readable stream Hadoop's {@code FSDataInputStream}
 * requires, over a {@link FileChannel}. Not thread-safe except for the positioned reads, like
 * Hadoop's own streams.
 */
final class LocalFileInputStream extends InputStream implements Seekable, PositionedReadable {
  private final FileChannel channel;
  private long position;

  LocalFileInputStream(Path file) throws IOException {
    this.channel = FileChannel.open(file, StandardOpenOption.READ);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n <= 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    int n = channel.read(ByteBuffer.wrap(b, off, len), position);
    if (n > 0) {
      position += n;
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long target = Math.min(channel.size(), position + Math.max(0, n));
    long skipped = target - position;
    position = target;
    return skipped;
  }

  @Override
  public int available() throws IOException {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(0, channel.size() - position));
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  @Override
  public void seek(long pos) throws IOException {
    if (pos < 0) {
      throw new EOFException("cannot seek to a negative position " + pos);
    }
    position = pos;
  }

  @Override
  public long getPos() {
    return position;
  }

  @Override
  public boolean seekToNewSource(long targetPos) {
    return false;
  }

  @Override
  public int read(long pos, byte[] buffer, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    return channel.read(ByteBuffer.wrap(buffer, offset, length), pos);
  }

  @Override
  public void readFully(long pos, byte[] buffer, int offset, int length) throws IOException {
    int done = 0;
    while (done < length) {
      int n = read(pos + done, buffer, offset + done, length - done);
      if (n < 0) {
        throw new EOFException("end of file after " + done + " of " + length + " bytes");
      }
      done += n;
    }
  }

  @Override
  public void readFully(long pos, byte[] buffer) throws IOException {
    readFully(pos, buffer, 0, buffer.length);
  }
}
