package dev.traceguard.analyzers.io.nsys;

import dev.traceguard.analyzers.io.FormatReader;
import dev.traceguard.analyzers.io.ReadContext;
import dev.traceguard.analyzers.model.GpuActivityStore;
import dev.traceguard.analyzers.model.GpuActivityStore.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code nsys stats --format csv} output: the {@code cuda_gpu_kern_sum} report (one row per
 * kernel: instances, total, median, min, max) into kernel summaries, and the {@code cuda_gpu_trace}
 * report (one row per kernel, copy or set: start, duration, device, stream) into activity
 * records. Several reports may follow each other in one file, separated by blank lines; lines
 * nsys prints around them ("Processing [...]") and reports of other kinds are passed over. Times
 * may be in ns, us, ms or s, as the headers say ({@code --timeunit}).
 */
public final class NsysCsvReader implements FormatReader {
  /** Lines longer than this are reported and skipped. */
  static final int MAX_LINE = 1 << 20;
  private static final Pattern UNIT = Pattern.compile("^(.*?)\\s*\\((ns|us|µs|ms|s|%|MB|B)\\)$");
  private static final Pattern DEVICE = Pattern.compile("\\((\\d+)\\)\\s*$");
  /** A header line of a report this reader knows, for sniffing. */
  static final Pattern HEADER = Pattern.compile(
      "(?m)^\\s*\"?(Time \\(%\\)|Time|Start \\((ns|us|ms|s)\\)|Start)\"?\\s*,.*\\bName\\b");

  /** A reader. */
  public NsysCsvReader() {}

  /** Whether {@code text} (the start of an input) looks like nsys stats CSV. */
  public static boolean looksLikeNsysCsv(String text) {
    Matcher m = HEADER.matcher(text.length() > 8192 ? text.substring(0, 8192) : text);
    while (m.find()) {
      String line = m.group();
      if ((line.contains("Total Time") && line.contains("Instances"))
          || (line.contains("Start") && line.contains("Duration"))) {
        return true;
      }
    }
    return false;
  }

  private enum Mode { NONE, SUM, TRACE, OTHER }

  @Override
  public void read(InputStream in, ReadContext ctx) throws IOException {
    GpuActivityStore store = ctx.telemetry().gpu();
    Lines lines = new Lines(in);
    Mode mode = Mode.NONE;
    Map<String, Integer> cols = new HashMap<>();
    Map<String, Double> scale = new HashMap<>();
    boolean sawTable = false;
    long count = 0;
    boolean full = false;
    while (lines.next()) {
      long no = lines.number;
      if (lines.tooLong) {
        ctx.error(no, 0, -1, "line longer than " + MAX_LINE + " bytes; skipped");
        continue;
      }
      String line = lines.text();
      if (line.isBlank()) {
        mode = Mode.NONE;
        continue;
      }
      if (mode == Mode.NONE || mode == Mode.OTHER) {
        List<String> f = split(line);
        cols.clear();
        scale.clear();
        for (int i = 0; i < f.size(); i++) {
          String h = f.get(i).trim();
          Matcher u = UNIT.matcher(h);
          if (u.matches()) {
            cols.put(u.group(1), i);
            scale.put(u.group(1), factor(u.group(2)));
          } else {
            cols.put(h, i);
          }
        }
        if (cols.containsKey("Name") && cols.containsKey("Total Time") && cols.containsKey("Instances")) {
          mode = Mode.SUM;
          sawTable = true;
        } else if (cols.containsKey("Name") && cols.containsKey("Start") && cols.containsKey("Duration")) {
          mode = Mode.TRACE;
          sawTable = true;
        } else if (f.size() > 2 && cols.containsKey("Name") || mode == Mode.OTHER) {
          mode = Mode.OTHER;
        }
        continue;
      }
      if (full) {
        continue;
      }
      List<String> f = split(line);
      try {
        if (mode == Mode.SUM) {
          store.addSummary(new GpuActivityStore.KernelSummary(
              text(f, cols, "Name"),
              (long) num(f, cols, scale, "Instances", true),
              nanos(f, cols, scale, "Total Time", true),
              nanos(f, cols, scale, "Med", false),
              nanos(f, cols, scale, "Min", false),
              nanos(f, cols, scale, "Max", false),
              ctx.input()));
          count++;
        } else if (mode == Mode.TRACE) {
          long start = nanos(f, cols, scale, "Start", true);
          long dur = nanos(f, cols, scale, "Duration", true);
          if (dur < 0) {
            throw new BadField("Duration", "a duration that is not negative", Long.toString(dur));
          }
          String name = text(f, cols, "Name");
          Kind kind = name.startsWith("[CUDA memcpy") ? Kind.MEMCPY : name.startsWith("[CUDA memset") ? Kind.MEMSET
              : Kind.KERNEL;
          int device = device(f, cols);
          String streamKey = cols.containsKey("Strm") ? "Strm" : "Stream";
          long stream = cols.containsKey(streamKey) ? (long) num(f, cols, scale, streamKey, false) : 0;
          long corr = cols.containsKey("CorrId") ? (long) num(f, cols, scale, "CorrId", false) : 0;
          long bytes = 0;
          if (cols.containsKey("Bytes") && kind != Kind.KERNEL) {
            double b = num(f, cols, scale, "Bytes", false);
            bytes = Math.round(b);
          }
          if (!store.add(kind, device, stream, start, start + dur, name, corr, bytes, ctx.input())) {
            ctx.error(no, 0, -1, "more than " + store.limit() + " GPU records; the rest of the input was skipped");
            full = true;
            continue;
          }
          count++;
        }
      } catch (BadField e) {
        ctx.error(no, 0, -1, "column '" + e.column + "': expected " + e.expected + ", found '" + e.found + "'");
      }
    }
    if (!sawTable) {
      ctx.error(0, 0, -1, "no nsys stats table found; expected the CSV of the cuda_gpu_kern_sum or cuda_gpu_trace"
          + " report (nsys stats --report cuda_gpu_trace --format csv report.nsys-rep)");
    }
    ctx.summary().countGpuActivities(count);
  }

  private static double factor(String unit) {
    return switch (unit) {
      case "us", "µs" -> 1e3;
      case "ms" -> 1e6;
      case "s" -> 1e9;
      case "MB" -> 1e6;
      default -> 1;
    };
  }

  /** A field that is not what its column needs. */
  private static final class BadField extends Exception {
    private static final long serialVersionUID = 1L;
    final String column;
    final String expected;
    final String found;

    BadField(String column, String expected, String found) {
      super(column, null, false, false);
      this.column = column;
      this.expected = expected;
      this.found = found;
    }
  }

  private static String text(List<String> f, Map<String, Integer> cols, String col) throws BadField {
    Integer i = cols.get(col);
    if (i == null || i >= f.size()) {
      throw new BadField(col, "a value", "");
    }
    return f.get(i);
  }

  private static double num(List<String> f, Map<String, Integer> cols, Map<String, Double> scale, String col,
      boolean required) throws BadField {
    Integer i = cols.get(col);
    if (i == null || i >= f.size()) {
      if (required) {
        throw new BadField(col, "a number", "");
      }
      return 0;
    }
    String v = f.get(i).trim().replace(",", "");
    if (v.isEmpty() && !required) {
      return 0;
    }
    try {
      double d = Double.parseDouble(v);
      if (!Double.isFinite(d)) {
        throw new NumberFormatException();
      }
      return d * scale.getOrDefault(col, 1.0);
    } catch (NumberFormatException e) {
      throw new BadField(col, "a number", f.get(i));
    }
  }

  private static long nanos(List<String> f, Map<String, Integer> cols, Map<String, Double> scale, String col,
      boolean required) throws BadField {
    return Math.round(num(f, cols, scale, col, required));
  }

  private static int device(List<String> f, Map<String, Integer> cols) {
    Integer i = cols.get("Device");
    if (i == null || i >= f.size()) {
      return 0;
    }
    String v = f.get(i).trim();
    Matcher m = DEVICE.matcher(v);
    if (m.find()) {
      return Integer.parseInt(m.group(1));
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** Splits one CSV line: fields may be quoted, with {@code ""} for a quote inside. */
  static List<String> split(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
            cur.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          cur.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }

  /** Lines of at most {@link #MAX_LINE} bytes; longer ones are read past, not kept. */
  private static final class Lines {
    private final InputStream in;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int lim;
    private byte[] line = new byte[256];
    private int length;
    boolean tooLong;
    long number;

    Lines(InputStream in) {
      this.in = in;
    }

    boolean next() throws IOException {
      length = 0;
      tooLong = false;
      boolean any = false;
      while (true) {
        if (pos == lim) {
          lim = in.read(buf, 0, buf.length);
          pos = 0;
          if (lim <= 0) {
            lim = 0;
            if (any) {
              number++;
            }
            return any;
          }
        }
        any = true;
        int start = pos;
        while (pos < lim && buf[pos] != '\n') {
          pos++;
        }
        append(start, pos);
        if (pos < lim) {
          pos++;
          number++;
          return true;
        }
      }
    }

    private void append(int from, int to) {
      int n = to - from;
      if (tooLong || n == 0) {
        return;
      }
      if (length + n > MAX_LINE) {
        tooLong = true;
        return;
      }
      if (length + n > line.length) {
        line = java.util.Arrays.copyOf(line, Math.max(line.length * 2, length + n));
      }
      System.arraycopy(buf, from, line, length, n);
      length += n;
    }

    String text() {
      int n = length;
      if (n > 0 && line[n - 1] == '\r') {
        n--;
      }
      int s = 0;
      if (number == 1 && n >= 3 && (line[0] & 0xff) == 0xef && (line[1] & 0xff) == 0xbb && (line[2] & 0xff) == 0xbf) {
        s = 3;
      }
      return new String(line, s, n - s, StandardCharsets.UTF_8);
    }
  }
}
