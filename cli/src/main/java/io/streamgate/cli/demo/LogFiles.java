package io.streamgate.cli.demo;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Small reads of child logs: the tail for error messages, and new text since an offset. Stateless. */
final class LogFiles {
  private static final int TAIL_BYTES = 64 * 1024;

  private LogFiles() {}

  static long size(Path file) {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** The last {@code lines} lines (at most 64 KiB), or a note that the log cannot be read. */
  static String tail(Path file, int lines) {
    String text = readFrom(file, Math.max(0, size(file) - TAIL_BYTES));
    if (text == null) {
      return "(no log at " + file + ")";
    }
    List<String> all = text.lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /** The first line after byte {@code offset} containing {@code needle}, or null. */
  static String findSince(Path file, long offset, String needle) {
    String text = readFrom(file, offset);
    if (text == null) {
      return null;
    }
    return text.lines().filter(l -> l.contains(needle)).findFirst().orElse(null);
  }

  private static String readFrom(Path file, long offset) {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      long length = raf.length();
      if (offset >= length) {
        return "";
      }
      byte[] bytes = new byte[(int) Math.min(Integer.MAX_VALUE - 8, length - offset)];
      raf.seek(offset);
      raf.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null;
    }
  }
}
