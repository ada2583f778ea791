package dev.traceguard.analyzers.io;

import dev.traceguard.analyzers.io.nsys.NsysCsvReader;
import dev.traceguard.analyzers.io.nsys.NsysSqliteReader;
import dev.traceguard.analyzers.io.otlp.OtlpJsonReader;
import dev.traceguard.analyzers.io.otlp.OtlpProtoReader;
import dev.traceguard.analyzers.io.prom.PrometheusApiJsonReader;
import dev.traceguard.analyzers.io.prom.PrometheusTextReader;
import dev.traceguard.analyzers.io.prom.PromtoolDumpReader;
import dev.traceguard.analyzers.model.InputSummary;
import dev.traceguard.analyzers.model.Telemetry;
import io.airlift.compress.MalformedInputException;
import io.airlift.compress.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The one entry point for reading dumps: detects the format from the content (never the file
 * name), decompresses gzip transparently, and streams records into a {@link Telemetry}.
 *
 * <pre>{@code
 * Telemetry t = new Telemetry();
 * InputSummary s = DumpReader.read(Path.of("traces.jsonl.gz"), t);
 * System.out.println(s.format() + ": " + s.spans() + " spans, " + s.skipped() + " skipped");
 * }</pre>
 */
public final class DumpReader {
  private static final int PEEK = 1 << 16;
  private static final Map<DumpFormat, Supplier<FormatReader>> READERS = new EnumMap<>(DumpFormat.class);

  static {
    READERS.put(DumpFormat.OTLP_JSON, OtlpJsonReader::new);
    READERS.put(DumpFormat.OTLP_PROTO, OtlpProtoReader::new);
    READERS.put(DumpFormat.PROMETHEUS_TEXT, PrometheusTextReader::lenient);
    READERS.put(DumpFormat.PROMETHEUS_API_JSON, PrometheusApiJsonReader::new);
    READERS.put(DumpFormat.PROMTOOL_DUMP, PromtoolDumpReader::new);
    READERS.put(DumpFormat.NSYS_SQLITE, NsysSqliteReader::new);
    READERS.put(DumpFormat.NSYS_CSV, NsysCsvReader::new);
  }

  private DumpReader() {}

  /**
   * Reads a file into {@code telemetry}. Problems are recorded in the returned summary, never
   * thrown: an unopenable file gives a summary with one error and format {@code unreadable}.
   */
  public static InputSummary read(Path path, Telemetry telemetry) {
    return read(path, telemetry, null);
  }

  /** As {@link #read(Path, Telemetry)}, reporting compressed bytes read to {@code progress}. */
  public static InputSummary read(Path path, Telemetry telemetry, Progress progress) {
    return read(path, telemetry, progress, false, null);
  }

  /**
   * As {@link #read(Path, Telemetry, Progress)}; with {@code strict}, Prometheus text is validated
   * as OpenMetrics 1.0 exactly and every deviation is an error.
   */
  public static InputSummary read(Path path, Telemetry telemetry, Progress progress, boolean strict) {
    return read(path, telemetry, progress, strict, null);
  }

  /**
   * As {@link #read(Path, Telemetry, Progress)}, with the format reader for the detected format
   * chosen by {@code choice} (e.g. one that streams OTLP messages somewhere else than the model).
   */
  public static InputSummary read(Path path, Telemetry telemetry, Progress progress, ReaderChoice choice) {
    return read(path, telemetry, progress, false, choice);
  }

  private static InputSummary read(
      Path path, Telemetry telemetry, Progress progress, boolean strict, ReaderChoice choice) {
    String name = path.toString();
    if (Files.isDirectory(path)) {
      InputSummary s = telemetry.addInput(name);
      s.format("unreadable");
      s.error(new dev.traceguard.analyzers.model.ReadError(0, 0, -1, "is a directory; give the dump files inside it"));
      return s;
    }
    if (NsysSqliteReader.isSqlite(path)) {
      // SQLite reads the file in place; a stream would have to be copied first.
      InputSummary s = telemetry.addInput(name);
      s.format(DumpFormat.NSYS_SQLITE.id());
      NsysSqliteReader.readFile(path, new ReadContext(telemetry, telemetry.inputs().size() - 1));
      return s;
    }
    InputStream raw;
    try {
      raw = Files.newInputStream(path);
    } catch (NoSuchFileException e) {
      return unreadable(telemetry, name, "no such file");
    } catch (AccessDeniedException e) {
      return unreadable(telemetry, name, "permission denied");
    } catch (IOException e) {
      return unreadable(telemetry, name, "cannot open: " + e.getMessage());
    }
    try (InputStream in = raw) {
      return read(name, in, telemetry, progress, strict, choice);
    } catch (IOException e) {
      InputSummary s = telemetry.inputs().get(telemetry.inputs().size() - 1);
      return s;
    }
  }

  private static InputSummary unreadable(Telemetry telemetry, String name, String why) {
    InputSummary s = telemetry.addInput(name);
    s.format("unreadable");
    s.error(new dev.traceguard.analyzers.model.ReadError(0, 0, -1, why));
    return s;
  }

  /** Receives the number of (compressed) bytes read so far. */
  @FunctionalInterface
  public interface Progress {
    /** Called now and then while reading. */
    void bytesRead(long bytes);
  }

  /**
   * Picks the reader for a detected format; returning null means the built-in reader, which
   * fills the model.
   */
  @FunctionalInterface
  public interface ReaderChoice {
    /** The reader for {@code format}, or null for the built-in one. */
    FormatReader readerFor(DumpFormat format);
  }

  /**
   * Reads a stream (e.g. standard input, named {@code -}) into {@code telemetry}; the caller
   * closes the stream.
   */
  public static InputSummary read(String name, InputStream in, Telemetry telemetry, Progress progress) {
    return read(name, in, telemetry, progress, false, null);
  }

  /** As {@link #read(String, InputStream, Telemetry, Progress)}, strict as in {@link #read(Path, Telemetry, Progress, boolean)}. */
  public static InputSummary read(
      String name, InputStream in, Telemetry telemetry, Progress progress, boolean strict) {
    return read(name, in, telemetry, progress, strict, null);
  }

  /** As {@link #read(String, InputStream, Telemetry, Progress)}, with readers chosen by {@code choice}. */
  public static InputSummary read(
      String name, InputStream in, Telemetry telemetry, Progress progress, ReaderChoice choice) {
    return read(name, in, telemetry, progress, false, choice);
  }

  private static InputSummary read(
      String name, InputStream in, Telemetry telemetry, Progress progress, boolean strict, ReaderChoice choice) {
    InputSummary summary = telemetry.addInput(name);
    int index = telemetry.inputs().size() - 1;
    ReadContext ctx = new ReadContext(telemetry, index);
    CountingInputStream counted = new CountingInputStream(in);
    InputStream source = progress == null ? counted : new ProgressStream(counted, progress);
    CountingInputStream decoded = null;
    boolean gzip = false;
    boolean zstd = false;
    try {
      BufferedInputStream buffered = new BufferedInputStream(source, PEEK);
      byte[] head = peek(buffered);
      InputStream content = buffered;
      if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
        gzip = true;
        content = new BufferedInputStream(new GZIPInputStream(buffered, 1 << 16), PEEK);
        head = peek(content);
      } else if (isZstd(head, 0)) {
        zstd = true;
        content = new BufferedInputStream(new ZstdInputStream(buffered), PEEK);
        head = peek(content);
      }
      decoded = new CountingInputStream(content);
      DumpFormat format = sniff(head, ctx);
      if (strict && format == DumpFormat.OTLP_JSON && new String(head, StandardCharsets.ISO_8859_1).isBlank()) {
        // Nothing to tell the format by: strict reading holds it to OpenMetrics, which needs # EOF.
        format = DumpFormat.PROMETHEUS_TEXT;
      }
      if (format == null) {
        summary.format("unknown");
        return summary;
      }
      summary.format(format.id() + (gzip ? "+gzip" : zstd ? "+zstd" : ""));
      FormatReader chosen = choice == null ? null : choice.readerFor(format);
      Supplier<FormatReader> reader = chosen != null ? () -> chosen
          : strict && format == DumpFormat.PROMETHEUS_TEXT ? PrometheusTextReader::strict : READERS.get(format);
      if (reader == null) {
        ctx.error(0, 0, 0, "the " + format.id() + " format is recognised but this build cannot read it");
        return summary;
      }
      reader.get().read(decoded, ctx);
    } catch (EOFException | ZipException e) {
      long at = decoded == null ? counted.count() : decoded.count();
      ctx.error(0, 0, at, (gzip ? "truncated or corrupt gzip stream" : zstd ? "truncated or corrupt zstd stream"
          : "input ends early") + " (" + e.getMessage() + ") after " + at + " bytes; everything before it was read");
    } catch (MalformedInputException e) {
      // The zstd decoder reports corrupt frames with an unchecked exception.
      long at = decoded == null ? counted.count() : decoded.count();
      ctx.error(0, 0, at, "truncated or corrupt zstd stream (" + e.getMessage() + ") after " + at
          + " decompressed bytes; everything before it was read");
    } catch (IOException e) {
      long at = decoded == null ? counted.count() : decoded.count();
      ctx.error(0, 0, at, (zstd ? "truncated or corrupt zstd stream: " : "")
          + "read failed after " + at + " bytes: " + e.getMessage());
    }
    String suffix = gzip ? "+gzip" : zstd ? "+zstd" : "";
    if (!suffix.isEmpty() && !summary.format().endsWith(suffix) && !summary.format().equals("unknown")) {
      summary.format(summary.format() + suffix);
    }
    return summary;
  }

  /**
   * The format of a file when it looks like a dump, else null; for choosing the files of a
   * directory. Stricter than reading: OTLP/JSON must hold a non-empty array of resource or scope
   * spans, metrics or logs in its first 64 KiB, and text must hold a Prometheus sample or a TYPE/HELP line there, so a README, a
   * script or an unrelated JSON file beside the dumps is passed over.
   */
  public static DumpFormat probe(Path path) {
    try (InputStream raw = Files.newInputStream(path)) {
      BufferedInputStream buffered = new BufferedInputStream(raw, PEEK);
      byte[] head = peek(buffered);
      if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
        try {
          head = peek(new BufferedInputStream(new GZIPInputStream(buffered, 1 << 16), PEEK));
        } catch (IOException e) {
          return null;
        }
      } else if (isZstd(head, 0)) {
        try {
          head = peek(new BufferedInputStream(new ZstdInputStream(buffered), PEEK));
        } catch (IOException | MalformedInputException e) {
          return null;
        }
      }
      if (head.length == 0) {
        return null;
      }
      Telemetry scratch = new Telemetry();
      scratch.addInput(path.toString());
      DumpFormat f = sniff(head, new ReadContext(scratch, 0));
      if (f == null) {
        return null;
      }
      String text = new String(head, StandardCharsets.ISO_8859_1);
      switch (f) {
        case OTLP_JSON:
          return OTLP_CONTENT.matcher(text).find() && jsonFromStartOrAfterPrefix(text) ? f : null;
        case PROMETHEUS_TEXT:
          return looksLikePrometheus(text) ? f : null;
        default:
          return f;
      }
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * True when the text is JSON from its first non-blank character, or when one of its first lines
   * holds JSON after a log prefix ({@code INFO: {"resource":...}}); a script that spells out OTLP
   * keys in its own syntax is not JSON.
   */
  private static boolean jsonFromStartOrAfterPrefix(String text) {
    String t = text.stripLeading();
    if (t.startsWith("\uFEFF")) {
      t = t.substring(1).stripLeading();
    }
    if (t.startsWith("{") || t.startsWith("[")) {
      return parsesSoFar(t);
    }
    int lines = 0;
    for (String line : t.split("\n", 64)) {
      if (lines++ == 63) {
        break;
      }
      int at = line.indexOf("{\"");
      if (at >= 0 && OTLP_CONTENT.matcher(line).find() && parsesSoFar(line.substring(at))) {
        return true;
      }
    }
    return false;
  }

  /** True when {@code json} is valid JSON as far as it goes (it may be cut short). */
  private static boolean parsesSoFar(String json) {
    try (com.fasterxml.jackson.core.JsonParser p = PROBE_JSON.createParser(json)) {
      int depth = 0;
      com.fasterxml.jackson.core.JsonToken tok;
      while ((tok = p.nextToken()) != null) {
        if (tok.isStructStart()) {
          depth++;
        } else if (tok.isStructEnd() && --depth == 0) {
          return true;
        }
      }
      return true;
    } catch (com.fasterxml.jackson.core.io.JsonEOFException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static final com.fasterxml.jackson.core.JsonFactory PROBE_JSON = new com.fasterxml.jackson.core.JsonFactory();

  private static final java.util.regex.Pattern OTLP_CONTENT = java.util.regex.Pattern.compile(
      "\"(?:resourceSpans|resource_spans|batches|resourceMetrics|resource_metrics|resourceLogs|resource_logs"
          + "|scopeSpans|scope_spans|instrumentationLibrarySpans)\"\\s*:\\s*\\[\\s*\\{");

  private static final java.util.regex.Pattern PROMETHEUS_META = java.util.regex.Pattern.compile(
      "(?m)^# (?:TYPE|HELP|UNIT) \\S");
  /** A whole sample line: name, labels, one value, perhaps a timestamp and an exemplar. */
  private static final java.util.regex.Pattern PROMETHEUS_SAMPLE = java.util.regex.Pattern.compile(
      "(?:[a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{.*\\})?|\\{\"[^\"]+\"[,}].*)[ \\t]+[-+]?(?:[0-9.]|Inf|NaN|inf|nan)\\S*"
          + "(?:[ \\t]+[-+]?[0-9.]\\S*)?[ \\t\\r]*(?:#.*)?");

  /**
   * Whether text looks like a Prometheus exposition: it has a TYPE, HELP or UNIT line, or its first
   * line that is not a comment is a whole sample line. A file of names each followed by many
   * numbers is not.
   */
  static boolean looksLikePrometheus(String text) {
    if (PROMETHEUS_META.matcher(text).find()) {
      return true;
    }
    for (String line : text.split("\n", 64)) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      return PROMETHEUS_SAMPLE.matcher(line).matches();
    }
    return false;
  }

  private static byte[] peek(InputStream in) throws IOException {
    in.mark(PEEK);
    byte[] b = new byte[PEEK];
    int n = 0;
    while (n < b.length) {
      int r = in.read(b, n, b.length - n);
      if (r < 0) {
        break;
      }
      n += r;
    }
    in.reset();
    return n == b.length ? b : java.util.Arrays.copyOf(b, n);
  }

  /** Detects the format from the first bytes; null (with an error recorded) when none fits. */
  static DumpFormat sniff(byte[] head, ReadContext ctx) {
    if (head.length == 0) {
      ctx.note("input is empty");
      return DumpFormat.OTLP_JSON;
    }
    if (isZstd(head, 0)) {
      ctx.error(0, 0, 0, "zstd stream inside a zstd stream; decompress it first (zstd -d FILE)");
      return null;
    }
    if (NsysSqliteReader.isSqlite(head)) {
      return DumpFormat.NSYS_SQLITE;
    }
    if (head.length >= 8) {
      long len = ((head[0] & 0xffL) << 24) | ((head[1] & 0xffL) << 16) | ((head[2] & 0xffL) << 8) | (head[3] & 0xffL);
      if (len > 0 && len < (1L << 28)) {
        if ((head[4] & 0xff) == 0x0a) {
          return DumpFormat.OTLP_PROTO;
        }
        if (isZstd(head, 4)) {
          // The file exporter with 'compression: zstd': each frame is its own zstd frame.
          return DumpFormat.OTLP_PROTO;
        }
      }
    }
    int i = 0;
    if (head.length >= 3 && (head[0] & 0xff) == 0xef && (head[1] & 0xff) == 0xbb && (head[2] & 0xff) == 0xbf) {
      i = 3;
    }
    while (i < head.length && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n')) {
      i++;
    }
    if (i == head.length) {
      ctx.note("input holds only blank space");
      return DumpFormat.OTLP_JSON;
    }
    String text = new String(head, StandardCharsets.ISO_8859_1);
    if (NsysCsvReader.looksLikeNsysCsv(text)) {
      return DumpFormat.NSYS_CSV;
    }
    byte c = head[i];
    if (c == '{') {
      int j = i + 1;
      while (j < head.length && (head[j] == ' ' || head[j] == '\t' || head[j] == '\r' || head[j] == '\n')) {
        j++;
      }
      if (j < head.length && head[j] != '"' && head[j] != '}') {
        return DumpFormat.PROMTOOL_DUMP;
      }
      byte afterQuoted = afterQuotedString(head, j);
      if (afterQuoted == ',' || afterQuoted == '}') {
        return DumpFormat.PROMETHEUS_TEXT;
      }
      if (afterQuoted == '=') {
        return DumpFormat.PROMTOOL_DUMP;
      }
      if (text.contains("\"resultType\"") || text.startsWith("{\"status\"", i)) {
        return DumpFormat.PROMETHEUS_API_JSON;
      }
      return DumpFormat.OTLP_JSON;
    }
    if (c == '[') {
      // promtool query range/instant -o json prints the bare result array of series objects.
      int j = i + 1;
      while (j < head.length && (head[j] == ' ' || head[j] == '\t' || head[j] == '\r' || head[j] == '\n')) {
        j++;
      }
      if (j < head.length && head[j] == '{' && text.startsWith("\"metric\"", skipBlank(head, j + 1))) {
        return DumpFormat.PROMETHEUS_API_JSON;
      }
      return DumpFormat.OTLP_JSON;
    }
    if (text.contains("\"scopeSpans\"") || text.contains("\"resourceSpans\"") || text.contains("\"scope_spans\"")
        || text.contains("\"resourceMetrics\"") || text.contains("\"resourceLogs\"")
        || text.contains("\"scopeLogs\"") || text.contains("\"scopeMetrics\"")) {
      return DumpFormat.OTLP_JSON;
    }
    if (c == '#' || Character.isLetter(c) || c == '_' || c == ':') {
      return DumpFormat.PROMETHEUS_TEXT;
    }
    StringBuilder hex = new StringBuilder();
    for (int k = 0; k < Math.min(8, head.length); k++) {
      hex.append(String.format("%02x ", head[k] & 0xff));
    }
    ctx.error(0, 0, 0, "not a known dump format (first bytes: " + hex.toString().trim()
        + "); expected OTLP JSON or protobuf, Prometheus text/OpenMetrics, Prometheus API JSON or"
        + " promtool tsdb dump output, Nsight Systems SQLite export or nsys stats CSV, optionally gzip-compressed");
    return null;
  }

  /**
   * The first byte after the quoted string at {@code at} and any blanks, or 0. After an opening
   * brace, JSON puts a colon there; a Prometheus 3 sample with a quoted (UTF-8) metric name, {@code
   * {"my.metric", le="1"} 3}, a comma or closing brace; a quoted label name, an equals sign.
   */
  private static byte afterQuotedString(byte[] head, int at) {
    if (at >= head.length || head[at] != '"') {
      return 0;
    }
    int k = at + 1;
    while (k < head.length && head[k] != '"' && head[k] != '\n') {
      k += head[k] == '\\' ? 2 : 1;
    }
    if (k >= head.length || head[k] != '"') {
      return 0;
    }
    k++;
    while (k < head.length && (head[k] == ' ' || head[k] == '\t')) {
      k++;
    }
    return k < head.length ? head[k] : 0;
  }

  /** True when a zstd frame's magic number starts at {@code at}. */
  static boolean isZstd(byte[] b, int at) {
    return b.length >= at + 4 && (b[at] & 0xff) == 0x28 && (b[at + 1] & 0xff) == 0xb5
        && (b[at + 2] & 0xff) == 0x2f && (b[at + 3] & 0xff) == 0xfd;
  }

  private static int skipBlank(byte[] head, int j) {
    while (j < head.length && (head[j] == ' ' || head[j] == '\t' || head[j] == '\r' || head[j] == '\n')) {
      j++;
    }
    return j;
  }

  /** Reports progress every 1 MiB. */
  private static final class ProgressStream extends java.io.FilterInputStream {
    private final CountingInputStream counted;
    private final Progress progress;
    private long lastReport;

    ProgressStream(CountingInputStream counted, Progress progress) {
      super(counted);
      this.counted = counted;
      this.progress = progress;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (counted.count() - lastReport >= (1 << 20) || n < 0) {
        lastReport = counted.count();
        progress.bytesRead(lastReport);
      }
      return n;
    }
  }
}
