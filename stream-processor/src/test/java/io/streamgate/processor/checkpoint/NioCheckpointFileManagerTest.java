package io.streamgate.processor.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.processor.SparkTestSession;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.execution.streaming.checkpointing.CheckpointFileManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NioCheckpointFileManagerTest {
  @TempDir java.nio.file.Path dir;

  private NioCheckpointFileManager manager() {
    return new NioCheckpointFileManager(new Path(dir.toUri()), new Configuration(false));
  }

  private Path path(String name) {
    return new Path(new Path(dir.toUri()), name);
  }

  @Test
  void sparkUsesItForTheProcessorsCheckpoints() {
    var spark = SparkTestSession.get();
    Configuration conf = ((org.apache.spark.sql.classic.SparkSession) spark).sessionState()
        .newHadoopConf();
    CheckpointFileManager fm = CheckpointFileManager.create(new Path(dir.toUri()), conf);
    assertInstanceOf(NioCheckpointFileManager.class, fm);
    assertTrue(((NioCheckpointFileManager) fm).handlesLocally());
  }

  @Test
  void onlyLocalPathsAreHandledHere() {
    Configuration conf = new Configuration(false);
    assertTrue(NioCheckpointFileManager.isLocal(new Path("file:/tmp/x"), conf));
    assertTrue(NioCheckpointFileManager.isLocal(new Path("/tmp/x"), conf));
    assertFalse(NioCheckpointFileManager.isLocal(new Path("hdfs://namenode:8020/x"), conf));
    assertFalse(NioCheckpointFileManager.isLocal(new Path("s3a://bucket/x"), conf));
    conf.set("fs.defaultFS", "hdfs://namenode:8020");
    assertFalse(NioCheckpointFileManager.isLocal(new Path("/x"), conf));
  }

  @Test
  void aFileAppearsWholeOnlyWhenClosed() throws IOException {
    NioCheckpointFileManager fm = manager();
    var out = fm.createAtomic(path("offsets/0"), false);
    out.write("v1\n{\"a\":1}".getBytes(StandardCharsets.UTF_8));
    assertFalse(fm.exists(path("offsets/0")), "not visible before close");
    out.close();
    assertEquals("v1\n{\"a\":1}", Files.readString(dir.resolve("offsets/0")));
    assertEquals(List.of("0"), names(dir.resolve("offsets")), "no temp file left behind");
  }

  @Test
  void withoutOverwriteAnExistingFileWins() throws IOException {
    NioCheckpointFileManager fm = manager();
    var first = fm.createAtomic(path("commits/3"), false);
    var second = fm.createAtomic(path("commits/3"), false);
    first.write(1);
    second.write(2);
    first.close();
    assertThrows(FileAlreadyExistsException.class, second::close);
    assertArrayEquals(new byte[] {1}, Files.readAllBytes(dir.resolve("commits/3")));
    assertEquals(List.of("3"), names(dir.resolve("commits")));
    assertThrows(FileAlreadyExistsException.class, () -> fm.createAtomic(path("commits/3"), false));
  }

  @Test
  void withOverwriteTheNewFileReplacesTheOld() throws IOException {
    NioCheckpointFileManager fm = manager();
    try (var out = fm.createAtomic(path("state/1.delta"), true)) {
      out.write(1);
    }
    try (var out = fm.createAtomic(path("state/1.delta"), true)) {
      out.write(2);
    }
    assertArrayEquals(new byte[] {2}, Files.readAllBytes(dir.resolve("state/1.delta")));
  }

  @Test
  void cancelLeavesNothing() throws IOException {
    NioCheckpointFileManager fm = manager();
    var out = fm.createAtomic(path("offsets/1"), false);
    out.write(7);
    out.cancel();
    out.close();
    assertEquals(List.of(), names(dir.resolve("offsets")));
  }

  @Test
  void listsWithAFilterAndReadsWithSeeks() throws IOException {
    NioCheckpointFileManager fm = manager();
    Files.createDirectories(dir.resolve("offsets/sub"));
    Files.writeString(dir.resolve("offsets/0"), "zero");
    Files.writeString(dir.resolve("offsets/1"), "one-one");
    FileStatus[] listed = fm.list(path("offsets"), p -> !p.getName().equals("0"));
    Arrays.sort(listed, (a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
    assertEquals(2, listed.length);
    assertEquals("1", listed[0].getPath().getName());
    assertEquals(7, listed[0].getLen());
    assertFalse(listed[0].isDirectory());
    assertTrue(listed[1].isDirectory());
    assertThrows(FileNotFoundException.class, () -> fm.list(path("missing")));

    try (FSDataInputStream in = fm.open(path("offsets/1"))) {
      in.seek(4);
      assertEquals('o', in.read());
      assertEquals(5, in.getPos());
      byte[] buf = new byte[3];
      in.readFully(0, buf);
      assertEquals("one", new String(buf, StandardCharsets.UTF_8));
      assertEquals(5, in.getPos(), "positioned reads leave the position alone");
    }
    assertThrows(FileNotFoundException.class, () -> fm.open(path("offsets/9")));
  }

  @Test
  void mkdirsDeleteAndTheCheckpointDirectory() throws IOException {
    NioCheckpointFileManager fm = manager();
    fm.mkdirs(path("a/b/c"));
    Files.writeString(dir.resolve("a/b/c/f"), "x");
    assertTrue(fm.exists(path("a/b/c/f")));
    fm.delete(path("a"));
    assertFalse(Files.exists(dir.resolve("a")));
    fm.delete(path("a")); // deleting what is gone is fine

    java.nio.file.Path root = dir.resolve("view");
    Path qualified = new NioCheckpointFileManager(new Path(root.toString()),
        new Configuration(false)).createCheckpointDirectory();
    assertTrue(Files.isDirectory(root));
    assertEquals("file:" + root, qualified.toString());
  }

  private static List<String> names(java.nio.file.Path d) throws IOException {
    try (var s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
