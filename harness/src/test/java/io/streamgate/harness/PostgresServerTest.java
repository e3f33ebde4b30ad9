package io.streamgate.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PostgresServerTest {

    @Test
    void servesSqlOverJdbcWithLogicalReplicationAndFreesItsPortOnClose() throws Exception {
        PostgresServer postgres = PostgresServer.start();
        int port = postgres.port();
        Path dir = postgres.dir();
        try {
            assertEquals("jdbc:postgresql://127.0.0.1:" + port + "/streamgate", postgres.jdbcUrl());
            try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), "");
                    Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE customers (customerId text PRIMARY KEY, city text)");
                statement.execute("INSERT INTO customers VALUES ('c-1', 'Lyon'), ('c-2', 'Oslo')");
                try (ResultSet rows = statement.executeQuery("SELECT city FROM customers ORDER BY customerId")) {
                    assertTrue(rows.next());
                    assertEquals("Lyon", rows.getString(1));
                    assertTrue(rows.next());
                    assertEquals("Oslo", rows.getString(1));
                    assertFalse(rows.next());
                }
                try (ResultSet rows = statement.executeQuery("SHOW wal_level")) {
                    assertTrue(rows.next());
                    assertEquals("logical", rows.getString(1));
                }
            }
            assertEquals("2", postgres.psql("SELECT count(*) FROM customers"));
        } finally {
            postgres.close();
        }
        assertFalse(TestSockets.accepts(port), "nothing listens after close");
        assertTrue(TestSockets.bindable(port), "port free after close");
        assertFalse(Files.exists(dir), "temp dir deleted");
        postgres.close(); // idempotent
    }

    @Test
    void aGivenDirectoryKeepsTheClusterAcrossRestartsAndRuns() throws Exception {
        // Not @TempDir: as root the server runs as 'postgres', which cannot enter a 0700 JUnit temp dir.
        Path parent = Reaper.createTempDir("streamgate-postgres-test-");
        Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path dir = parent.resolve("state/postgres");
        int port = FreePorts.find();
        PostgresServer.Options options = PostgresServer.Options.defaults().withDir(dir).withPort(port).withDatabase("demo");
        try (PostgresServer postgres = PostgresServer.start(options)) {
            assertEquals(port, postgres.port());
            postgres.psql("CREATE TABLE t (v int); INSERT INTO t VALUES (42)");
            postgres.restart();
            assertEquals("42", postgres.psql("SELECT v FROM t"), "data survived a restart");
        }
        assertTrue(Files.exists(dir.resolve("pgdata/PG_VERSION")), "a given directory is kept");
        try (PostgresServer postgres = PostgresServer.start(options)) {
            assertEquals("42", postgres.psql("SELECT v FROM t"), "the kept cluster is reused, not re-initialized");
            assertEquals("demo", postgres.psql("SELECT current_database()"));
        }
    }

    @Test
    void aCrashedServerRestartsOnItsData() {
        try (PostgresServer postgres = PostgresServer.start()) {
            postgres.psql("CREATE TABLE t (v int); INSERT INTO t VALUES (7)");
            postgres.process().kill();
            assertFalse(TestSockets.accepts(postgres.port()));
            postgres.restart();
            assertEquals("7", postgres.psql("SELECT v FROM t"));
        }
    }

    @Test
    void missingBinariesSayHowToInstallPostgresInOneLine() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> PostgresServer.start(PostgresServer.Options.defaults(), Optional::empty));

        assertEquals(PostgresServer.NOT_FOUND, e.getMessage());
        assertTrue(e.getMessage().endsWith("install PostgreSQL 15+ (Debian/Ubuntu: sudo apt-get install -y postgresql)"));
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void theNewestVersionDirectoryWins() throws Exception {
        Path versions = Reaper.createTempDir("streamgate-pg-versions-");
        for (String version : new String[] {"9", "15", "16", "17-broken"}) {
            Path bin = Files.createDirectories(versions.resolve(version).resolve("bin"));
            for (String tool : new String[] {"initdb", "postgres", "pg_ctl", "psql"}) {
                Path file = Files.createFile(bin.resolve(tool));
                file.toFile().setExecutable(true);
            }
        }
        Files.delete(versions.resolve("16/bin/pg_ctl")); // incomplete install: skipped
        assertEquals(Optional.of(versions.resolve("15/bin")), PostgresServer.newestVersionBin(versions));
        assertEquals(Optional.empty(), PostgresServer.newestVersionBin(versions.resolve("missing")));
    }

    @Test
    void badDatabaseNamesAreRefusedBeforeAnythingStarts() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PostgresServer.Options.defaults().withDatabase("Robert'); DROP"));
        assertTrue(e.getMessage().contains("Robert'); DROP"), e.getMessage());
    }
}
