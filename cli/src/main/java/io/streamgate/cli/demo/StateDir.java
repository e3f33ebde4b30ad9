package io.streamgate.cli.demo;

import io.streamgate.cli.token.DemoSecret;
import io.streamgate.harness.Directories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Layout of the demo's state directory: everything a demo run keeps between runs lives here, so
 * {@code --fresh} (or deleting the directory) starts from nothing.
 *
 * <pre>
 *   kafka/            broker config and data        redis/        redis working directory
 *   checkpoints/      Spark checkpoints              logs/         one log per process
 *   pids/             one pid file per process       demo-jwt.secret
 * </pre>
 */
public record StateDir(Path dir) {
  public StateDir {
    dir = dir.toAbsolutePath().normalize();
  }

  public Path kafka() {
    return dir.resolve("kafka");
  }

  public Path redis() {
    return dir.resolve("redis");
  }

  public Path checkpoints() {
    return dir.resolve("checkpoints");
  }

  /** The demo PostgreSQL's data ({@code --with-postgres}). */
  public Path postgres() {
    return dir.resolve("postgres");
  }

  /** The connector's stored position ({@code --with-postgres}); belongs with the database's slot. */
  public Path connector() {
    return dir.resolve("connector");
  }

  /** The pipeline the processor runs with {@code --with-postgres}: the demo's plus the database's. */
  public Path postgresPipeline() {
    return dir.resolve("pipeline-with-postgres.yaml");
  }

  /**
   * Everything of {@code demo --cluster}: each Kafka node's, Redis node's and Spark daemon's
   * directory, and the checkpoints every Spark driver and executor shares. Started over on
   * every run (the Redis Cluster is formed anew, so Kafka and checkpoints must be too).
   */
  public Path cluster() {
    return dir.resolve("cluster");
  }

  public Path logs() {
    return dir.resolve("logs");
  }

  public Path log(String process) {
    return logs().resolve(process + ".log");
  }

  public Path pids() {
    return dir.resolve("pids");
  }

  public Path secretFile() {
    return dir.resolve(DemoSecret.FILE_NAME);
  }

  /** Creates the directories a run writes to. */
  public void create() throws IOException {
    for (Path p : new Path[] {kafka(), redis(), checkpoints(), logs(), pids()}) {
      Files.createDirectories(p);
    }
  }

  /** Deletes the whole state directory, if it exists. */
  public void delete() {
    Directories.deleteRecursively(dir);
  }
}
