package io.streamgate.harness;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the end of a (possibly large, still growing) log file without loading all of it.
 *
 * <p>Thread-safe: stateless.
 */
final class LogTail {

    private static final int FIRST_WINDOW = 16 * 1024;
    private static final int MAX_WINDOW = 4 * 1024 * 1024;

    private LogTail() {}

    /** The last {@code lines} lines of {@code file}, joined by '\n'; "" if the file does not exist. */
    static String lastLines(Path file, int lines) {
        if (lines <= 0 || !Files.exists(file)) {
            return "";
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            long window = Math.min(length, FIRST_WINDOW);
            while (true) {
                List<String> all = split(read(in, length - window, (int) window));
                // One more line than asked: the first line of a partial window may be cut.
                boolean enough = all.size() > lines || window == length || window >= MAX_WINDOW;
                if (enough) {
                    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
                }
                window = Math.min(Math.min(length, MAX_WINDOW), window * 4);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    /** Whether {@code text} occurs in {@code file} at or after byte {@code offset}. */
    static boolean containsSince(Path file, long offset, String text) {
        if (!Files.exists(file)) {
            return false;
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            long start = Math.min(offset, length);
            // Bounded: readiness markers are looked for in a quiet log shortly after start.
            int size = (int) Math.min(length - start, MAX_WINDOW);
            return read(in, start, size).contains(text);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    /** Current size of {@code file}, 0 if it does not exist. */
    static long size(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    private static String read(RandomAccessFile in, long position, int size) throws IOException {
        byte[] bytes = new byte[size];
        in.seek(position);
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static List<String> split(String text) {
        List<String> lines = Arrays.asList(text.split("\\R", -1));
        // A trailing newline yields one empty last element that is not a line.
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines = lines.subList(0, lines.size() - 1);
        }
        return lines;
    }
}
