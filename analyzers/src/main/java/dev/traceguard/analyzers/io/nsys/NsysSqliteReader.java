package dev.traceguard.analyzers.io.nsys;

import dev.traceguard.analyzers.io.FormatReader;
import dev.traceguard.analyzers.io.ReadContext;
import dev.traceguard.analyzers.model.GpuActivityStore;
import dev.traceguard.analyzers.model.GpuActivityStore.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.sqlite.JDBC;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * Reads the SQLite database {@code nsys export --type sqlite} writes: kernels from {@code
 * CUPTI_ACTIVITY_KIND_KERNEL} (start, end, deviceId, streamId, correlationId, name through {@code
 * shortName} → {@code StringIds}), copies and sets from {@code CUPTI_ACTIVITY_KIND_MEMCPY}/{@code
 * _MEMSET}, NVTX push/pop and start/end ranges from {@code NVTX_EVENTS}, and kernel launch calls from
 * {@code CUPTI_ACTIVITY_KIND_RUNTIME}. Nsight creates tables only for what it captured, so any of
 * them may be missing; that is noted, not an error. The file is opened read-only.
 */
public final class NsysSqliteReader implements FormatReader {
  /** The first 16 bytes of every SQLite 3 database. */
  public static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.ISO_8859_1);

  static final String KERNEL = "CUPTI_ACTIVITY_KIND_KERNEL";
  static final String MEMCPY = "CUPTI_ACTIVITY_KIND_MEMCPY";
  static final String MEMSET = "CUPTI_ACTIVITY_KIND_MEMSET";
  static final String RUNTIME = "CUPTI_ACTIVITY_KIND_RUNTIME";
  static final String NVTX = "NVTX_EVENTS";
  static final String STRINGS = "StringIds";
  /** NVTX_EVENTS.eventType of push/pop and start/end ranges. */
  static final int NVTX_PUSH_POP = 59;
  static final int NVTX_START_END = 60;
  private static final String[] COPY_KINDS = {
    "unknown", "HtoD", "DtoH", "HtoA", "AtoH", "AtoA", "AtoD", "DtoA", "DtoD", "HtoH", "PtoP"
  };

  /** A reader. */
  public NsysSqliteReader() {}

  /** Whether {@code head} starts with the SQLite magic. */
  public static boolean isSqlite(byte[] head) {
    if (head.length < MAGIC.length) {
      return false;
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (head[i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  /** Whether the file at {@code path} starts with the SQLite magic. */
  public static boolean isSqlite(Path path) {
    try (InputStream in = Files.newInputStream(path)) {
      return isSqlite(in.readNBytes(MAGIC.length));
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** SQLite needs a file: a stream (standard input, gzip) is copied to a temporary one first. */
  @Override
  public void read(InputStream in, ReadContext ctx) throws IOException {
    Path tmp = Files.createTempFile("traceguard-nsys-", ".sqlite");
    try {
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      readFile(tmp, ctx);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Reads the database at {@code file}. */
  public static void readFile(Path file, ReadContext ctx) {
    SQLiteConfig cfg = new SQLiteConfig();
    cfg.setReadOnly(true);
    cfg.setOpenMode(SQLiteOpenMode.READONLY);
    Properties props = cfg.toProperties();
    try (Connection c = JDBC.createConnection("jdbc:sqlite:" + file.toAbsolutePath(), props)) {
      new Run(c, ctx).run();
    } catch (SQLException e) {
      ctx.error(0, 0, 0, "not a readable SQLite database: " + oneLine(e.getMessage()));
    }
  }

  static String oneLine(String s) {
    if (s == null) {
      return "unknown error";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** One read of one database. */
  private static final class Run {
    private final Connection c;
    private final ReadContext ctx;
    private final GpuActivityStore store;
    private final Set<String> tables = new HashSet<>();
    private boolean full;
    private long count;

    Run(Connection c, ReadContext ctx) {
      this.c = c;
      this.ctx = ctx;
      this.store = ctx.telemetry().gpu();
    }

    void run() throws SQLException {
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      if (!tables.contains(KERNEL) && !tables.contains(MEMCPY) && !tables.contains(NVTX) && !tables.contains(MEMSET)) {
        ctx.error(0, 0, -1, "an SQLite database without Nsight Systems activity tables (expected " + KERNEL + ", "
            + MEMCPY + " or " + NVTX + "; export a report with: nsys export --type sqlite report.nsys-rep)");
        return;
      }
      boolean strings = tables.contains(STRINGS);
      kernels(strings);
      copies(MEMCPY, Kind.MEMCPY);
      copies(MEMSET, Kind.MEMSET);
      nvtx(strings);
      launches(strings);
      ctx.summary().countGpuActivities(count);
    }

    private Set<String> columns(String table) throws SQLException {
      Set<String> cols = new HashSet<>();
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("PRAGMA table_info(\"" + table + "\")")) {
        while (rs.next()) {
          cols.add(rs.getString("name"));
        }
      }
      return cols;
    }

    private boolean present(String table, String why) {
      if (!tables.contains(table)) {
        ctx.note("no " + table + " table: " + why);
        return false;
      }
      return true;
    }

    private boolean requires(String table, Set<String> cols, String... needed) {
      for (String n : needed) {
        if (!cols.contains(n)) {
          ctx.error(0, 0, -1, table + " has no column '" + n + "'; its rows were skipped (expected "
              + String.join(", ", needed) + ")");
          return false;
        }
      }
      return true;
    }

    private static String col(Set<String> cols, String name, String alias) {
      return cols.contains(name) ? alias + "." + name : "0";
    }

    private void kernels(boolean strings) throws SQLException {
      if (!present(KERNEL, "no kernels were captured (was the report made with -t cuda?)")) {
        return;
      }
      Set<String> cols = columns(KERNEL);
      if (!requires(KERNEL, cols, "start", "end", "deviceId", "streamId")) {
        return;
      }
      String nameCol = cols.contains("shortName") ? "shortName" : cols.contains("demangledName") ? "demangledName" : null;
      String name = nameCol == null ? "''" : strings ? "COALESCE(s.value, CAST(k." + nameCol + " AS TEXT))" : "k." + nameCol;
      String join = nameCol != null && strings ? " LEFT JOIN StringIds s ON s.id = k." + nameCol : "";
      String sql = "SELECT k.rowid, k.start, k.end, k.deviceId, k.streamId, " + col(cols, "correlationId", "k") + ", "
          + name + " FROM " + KERNEL + " k" + join + " ORDER BY k.start";
      rows(KERNEL, sql, Kind.KERNEL, false);
    }

    private void copies(String table, Kind kind) throws SQLException {
      if (kind == Kind.MEMSET ? !tables.contains(table) : !present(table, "no memory copies were captured")) {
        return;
      }
      Set<String> cols = columns(table);
      if (!requires(table, cols, "start", "end", "deviceId", "streamId")) {
        return;
      }
      String name = kind == Kind.MEMCPY && cols.contains("copyKind") ? "m.copyKind" : "-1";
      String sql = "SELECT m.rowid, m.start, m.end, m.deviceId, m.streamId, " + col(cols, "correlationId", "m") + ", "
          + name + ", " + col(cols, "bytes", "m") + " FROM " + table + " m ORDER BY m.start";
      rows(table, sql, kind, true);
    }

    private void nvtx(boolean strings) throws SQLException {
      if (!present(NVTX, "no NVTX ranges were captured")) {
        return;
      }
      Set<String> cols = columns(NVTX);
      if (!requires(NVTX, cols, "start", "end")) {
        return;
      }
      String text = cols.contains("text") ? "n.text" : "NULL";
      String join = "";
      if (strings && cols.contains("textId")) {
        text = "COALESCE(" + text + ", s.value)";
        join = " LEFT JOIN StringIds s ON s.id = n.textId";
      }
      String where = " WHERE n.end IS NOT NULL"
          + (cols.contains("eventType") ? " AND n.eventType IN (" + NVTX_PUSH_POP + ", " + NVTX_START_END + ")" : "");
      String sql = "SELECT n.rowid, n.start, n.end, 0, " + col(cols, "globalTid", "n") + ", 0, " + text + " FROM " + NVTX
          + " n" + join + where + " ORDER BY n.start";
      rows(NVTX, sql, Kind.NVTX, false);
    }

    private void launches(boolean strings) throws SQLException {
      if (!tables.contains(RUNTIME)) {
        return;
      }
      Set<String> cols = columns(RUNTIME);
      if (!strings || !cols.contains("nameId") || !cols.contains("start") || !cols.contains("end")) {
        return;
      }
      String sql = "SELECT r.rowid, r.start, r.end, 0, " + col(cols, "globalTid", "r") + ", "
          + col(cols, "correlationId", "r") + ", s.value FROM " + RUNTIME + " r JOIN StringIds s ON s.id = r.nameId"
          + " WHERE s.value LIKE '%LaunchKernel%' ORDER BY r.start";
      rows(RUNTIME, sql, Kind.LAUNCH_API, false);
    }

    private void rows(String table, String sql, Kind kind, boolean copy) throws SQLException {
      Map<Integer, String> copyNames = copy ? copyKindNames() : Map.of();
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
        st.setFetchSize(4096);
        while (rs.next()) {
          if (full) {
            return;
          }
          long rowid = rs.getLong(1);
          Object s = rs.getObject(2);
          Object e = rs.getObject(3);
          if (!(s instanceof Number) || !(e instanceof Number)) {
            ctx.error(0, 0, -1, table + " row " + rowid + ": start and end must be integers (nanoseconds), found "
                + s + " and " + e);
            continue;
          }
          long start = ((Number) s).longValue();
          long end = ((Number) e).longValue();
          if (start == 0 && end == 0) {
            ctx.error(0, 0, -1, table + " row " + rowid + ": no timestamps (start and end are 0)");
            continue;
          }
          if (end < start) {
            ctx.error(0, 0, -1, table + " row " + rowid + ": end " + end + " is before start " + start);
            continue;
          }
          int device = rs.getInt(4);
          long stream = rs.getLong(5);
          long corr = rs.getLong(6);
          String name;
          long bytes = 0;
          if (copy) {
            int k = rs.getInt(7);
            if (kind == Kind.MEMSET) {
              name = "memset";
            } else if (copyNames.containsKey(k)) {
              name = copyNames.get(k);
            } else {
              name = k >= 0 && k < COPY_KINDS.length ? COPY_KINDS[k] : "copy kind " + k;
            }
            bytes = rs.getLong(8);
          } else {
            name = rs.getString(7);
          }
          if (!store.add(kind, device, stream, start, end, name, corr, bytes, ctx.input())) {
            full = true;
            ctx.error(0, 0, -1, table + " row " + rowid + ": more than " + store.limit()
                + " GPU records; the rest of the input was skipped");
            return;
          }
          count++;
        }
      }
    }

    private Map<Integer, String> copyKindNames() throws SQLException {
      Map<Integer, String> m = new HashMap<>();
      if (!tables.contains("ENUM_CUDA_MEMCPY_OPER")) {
        return m;
      }
      Set<String> cols = columns("ENUM_CUDA_MEMCPY_OPER");
      if (!cols.contains("id") || !cols.contains("label")) {
        return m;
      }
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT id, label FROM ENUM_CUDA_MEMCPY_OPER")) {
        while (rs.next()) {
          String label = rs.getString(2);
          if (label != null) {
            m.put(rs.getInt(1), label);
          }
        }
      }
      return m;
    }
  }
}
