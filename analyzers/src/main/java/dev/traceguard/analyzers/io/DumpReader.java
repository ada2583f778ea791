package dev.traceguard.analyzers.io;

import dev.traceguard.analyzers.io.otlp.OtlpJsonReader;
import dev.traceguard.analyzers.io.otlp.OtlpProtoReader;
import dev.traceguard.analyzers.io.prom.PrometheusApiJsonReader;
import dev.traceguard.analyzers.io.prom.PrometheusTextReader;
import dev.traceguard.analyzers.io.prom.PromtoolDumpReader;
import dev.traceguard.analyzers.model.InputSummary;
import dev.traceguard.analyzers.model.Telemetry;
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
    return read(path, telemetry, progress, null);
  }

  /**
   * As {@link #read(Path, Telemetry, Progress)}, with the format reader for the detected format
   * chosen by {@code choice} (e.g. one that streams OTLP messages somewhere else than the model).
   */
  public static InputSummary read(
      Path path, Telemetry telemetry, Progress progress, ReaderChoice choice) {
    String name = path.toString();
    if (Files.isDirectory(path)) {
      InputSummary s = telemetry.addInput(name);
      s.format("unreadable");
      s.error(new dev.traceguard.analyzers.model.ReadError(0, 0, -1, "is a directory; give the dump files inside it"));
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
      return read(name, in, telemetry, progress, choice);
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
    return read(name, in, telemetry, progress, null);
  }

  /** As {@link #read(String, InputStream, Telemetry, Progress)}, with readers chosen by {@code choice}. */
  public static InputSummary read(
      String name, InputStream in, Telemetry telemetry, Progress progress, ReaderChoice choice) {
    InputSummary summary = telemetry.addInput(name);
    int index = telemetry.inputs().size() - 1;
    ReadContext ctx = new ReadContext(telemetry, index);
    CountingInputStream counted = new CountingInputStream(in);
    InputStream source = progress == null ? counted : new ProgressStream(counted, progress);
    CountingInputStream decoded = null;
    boolean gzip = false;
    try {
      BufferedInputStream buffered = new BufferedInputStream(source, PEEK);
      byte[] head = peek(buffered);
      InputStream content = buffered;
      if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
        gzip = true;
        content = new BufferedInputStream(new GZIPInputStream(buffered, 1 << 16), PEEK);
        head = peek(content);
      }
      decoded = new CountingInputStream(content);
      DumpFormat format = sniff(head, ctx);
      if (format == null) {
        summary.format("unknown");
        return summary;
      }
      summary.format(format.id() + (gzip ? "+gzip" : ""));
      FormatReader chosen = choice == null ? null : choice.readerFor(format);
      Supplier<FormatReader> reader = chosen != null ? () -> chosen : READERS.get(format);
      if (reader == null) {
        ctx.error(0, 0, 0, "the " + format.id() + " format is recognised but this build cannot read it");
        return summary;
      }
      reader.get().read(decoded, ctx);
    } catch (EOFException | ZipException e) {
      long at = decoded == null ? counted.count() : decoded.count();
      ctx.error(0, 0, at, (gzip ? "truncated or corrupt gzip stream" : "input ends early")
          + " (" + e.getMessage() + ") after " + at + " bytes; everything before it was read");
    } catch (IOException e) {
      long at = decoded == null ? counted.count() : decoded.count();
      ctx.error(0, 0, at, "read failed after " + at + " bytes: " + e.getMessage());
    }
    if (gzip && !summary.format().endsWith("+gzip") && !summary.format().equals("unknown")) {
      summary.format(summary.format() + "+gzip");
    }
    return summary;
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
    if (head.length >= 4 && (head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5
        && (head[2] & 0xff) == 0x2f && (head[3] & 0xff) == 0xfd) {
      ctx.error(0, 0, 0, "zstd-compressed input is not supported; decompress it first (zstd -d FILE)");
      return null;
    }
    if (head.length >= 8) {
      long len = ((head[0] & 0xffL) << 24) | ((head[1] & 0xffL) << 16) | ((head[2] & 0xffL) << 8) | (head[3] & 0xffL);
      if (len > 0 && len < (1L << 28)) {
        if ((head[4] & 0xff) == 0x0a) {
          return DumpFormat.OTLP_PROTO;
        }
        if ((head[4] & 0xff) == 0x28 && (head[5] & 0xff) == 0xb5 && (head[6] & 0xff) == 0x2f
            && (head[7] & 0xff) == 0xfd) {
          ctx.error(0, 0, 0, "zstd-compressed OTLP frames (file exporter with compression: zstd) are not"
              + " supported; re-export without compression");
          return null;
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
    byte c = head[i];
    if (c == '{') {
      int j = i + 1;
      while (j < head.length && (head[j] == ' ' || head[j] == '\t' || head[j] == '\r' || head[j] == '\n')) {
        j++;
      }
      if (j < head.length && head[j] != '"' && head[j] != '}') {
        return DumpFormat.PROMTOOL_DUMP;
      }
      if (text.contains("\"resultType\"") || text.startsWith("{\"status\"", i)) {
        return DumpFormat.PROMETHEUS_API_JSON;
      }
      return DumpFormat.OTLP_JSON;
    }
    if (c == '[') {
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
        + " promtool tsdb dump output, optionally gzip-compressed");
    return null;
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
