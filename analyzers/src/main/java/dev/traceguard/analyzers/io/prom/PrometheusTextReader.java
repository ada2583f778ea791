package dev.traceguard.analyzers.io.prom;

import dev.traceguard.analyzers.io.FormatReader;
import dev.traceguard.analyzers.io.ReadContext;
import dev.traceguard.analyzers.model.MetricSeries;
import dev.traceguard.analyzers.model.MetricType;
import dev.traceguard.analyzers.model.Resource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the Prometheus text exposition format 0.0.4 and OpenMetrics 1.0 text, line by line: a
 * scrape ({@code curl /metrics}), or a history with many timestamped samples per series as {@code
 * promtool tsdb dump-openmetrics} writes it.
 *
 * <p>{@link #lenient()} (the default) reads what Prometheus' own parsers read; a bad line is
 * reported and skipped and the rest is still read, and OpenMetrics rules the input breaks are
 * reported as notes. The dialect is detected from the input ({@code # EOF}, {@code # UNIT},
 * OpenMetrics-only types, fractional timestamps, exemplars): it decides whether integer
 * timestamps are milliseconds (text format) or seconds (OpenMetrics).
 *
 * <p>{@link #strict()} validates OpenMetrics 1.0 exactly: every deviation, of the grammar or of
 * the rules on families, values and ordering, is a read error.
 */
public final class PrometheusTextReader implements FormatReader {
  private final boolean strict;

  /** A lenient reader, as {@link #lenient()}. */
  public PrometheusTextReader() {
    this(false);
  }

  /**
   * A reader.
   *
   * @param strict true to validate OpenMetrics 1.0 exactly, false to read as leniently as
   *     Prometheus does
   */
  public PrometheusTextReader(boolean strict) {
    this.strict = strict;
  }

  /** A reader that validates OpenMetrics 1.0 exactly: any deviation is a read error. */
  public static PrometheusTextReader strict() {
    return new PrometheusTextReader(true);
  }

  /** A reader that reads what Prometheus reads and notes the OpenMetrics rules broken. */
  public static PrometheusTextReader lenient() {
    return new PrometheusTextReader(false);
  }

  @Override
  public void read(InputStream in, ReadContext ctx) throws IOException {
    new Run(strict, ctx).read(in);
  }

  /** Index of the first byte that is not well-formed UTF-8 in {@code b[0, len)}, or -1. */
  static int invalidUtf8(byte[] b, int len) {
    int i = 0;
    while (i < len) {
      int c = b[i] & 0xff;
      if (c < 0x80) {
        i++;
        continue;
      }
      int n;
      int min;
      if (c >= 0xc2 && c <= 0xdf) {
        n = 1;
        min = 0x80;
      } else if (c >= 0xe0 && c <= 0xef) {
        n = 2;
        min = 0x800;
      } else if (c >= 0xf0 && c <= 0xf4) {
        n = 3;
        min = 0x10000;
      } else {
        return i;
      }
      if (i + n >= len) {
        return i;
      }
      int cp = c & (0x3f >> n);
      for (int k = 1; k <= n; k++) {
        int d = b[i + k] & 0xff;
        if ((d & 0xc0) != 0x80) {
          return i;
        }
        cp = (cp << 6) | (d & 0x3f);
      }
      if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        return i;
      }
      i += n + 1;
    }
    return -1;
  }

  /** The state of one read. */
  private static final class Run {
    private static final int UNDECIDED = 0;
    private static final int TEXT = 1;
    private static final int OPENMETRICS = 2;
    /** Samples held back while it is unknown whether integer timestamps are ms or seconds. */
    private static final int MAX_PENDING = 1 << 16;
    /** An integer timestamp this large is milliseconds: as seconds it would be past year 5000. */
    private static final double SURELY_MILLIS = 1e11;

    private final boolean strict;
    private final ReadContext ctx;
    private final OpenMetricsRules rules;
    private final SampleLine lexer;
    private int dialect;
    private boolean eofSeen;
    private boolean anyEof;
    private MetricSeries prevSeries;
    private String prevFamily;

    private MetricSeries[] pendingSeries = new MetricSeries[0];
    private long[] pendingSeconds = new long[0];
    private long[] pendingMillis = new long[0];
    private double[] pendingValues = new double[0];
    private int pending;

    Run(boolean strict, ReadContext ctx) {
      this.strict = strict;
      this.ctx = ctx;
      this.rules = new OpenMetricsRules(strict, ctx);
      this.lexer = new SampleLine(strict);
      this.dialect = strict ? OPENMETRICS : UNDECIDED;
    }

    void read(InputStream in) throws IOException {
      ctx.summary().format(strict ? "openmetrics" : "prometheus-text");
      LineReader lines = new LineReader(in);
      try {
        while (lines.next()) {
          long n = lines.number;
          if (strict && eofSeen) {
            ctx.error(n, 1, -1, "text after # EOF; # EOF must be the last line");
            break;
          }
          if (lines.tooLong) {
            ctx.error(n, 0, -1, "line longer than " + LineReader.MAX_LINE + " bytes; skipped");
            continue;
          }
          line(n, lines.line, lines.length);
        }
        if (strict && !eofSeen) {
          ctx.error(Math.max(1, lines.number), 0, -1,
              "missing # EOF: an OpenMetrics exposition must end with a # EOF line");
        }
      } finally {
        // Keep what was read even when the input broke off.
        rules.endExposition();
        if (dialect == UNDECIDED) {
          decide(TEXT, pending == 0 ? null : "integer timestamps were read as milliseconds (Prometheus text format): nothing in the"
              + " input marked it as OpenMetrics, whose timestamps are seconds");
        }
        if (!strict && dialect == OPENMETRICS && !anyEof) {
          ctx.note("OpenMetrics input without a final # EOF line: it may have been cut short");
        }
        if (!strict) {
          ctx.summary().format(dialect == OPENMETRICS ? "openmetrics" : "prometheus-text");
        }
      }
    }

    private void line(long n, byte[] b, int len) {
      if (!strict && len > 0 && b[len - 1] == '\r') {
        len--;
        ctx.note("lines end in CR LF; the CR was ignored");
      }
      int bad = invalidUtf8(b, len);
      if (bad >= 0) {
        ctx.error(n, bad + 1, -1, "invalid UTF-8 byte 0x" + Integer.toHexString(b[bad] & 0xff) + "; line skipped");
        return;
      }
      int p = 0;
      if (!strict) {
        while (p < len && (b[p] == ' ' || b[p] == '\t')) {
          p++;
        }
      }
      if (p == len) {
        if (strict) {
          ctx.error(n, 1, -1, "blank line; OpenMetrics has none");
        }
        return;
      }
      if (eofSeen) {
        // Lenient only: several expositions one after another (cat a.om b.om).
        eofSeen = false;
        ctx.note("text after # EOF at line " + n + " was read as a further exposition");
      }
      if (b[p] == '#') {
        comment(n, b, p, len);
      } else {
        sample(n, b, len);
      }
    }

    // ---- comments and metadata

    private void comment(long n, byte[] b, int p, int len) {
      int q = p + 1;
      if (strict) {
        if (len == 5 && b[1] == ' ' && b[2] == 'E' && b[3] == 'O' && b[4] == 'F') {
          eof();
          return;
        }
        String kw = len >= 7 && b[1] == ' ' && b[6] == ' ' ? new String(b, 2, 4, StandardCharsets.ISO_8859_1) : "";
        if (!kw.equals("HELP") && !kw.equals("TYPE") && !kw.equals("UNIT")) {
          ctx.error(n, 1, -1, "expected '# HELP', '# TYPE', '# UNIT' or '# EOF'; OpenMetrics has no other comments");
          return;
        }
        metadata(n, b, 7, len, kw);
        return;
      }
      q = blanks(b, q, len);
      int ks = q;
      while (q < len && b[q] != ' ' && b[q] != '\t') {
        q++;
      }
      String kw = new String(b, ks, q - ks, StandardCharsets.ISO_8859_1);
      q = blanks(b, q, len);
      if (kw.equals("EOF") && q == len) {
        eof();
      } else if (kw.equals("HELP") || kw.equals("TYPE") || kw.equals("UNIT")) {
        metadata(n, b, q, len, kw);
      }
      // Anything else is a free comment, which the text format allows.
    }

    private int blanks(byte[] b, int p, int len) {
      while (p < len && (b[p] == ' ' || b[p] == '\t')) {
        p++;
      }
      return p;
    }

    private void eof() {
      eofSeen = true;
      anyEof = true;
      hint(OPENMETRICS);
      rules.endExposition();
      lexer.forgetPrevious();
      prevSeries = null;
    }

    private void metadata(long n, byte[] b, int p, int len, String kw) {
      int s = p;
      String name;
      if (!strict && p < len && b[p] == '"') {
        int e = p + 1;
        while (e < len && b[e] != '"') {
          e++;
        }
        if (e == len) {
          ctx.error(n, p + 1, -1, "unterminated quoted metric name");
          return;
        }
        name = new String(b, p + 1, e - p - 1, StandardCharsets.UTF_8);
        p = e + 1;
      } else {
        if (p < len && SampleLine.nameStart(b[p])) {
          p++;
          while (p < len && SampleLine.nameChar(b[p])) {
            p++;
          }
        }
        if (p == s) {
          ctx.error(n, p + 1, -1, "expected a metric name after # " + kw);
          return;
        }
        name = new String(b, s, p - s, StandardCharsets.ISO_8859_1);
      }
      if (strict) {
        if (p == len || b[p] != ' ') {
          ctx.error(n, p + 1, -1, p == len
              ? "expected a space and the " + what(kw) + " after the metric name"
              : "invalid character in metric name, or expected a single space");
          return;
        }
        p++;
      } else {
        if (p < len && b[p] != ' ' && b[p] != '\t') {
          ctx.error(n, p + 1, -1, "invalid character in metric name after # " + kw);
          return;
        }
        p = blanks(b, p, len);
      }
      lexer.forgetPrevious();
      prevSeries = null;
      switch (kw) {
        case "HELP":
          rules.help(n, name, unescapeHelp(b, p, len));
          break;
        case "UNIT": {
          int e = len;
          if (!strict) {
            while (e > p && (b[e - 1] == ' ' || b[e - 1] == '\t')) {
              e--;
            }
          }
          for (int i = p; i < e; i++) {
            if (!SampleLine.nameChar(b[i])) {
              ctx.error(n, i + 1, -1, "invalid character in unit; expected [a-zA-Z0-9_:]");
              return;
            }
          }
          hint(OPENMETRICS);
          rules.unit(n, name, new String(b, p, e - p, StandardCharsets.ISO_8859_1));
          break;
        }
        default: {
          int e = len;
          if (!strict) {
            while (e > p && (b[e - 1] == ' ' || b[e - 1] == '\t')) {
              e--;
            }
          }
          String word = new String(b, p, e - p, StandardCharsets.ISO_8859_1);
          if (word.isEmpty()) {
            ctx.error(n, p + 1, -1, "expected a metric type after the metric name");
            return;
          }
          MetricType t = MetricType.ofName(word);
          if (strict && (t == null || word.equals("untyped") || !word.equals(t.expositionName()))) {
            ctx.error(n, p + 1, -1, "unknown metric type '" + word + "'; expected counter, gauge, histogram,"
                + " gaugehistogram, stateset, info, summary or unknown");
            return;
          }
          if (t == null) {
            ctx.error(n, p + 1, -1, "unknown metric type '" + word + "'; expected counter, gauge, histogram,"
                + " summary or untyped (or an OpenMetrics type)");
            return;
          }
          if (word.equalsIgnoreCase("untyped")) {
            hint(TEXT);
          } else if (t == MetricType.GAUGE_HISTOGRAM || t == MetricType.STATESET || t == MetricType.INFO
              || t == MetricType.UNKNOWN) {
            hint(OPENMETRICS);
          }
          rules.type(n, name, t);
          break;
        }
      }
    }

    private static String what(String kw) {
      return kw.equals("HELP") ? "help text" : kw.equals("TYPE") ? "type" : "unit";
    }

    /** HELP text: {@code \\} and {@code \n} are escapes in both formats, {@code \"} in OpenMetrics. */
    private String unescapeHelp(byte[] b, int p, int len) {
      boolean quote = dialect != TEXT;
      byte[] out = null;
      int n = 0;
      for (int i = p; i < len; i++) {
        byte c = b[i];
        if (c == '\\' && i + 1 < len) {
          byte d = b[i + 1];
          byte r = d == 'n' ? (byte) '\n' : d == '\\' ? (byte) '\\' : d == '"' && quote ? (byte) '"' : 0;
          if (r != 0) {
            if (out == null) {
              out = Arrays.copyOfRange(b, p, len);
              n = i - p;
            }
            out[n++] = r;
            i++;
            continue;
          }
        }
        if (out != null) {
          out[n++] = c;
        }
      }
      return out == null
          ? new String(b, p, len - p, StandardCharsets.UTF_8)
          : new String(out, 0, n, StandardCharsets.UTF_8);
    }

    // ---- samples

    private void sample(long n, byte[] b, int len) {
      if (!lexer.parse(b, len)) {
        ctx.error(n, lexer.errorColumn, -1, lexer.error);
        return;
      }
      if (lexer.hasExemplar) {
        hint(OPENMETRICS);
      }
      double raw = Double.NaN;
      boolean integer = false;
      if (lexer.hasTimestamp) {
        integer = lexer.integerTimestamp;
        raw = PromNumber.value(b, lexer.tsStart, lexer.tsEnd);
        if (!integer) {
          hint(OPENMETRICS);
        } else if (Math.abs(raw) >= SURELY_MILLIS) {
          hint(TEXT);
        }
      }
      String family = rules.sample(n, lexer.name, lexer.labels, lexer.value, raw, lexer.hasExemplar);
      MetricSeries s = lexer.sameSeries && prevSeries != null && family.equals(prevFamily)
          ? prevSeries
          : ctx.series(family, lexer.name, lexer.labels, Resource.EMPTY, n);
      prevSeries = s;
      prevFamily = family;
      if (s == null) {
        return;
      }
      if (!lexer.hasTimestamp) {
        add(s, MetricSeries.NO_TIMESTAMP, MetricSeries.NO_TIMESTAMP, lexer.value);
        return;
      }
      long seconds = PromNumber.scaled(b, lexer.tsStart, lexer.tsEnd, 9);
      long millis = integer ? PromNumber.scaled(b, lexer.tsStart, lexer.tsEnd, 6) : seconds;
      add(s, seconds, millis, lexer.value);
    }

    /** Stores a point, or holds it back while the unit of integer timestamps is undecided. */
    private void add(MetricSeries s, long seconds, long millis, double value) {
      if (dialect == UNDECIDED && (pending > 0 || seconds != millis)) {
        if (pending == MAX_PENDING) {
          decide(TEXT, "integer timestamps were read as milliseconds (Prometheus text format): the first "
              + MAX_PENDING + " samples did not show the input to be OpenMetrics");
        } else {
          if (pending == pendingSeries.length) {
            int cap = Math.max(64, pending * 2);
            pendingSeries = Arrays.copyOf(pendingSeries, cap);
            pendingSeconds = Arrays.copyOf(pendingSeconds, cap);
            pendingMillis = Arrays.copyOf(pendingMillis, cap);
            pendingValues = Arrays.copyOf(pendingValues, cap);
          }
          pendingSeries[pending] = s;
          pendingSeconds[pending] = seconds;
          pendingMillis[pending] = millis;
          pendingValues[pending] = value;
          pending++;
          return;
        }
      }
      emit(s, dialect == TEXT ? millis : seconds, value);
    }

    private void emit(MetricSeries s, long t, double value) {
      if (t != MetricSeries.NO_TIMESTAMP && PromNumber.clamped(t)) {
        ctx.note("timestamps outside the years 1677 to 2262 were clamped to that range");
      }
      ctx.sample(s, t, value);
    }

    /** Learns the dialect from a sign in the input; the first sign wins. */
    private void hint(int d) {
      if (dialect == UNDECIDED) {
        decide(d, null);
      }
    }

    private void decide(int d, String note) {
      dialect = d;
      if (d == OPENMETRICS) {
        rules.openMetrics();
      } else {
        rules.textFormat();
      }
      if (note != null) {
        ctx.note(note);
      }
      for (int i = 0; i < pending; i++) {
        emit(pendingSeries[i], d == TEXT ? pendingMillis[i] : pendingSeconds[i], pendingValues[i]);
      }
      pending = 0;
      pendingSeries = new MetricSeries[0];
      pendingSeconds = new long[0];
      pendingMillis = new long[0];
      pendingValues = new double[0];
    }
  }
}
