package dev.traceguard.analyzers.io.nsys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traceguard.analyzers.io.DumpReader;
import dev.traceguard.analyzers.model.GpuActivityStore;
import dev.traceguard.analyzers.model.GpuActivityStore.Kind;
import dev.traceguard.analyzers.model.InputSummary;
import dev.traceguard.analyzers.model.ReadError;
import dev.traceguard.analyzers.model.Telemetry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQLite reader on databases this test writes with the tables and columns {@code nsys export
 * --type sqlite} documents (only the columns the reader uses, plus a few it must ignore).
 */
class NsysSqliteReaderTest {
  @TempDir Path dir;

  static final String STRINGS = "CREATE TABLE StringIds (id INTEGER NOT NULL PRIMARY KEY, value TEXT NOT NULL)";
  static final String KERNEL = "CREATE TABLE CUPTI_ACTIVITY_KIND_KERNEL (start INTEGER NOT NULL, end INTEGER NOT NULL,"
      + " deviceId INTEGER NOT NULL, contextId INTEGER NOT NULL, streamId INTEGER NOT NULL, correlationId INTEGER,"
      + " globalPid INTEGER, demangledName INTEGER NOT NULL, shortName INTEGER NOT NULL, gridX INTEGER)";
  static final String MEMCPY = "CREATE TABLE CUPTI_ACTIVITY_KIND_MEMCPY (start INTEGER NOT NULL, end INTEGER NOT NULL,"
      + " deviceId INTEGER NOT NULL, contextId INTEGER NOT NULL, streamId INTEGER NOT NULL, correlationId INTEGER,"
      + " bytes INTEGER NOT NULL, copyKind INTEGER NOT NULL)";
  static final String NVTX = "CREATE TABLE NVTX_EVENTS (start INTEGER NOT NULL, end INTEGER, eventType INTEGER NOT NULL,"
      + " text TEXT, globalTid INTEGER, textId INTEGER, domainId INTEGER)";
  static final String RUNTIME = "CREATE TABLE CUPTI_ACTIVITY_KIND_RUNTIME (start INTEGER NOT NULL, end INTEGER NOT NULL,"
      + " eventClass INTEGER NOT NULL, globalTid INTEGER, correlationId INTEGER, nameId INTEGER NOT NULL,"
      + " returnValue INTEGER NOT NULL)";

  Path db(String name, String... sql) throws SQLException {
    Path p = dir.resolve(name);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + p); Statement st = c.createStatement()) {
      for (String s : sql) {
        st.execute(s);
      }
    }
    return p;
  }

  Path full() throws SQLException {
    return db("full.sqlite", STRINGS, KERNEL, MEMCPY, NVTX, RUNTIME,
        "INSERT INTO StringIds VALUES (1, 'void gemm<float>(float*, int)'), (2, 'gemm'), (3, 'cudaLaunchKernel_v7000'),"
            + " (4, 'prefill'), (5, 'cudaMemcpyAsync_v3020')",
        "INSERT INTO CUPTI_ACTIVITY_KIND_KERNEL VALUES (2000, 5000, 0, 1, 13, 42, 1, 1, 2, 128),"
            + " (1000, 1800, 1, 1, 14, 41, 1, 1, 2, 128)",
        "INSERT INTO CUPTI_ACTIVITY_KIND_MEMCPY VALUES (500, 900, 0, 1, 15, 40, 1048576, 1),"
            + " (6000, 6100, 0, 1, 15, 43, 4096, 2)",
        "INSERT INTO NVTX_EVENTS VALUES (100, 7000, 59, NULL, 77, 4, 0), (200, 300, 60, 'decode', 78, NULL, 0),"
            + " (250, NULL, 34, 'a mark', 78, NULL, 0)",
        "INSERT INTO CUPTI_ACTIVITY_KIND_RUNTIME VALUES (1500, 1950, 1, 77, 42, 3, 0), (400, 450, 1, 77, 40, 5, 0)");
  }

  @Test
  void readsKernelsCopiesRangesAndLaunchesWithNames() throws SQLException {
    Telemetry t = new Telemetry();
    InputSummary s = DumpReader.read(full(), t);
    assertThat(s.format()).isEqualTo("nsys-sqlite");
    assertThat(s.skipped()).isZero();
    GpuActivityStore g = t.gpu();
    // 2 kernels + 2 copies + 2 ranges (the mark has no end) + 1 launch call (the memcpy API call is not one).
    assertThat(g.size()).isEqualTo(7);
    assertThat(s.gpuActivities()).isEqualTo(7);
    int k = find(g, Kind.KERNEL, 2000);
    assertThat(g.name(k)).isEqualTo("gemm");
    assertThat(g.end(k)).isEqualTo(5000);
    assertThat(g.device(k)).isZero();
    assertThat(g.stream(k)).isEqualTo(13);
    assertThat(g.correlationId(k)).isEqualTo(42);
    assertThat(g.device(find(g, Kind.KERNEL, 1000))).isEqualTo(1);
    int c = find(g, Kind.MEMCPY, 500);
    assertThat(g.name(c)).isEqualTo("HtoD");
    assertThat(g.bytes(c)).isEqualTo(1048576);
    assertThat(g.name(find(g, Kind.MEMCPY, 6000))).isEqualTo("DtoH");
    assertThat(g.name(find(g, Kind.NVTX, 100))).isEqualTo("prefill");
    assertThat(g.stream(find(g, Kind.NVTX, 100))).isEqualTo(77);
    assertThat(g.name(find(g, Kind.NVTX, 200))).isEqualTo("decode");
    int l = find(g, Kind.LAUNCH_API, 1500);
    assertThat(g.name(l)).isEqualTo("cudaLaunchKernel_v7000");
    assertThat(g.correlationId(l)).isEqualTo(42);
  }

  private static int find(GpuActivityStore g, Kind kind, long start) {
    for (int i = 0; i < g.size(); i++) {
      if (g.kind(i) == kind && g.start(i) == start) {
        return i;
      }
    }
    throw new AssertionError("no " + kind + " at " + start);
  }

  @Test
  void missingTablesAreNotedNotErrors() throws SQLException {
    Path p = db("nvtx-only.sqlite", STRINGS, NVTX, "INSERT INTO NVTX_EVENTS VALUES (1, 9, 59, 'step', 1, NULL, 0)");
    Telemetry t = new Telemetry();
    InputSummary s = DumpReader.read(p, t);
    assertThat(s.skipped()).isZero();
    assertThat(t.gpu().size()).isEqualTo(1);
    assertThat(s.notes()).anyMatch(n -> n.startsWith("no CUPTI_ACTIVITY_KIND_KERNEL table"))
        .anyMatch(n -> n.startsWith("no CUPTI_ACTIVITY_KIND_MEMCPY table"));
  }

  @Test
  void kernelsWithoutStringTableKeepTheirIds() throws SQLException {
    Path p = db("nostrings.sqlite", KERNEL, "INSERT INTO CUPTI_ACTIVITY_KIND_KERNEL VALUES (1, 2, 0, 1, 7, 1, 1, 9, 9, 1)");
    Telemetry t = new Telemetry();
    DumpReader.read(p, t);
    assertThat(t.gpu().name(0)).isEqualTo("9");
  }

  @Test
  void badRowsAreSkippedWithTableAndRow() throws SQLException {
    Path p = db("bad.sqlite", STRINGS, KERNEL, "INSERT INTO StringIds VALUES (1, 'k')",
        "INSERT INTO CUPTI_ACTIVITY_KIND_KERNEL VALUES (100, 200, 0, 1, 7, 1, 1, 1, 1, 1), (500, 400, 0, 1, 7, 2, 1, 1, 1, 1),"
            + " (0, 0, 0, 1, 7, 3, 1, 1, 1, 1), ('x', 9, 0, 1, 7, 4, 1, 1, 1, 1), (600, 700, 0, 1, 7, 5, 1, 1, 1, 1)");
    Telemetry t = new Telemetry();
    InputSummary s = DumpReader.read(p, t);
    assertThat(t.gpu().size()).isEqualTo(2);
    assertThat(s.skipped()).isEqualTo(3);
    assertThat(s.errors()).extracting(ReadError::message)
        .anyMatch(m -> m.equals("CUPTI_ACTIVITY_KIND_KERNEL row 2: end 400 is before start 500"))
        .anyMatch(m -> m.startsWith("CUPTI_ACTIVITY_KIND_KERNEL row 3: no timestamps"))
        .anyMatch(m -> m.startsWith("CUPTI_ACTIVITY_KIND_KERNEL row 4: start and end must be integers"));
  }

  @Test
  void missingColumnIsOneError() throws SQLException {
    Path p = db("cols.sqlite", "CREATE TABLE CUPTI_ACTIVITY_KIND_KERNEL (start INTEGER, end INTEGER, deviceId INTEGER)",
        "INSERT INTO CUPTI_ACTIVITY_KIND_KERNEL VALUES (1, 2, 0)");
    Telemetry t = new Telemetry();
    InputSummary s = DumpReader.read(p, t);
    assertThat(s.errors()).singleElement().extracting(ReadError::message).asString()
        .startsWith("CUPTI_ACTIVITY_KIND_KERNEL has no column 'streamId'");
  }

  @Test
  void otherSqliteDatabasesAndCorruptFilesAreOneError() throws SQLException, IOException {
    Path other = db("other.sqlite", "CREATE TABLE users (id INTEGER)");
    Telemetry t = new Telemetry();
    InputSummary s = DumpReader.read(other, t);
    assertThat(s.errors()).singleElement().extracting(ReadError::message).asString()
        .startsWith("an SQLite database without Nsight Systems activity tables");
    Path corrupt = dir.resolve("corrupt.sqlite");
    byte[] junk = new byte[8192];
    System.arraycopy(NsysSqliteReader.MAGIC, 0, junk, 0, 16);
    for (int i = 16; i < junk.length; i++) {
      junk[i] = (byte) (i * 31);
    }
    Files.write(corrupt, junk);
    InputSummary c = DumpReader.read(corrupt, new Telemetry());
    assertThat(c.format()).isEqualTo("nsys-sqlite");
    assertThat(c.errors()).singleElement().extracting(ReadError::message).asString()
        .startsWith("not a readable SQLite database: ").doesNotContain("\n");
  }

  @Test
  void gzipAndStreamsAreCopiedToATemporaryFile() throws SQLException, IOException {
    byte[] raw = Files.readAllBytes(full());
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (OutputStream o = new GZIPOutputStream(gz)) {
      o.write(raw);
    }
    Telemetry t = new Telemetry();
    try (InputStream in = new java.io.ByteArrayInputStream(gz.toByteArray())) {
      InputSummary s = DumpReader.read("-", in, t, null);
      assertThat(s.format()).isEqualTo("nsys-sqlite+gzip");
      assertThat(s.gpuActivities()).isEqualTo(7);
    }
    assertThat(new String(NsysSqliteReader.MAGIC, StandardCharsets.ISO_8859_1)).isEqualTo("SQLite format 3\0");
  }

  @Test
  void storeIsBounded() {
    GpuActivityStore g = new GpuActivityStore(2);
    assertThat(g.add(Kind.KERNEL, 3, 7, 1, 2, "a", 0, 0, 0)).isTrue();
    assertThat(g.add(Kind.MEMCPY, 3, 7, 1, 2, "HtoD", 0, 10, 0)).isTrue();
    assertThat(g.add(Kind.KERNEL, 3, 7, 1, 2, "a", 0, 0, 0)).isFalse();
    assertThat(g.size()).isEqualTo(2);
    assertThat(g.device(1)).isEqualTo(3);
    assertThat(g.kind(1)).isEqualTo(Kind.MEMCPY);
  }
}
