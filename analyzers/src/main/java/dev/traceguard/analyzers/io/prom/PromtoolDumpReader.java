package dev.traceguard.analyzers.io.prom;

import dev.traceguard.analyzers.io.FormatReader;
import dev.traceguard.analyzers.io.ReadContext;
import dev.traceguard.analyzers.model.Labels;
import dev.traceguard.analyzers.model.MetricSeries;
import dev.traceguard.analyzers.model.Resource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.TreeMap;

/**
 * Reads the lines {@code promtool tsdb dump} prints, one sample each: {@code {__name__="up",
 * instance="x:9090", job="p"} 1 1700000000000}, that is the label set as Go prints it (values
 * quoted by {@code strconv.Quote}, so {@code \t}, {@code \x00} and <code>&#92;u00a0</code> escapes), the
 * value as Go's {@code %g} ({@code 1e+06}, {@code +Inf}, {@code NaN}) and a millisecond timestamp.
 * Native histogram samples, printed as {@code {count:..., ...}}, are noted and skipped.
 */
public final class PromtoolDumpReader implements FormatReader {
  /** A reader. */
  public PromtoolDumpReader() {}

  @Override
  public void read(InputStream in, ReadContext ctx) throws IOException {
    ctx.summary().format("promtool-dump");
    LineReader lines = new LineReader(in);
    Run run = new Run(ctx);
    while (lines.next()) {
      if (lines.tooLong) {
        ctx.error(lines.number, 0, -1, "line longer than " + LineReader.MAX_LINE + " bytes; skipped");
        continue;
      }
      run.line(lines.number, lines.line, lines.length);
    }
  }

  /** The state of one read. */
  private static final class Run {
    private final ReadContext ctx;
    private final TreeMap<String, String> map = new TreeMap<>();
    private byte[] scratch = new byte[256];
    private String error;
    private int errorAt;
    private String text;
    // The previous line's label bytes and series: a dump prints a series' samples together.
    private byte[] prevKey = new byte[256];
    private int prevKeyLength = -1;
    private MetricSeries prevSeries;

    Run(ReadContext ctx) {
      this.ctx = ctx;
    }

    private boolean fail(int at, String message) {
      error = message;
      errorAt = at;
      return false;
    }

    void line(long n, byte[] b, int len) {
      if (len > 0 && b[len - 1] == '\r') {
        len--;
      }
      int p = blanks(b, 0, len);
      if (p == len || b[p] == '#') {
        return;
      }
      if (!parse(n, b, p, len)) {
        ctx.error(n, errorAt + 1, -1, error);
      }
    }

    private static int blanks(byte[] b, int p, int len) {
      while (p < len && (b[p] == ' ' || b[p] == '\t')) {
        p++;
      }
      return p;
    }

    private boolean parse(long n, byte[] b, int p, int len) {
      if (b[p] != '{') {
        return fail(p, "expected '{' to open the label set, as promtool tsdb dump prints it");
      }
      int keyStart = p;
      int k = prevKeyLength;
      MetricSeries series = null;
      boolean same = k > 0 && p + k <= len && Arrays.equals(b, p, p + k, prevKey, 0, k);
      if (same) {
        p += k;
        series = prevSeries;
      } else {
        map.clear();
        p++;
        while (true) {
          p = blanks(b, p, len);
          if (p < len && b[p] == '}') {
            p++;
            break;
          }
          int ns = p;
          String name;
          if (p < len && b[p] == '"') {
            p = quoted(b, p, len);
            if (p < 0) {
              return false;
            }
            name = text;
          } else {
            while (p < len && b[p] != '=' && b[p] != ' ' && b[p] != ',' && b[p] != '}') {
              p++;
            }
            if (p == ns) {
              return fail(p, "expected a label name");
            }
            name = new String(b, ns, p - ns, StandardCharsets.UTF_8);
          }
          if (p >= len || b[p] != '=') {
            return fail(p, "expected '=' after the label name");
          }
          p++;
          if (p >= len || b[p] != '"') {
            return fail(p, "expected '\"' to open the label value");
          }
          p = quoted(b, p, len);
          if (p < 0) {
            return false;
          }
          if (map.put(name, text) != null) {
            return fail(ns, "duplicate label name '" + name + "'");
          }
          p = blanks(b, p, len);
          if (p < len && b[p] == ',') {
            p++;
          } else if (p >= len || b[p] != '}') {
            return fail(p, "expected ',' or '}' after a label value");
          }
        }
        int kn = p - keyStart;
        if (kn > prevKey.length) {
          prevKey = new byte[Math.max(kn, prevKey.length * 2)];
        }
        System.arraycopy(b, keyStart, prevKey, 0, kn);
        prevKeyLength = kn;
        String name = map.remove("__name__");
        if (name == null) {
          ctx.note("series without __name__ are read with an empty name");
          name = "";
        }
        Labels labels = map.isEmpty() ? Labels.empty() : Labels.of(map);
        series = ctx.series(OpenMetricsRules.familyOf(ctx.telemetry().metrics(), name), name, labels,
            Resource.EMPTY, n);
        prevSeries = series;
      }
      if (p >= len || (b[p] != ' ' && b[p] != '\t')) {
        return fail(p, "expected a space and a value after the label set");
      }
      p = blanks(b, p, len);
      if (p < len && b[p] == '{') {
        ctx.note("native histogram samples are not read; classic _bucket series are");
        return true;
      }
      int vs = p;
      while (p < len && b[p] != ' ' && b[p] != '\t') {
        p++;
      }
      if (!PromNumber.isValue(b, vs, p)) {
        return fail(vs, "invalid value '" + SampleLine.show(b, vs, p) + "': expected a number as Go's %g prints it");
      }
      double value = PromNumber.value(b, vs, p);
      p = blanks(b, p, len);
      int ts = p;
      while (p < len && b[p] != ' ' && b[p] != '\t') {
        p++;
      }
      if (p == ts) {
        return fail(p, "expected a timestamp in milliseconds after the value");
      }
      if (!PromNumber.isInteger(b, ts, p)) {
        return fail(ts, "invalid timestamp '" + SampleLine.show(b, ts, p) + "': expected integer milliseconds");
      }
      long time = PromNumber.scaled(b, ts, p, 6);
      if (blanks(b, p, len) != len) {
        return fail(p, "unexpected text after the timestamp");
      }
      if (series != null) {
        if (PromNumber.clamped(time)) {
          ctx.note("timestamps outside the years 1677 to 2262 were clamped to that range");
        }
        ctx.sample(series, time, value);
      }
      return true;
    }

    private static boolean octal(byte c) {
      return c >= '0' && c <= '7';
    }

    /** The byte a one-letter Go escape stands for, or -1. */
    private static int simpleEscape(byte e) {
      switch (e) {
        case 'a':
          return 7;
        case 'b':
          return '\b';
        case 'f':
          return '\f';
        case 'n':
          return '\n';
        case 'r':
          return '\r';
        case 't':
          return '\t';
        case 'v':
          return 11;
        case '\\':
        case '"':
        case '\'':
          return e;
        default:
          return -1;
      }
    }

    /**
     * A Go-quoted string at {@code b[p] == '"'} into {@link #text}: {@code \a \b \f \n \r \t \v
     * \\ \" \'}, {@code \xHH} (a byte), {@code \ooo}, <code>&#92;uHHHH</code>, {@code \UHHHHHHHH}. Returns
     * the index after the closing quote, or -1 with the error set.
     */
    private int quoted(byte[] b, int p, int len) {
      int start = p;
      p++;
      int n = 0;
      while (true) {
        if (p >= len) {
          fail(start, "unterminated quoted string: expected a closing '\"'");
          return -1;
        }
        byte c = b[p];
        if (c == '"') {
          break;
        }
        if (n + 4 > scratch.length) {
          scratch = Arrays.copyOf(scratch, scratch.length * 2);
        }
        if (c != '\\') {
          scratch[n++] = c;
          p++;
          continue;
        }
        if (p + 1 >= len) {
          fail(p, "unterminated escape");
          return -1;
        }
        byte e = b[p + 1];
        p += 2;
        int simple = simpleEscape(e);
        int hex = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
        if (simple >= 0) {
          scratch[n++] = (byte) simple;
        } else if (hex == 0) {
          if (!octal(e) || p + 1 >= len || !octal(b[p]) || !octal(b[p + 1])) {
            fail(p - 2, "unknown escape \\" + (char) e + " in a quoted string");
            return -1;
          }
          scratch[n++] = (byte) (((e - '0') << 6) | ((b[p] - '0') << 3) | (b[p + 1] - '0'));
          p += 2;
        }
        if (hex > 0) {
          if (p + hex > len) {
            fail(p - 2, "truncated \\" + (char) e + " escape");
            return -1;
          }
          int v = 0;
          for (int i = 0; i < hex; i++) {
            int d = Character.digit(b[p + i], 16);
            if (d < 0) {
              fail(p + i, "invalid hex digit in \\" + (char) e + " escape");
              return -1;
            }
            v = (v << 4) | d;
          }
          p += hex;
          if (e == 'x') {
            scratch[n++] = (byte) v;
          } else {
            if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
              fail(p - hex - 2, "invalid code point in \\" + (char) e + " escape");
              return -1;
            }
            byte[] u = new String(Character.toChars(v)).getBytes(StandardCharsets.UTF_8);
            System.arraycopy(u, 0, scratch, n, u.length);
            n += u.length;
          }
        }
      }
      text = new String(scratch, 0, n, StandardCharsets.UTF_8);
      return p + 1;
    }
  }
}
