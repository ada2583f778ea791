package dev.traceguard.analyzers.io.prom;

import dev.traceguard.analyzers.model.Labels;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.TreeMap;

/**
 * The lexer for one sample line, {@code name{labels} value [timestamp] [# {labels} value [ts]]}.
 * Strict follows the OpenMetrics 1.0 ABNF to the byte (single spaces, no trailing comma); lenient
 * takes what Prometheus' text parser takes (any blanks, a trailing comma) and also the quoted
 * names of Prometheus 3 ({@code {"my.metric","a.b"="x"}}). It never throws on bad input: {@link
 * #parse} returns false with {@link #error} and {@link #errorColumn} set.
 */
final class SampleLine {
  /** Exemplar label sets longer than this many code points are invalid (OpenMetrics 1.0). */
  static final int MAX_EXEMPLAR_CODE_POINTS = 128;

  private final boolean strict;

  // Results of the last parse.
  String name;
  Labels labels;
  double value;
  /** True when the sample has a timestamp, in {@code line[tsStart, tsEnd)}. */
  boolean hasTimestamp;
  int tsStart;
  int tsEnd;
  /** True when the timestamp is an integer (a text-format millisecond value, or whole seconds). */
  boolean integerTimestamp;
  boolean hasExemplar;
  /** True when the name and labels were those of the previous line, so the same series. */
  boolean sameSeries;
  String error;
  int errorColumn;

  // The previous line's name and labels, for the common dump shape where a series' samples follow
  // one another: when the line starts with the same bytes, nothing needs building again.
  private byte[] prevKey = new byte[256];
  private int prevKeyLength = -1;
  private String prevName;
  private Labels prevLabels;

  private final TreeMap<String, String> map = new TreeMap<>();
  private byte[] scratch = new byte[256];
  private int exemplarCodePoints;

  SampleLine(boolean strict) {
    this.strict = strict;
  }

  /** Forgets the previous series (after a line that changed what a name means). */
  void forgetPrevious() {
    prevKeyLength = -1;
  }

  private boolean fail(int at, String message) {
    error = message;
    errorColumn = at + 1;
    return false;
  }

  private static boolean blank(byte c) {
    return c == ' ' || c == '\t';
  }

  private int skipBlanks(byte[] b, int p, int len) {
    if (strict) {
      return p;
    }
    while (p < len && blank(b[p])) {
      p++;
    }
    return p;
  }

  static boolean nameStart(byte c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
  }

  static boolean nameChar(byte c) {
    return nameStart(c) || (c >= '0' && c <= '9');
  }

  private static boolean labelStart(byte c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }

  private static boolean labelChar(byte c) {
    return labelStart(c) || (c >= '0' && c <= '9');
  }

  /** Lexes {@code b[0, len)}; false with {@link #error} set when it is not a sample line. */
  boolean parse(byte[] b, int len) {
    error = null;
    hasTimestamp = false;
    hasExemplar = false;
    sameSeries = false;
    int p = skipBlanks(b, 0, len);
    int keyStart = p;
    int k = prevKeyLength;
    if (k > 0 && p + k < len && blank(b[p + k])
        && Arrays.equals(b, p, p + k, prevKey, 0, k)
        && (prevKey[k - 1] == '}' || !opensLabels(b, p + k, len))) {
      name = prevName;
      labels = prevLabels;
      sameSeries = true;
      p += k;
    } else {
      name = null;
      map.clear();
      if (p < len && b[p] == '{' && !strict) {
        p = labelSet(b, p, len, false);
        if (p < 0) {
          return false;
        }
        if (name == null) {
          return fail(keyStart, "expected a metric name before '{' or as the first quoted name inside it");
        }
      } else {
        int s = p;
        if (p < len && nameStart(b[p])) {
          p++;
          while (p < len && nameChar(b[p])) {
            p++;
          }
        }
        if (p == s) {
          return fail(p, "expected a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)");
        }
        name = new String(b, s, p - s, StandardCharsets.ISO_8859_1);
        int q = skipBlanks(b, p, len);
        if (q < len && b[q] == '{') {
          // The text format lets blanks stand between the name and its labels.
          p = q;
        }
        if (p < len && b[p] == '{') {
          p = labelSet(b, p, len, false);
          if (p < 0) {
            return false;
          }
        }
      }
      labels = map.isEmpty() ? Labels.empty() : Labels.of(map);
      int n = p - keyStart;
      if (n > prevKey.length) {
        prevKey = new byte[Math.max(n, prevKey.length * 2)];
      }
      System.arraycopy(b, keyStart, prevKey, 0, n);
      prevKeyLength = n;
      prevName = name;
      prevLabels = labels;
    }
    // The value.
    if (p >= len) {
      return fail(p, "expected a space and a value after the metric name and labels");
    }
    if (!blank(b[p]) || (strict && b[p] != ' ')) {
      return fail(p, nameStart(b[p]) || b[p] == '.' || b[p] == '-'
          ? "invalid character '" + (char) b[p] + "' in metric name"
          : "expected a space before the value");
    }
    p = skipBlanks(b, p + 1, len);
    int vs = p;
    p = token(b, p, len);
    if (p == vs) {
      return fail(p, "expected a value");
    }
    if (b[vs] == '{') {
      return fail(vs, "OpenMetrics 2.0 composite values (native histograms) are not supported");
    }
    if (!PromNumber.isValue(b, vs, p)) {
      return fail(vs, "invalid value '" + show(b, vs, p)
          + "': expected a decimal number, +Inf, -Inf or NaN");
    }
    value = PromNumber.value(b, vs, p);
    if (p == len) {
      return true;
    }
    // The timestamp and the exemplar.
    p = skipBlanks(b, p + 1, len);
    if (!strict && p == len) {
      return true;
    }
    if (p < len && b[p] == '#') {
      return exemplar(b, p, len);
    }
    int ts = p;
    p = token(b, p, len);
    if (p == ts) {
      return fail(p, "expected a timestamp");
    }
    if (!PromNumber.isReal(b, ts, p)) {
      return fail(ts, "invalid timestamp '" + show(b, ts, p) + "': expected a decimal number"
          + (strict ? " of seconds" : " (milliseconds in the text format, seconds in OpenMetrics)"));
    }
    hasTimestamp = true;
    tsStart = ts;
    tsEnd = p;
    integerTimestamp = PromNumber.isInteger(b, ts, p);
    if (p == len) {
      return true;
    }
    p = skipBlanks(b, p + 1, len);
    if (!strict && p == len) {
      return true;
    }
    if (p < len && b[p] == '#') {
      return exemplar(b, p, len);
    }
    return fail(p, "unexpected text after the timestamp; expected an exemplar (' # {...} value') or the end of the line");
  }

  /** True when a label set follows the blanks at {@code p} (lenient: {@code name {labels}}). */
  private boolean opensLabels(byte[] b, int p, int len) {
    p = skipBlanks(b, p, len);
    return p < len && b[p] == '{';
  }

  /** The end of a token starting at {@code p}: the next space (any blank when lenient) or the end. */
  private int token(byte[] b, int p, int len) {
    while (p < len && b[p] != ' ' && (strict || b[p] != '\t')) {
      p++;
    }
    return p;
  }

  private boolean exemplar(byte[] b, int p, int len) {
    p++;
    if (strict) {
      if (p >= len || b[p] != ' ') {
        return fail(p, "expected ' ' after '#' of an exemplar");
      }
      p++;
    } else {
      p = skipBlanks(b, p, len);
    }
    if (p >= len || b[p] != '{') {
      return fail(p, "expected '{' to open the exemplar's labels");
    }
    exemplarCodePoints = 0;
    p = labelSet(b, p, len, true);
    if (p < 0) {
      return false;
    }
    if (exemplarCodePoints > MAX_EXEMPLAR_CODE_POINTS) {
      return fail(p - 1, "exemplar labels hold " + exemplarCodePoints + " code points; at most "
          + MAX_EXEMPLAR_CODE_POINTS + " are allowed");
    }
    if (p >= len || !blank(b[p]) || (strict && b[p] != ' ')) {
      return fail(p, "expected a space and a value after the exemplar's labels");
    }
    p = skipBlanks(b, p + 1, len);
    int vs = p;
    p = token(b, p, len);
    if (p == vs || !PromNumber.isValue(b, vs, p)) {
      return fail(vs, "invalid exemplar value '" + show(b, vs, p) + "'");
    }
    hasExemplar = true;
    if (p == len) {
      return true;
    }
    p = skipBlanks(b, p + 1, len);
    if (!strict && p == len) {
      return true;
    }
    int ts = p;
    p = token(b, p, len);
    if (p == ts || !PromNumber.isReal(b, ts, p)) {
      return fail(ts, "invalid exemplar timestamp '" + show(b, ts, p) + "'");
    }
    p = skipBlanks(b, p, len);
    if (p != len) {
      return fail(p, "unexpected text after the exemplar");
    }
    return true;
  }

  /**
   * Lexes {@code {name="value",...}} at {@code b[p] == '{'}; returns the index after {@code }} or
   * -1 with the error set. Sample labels go to {@link #map}; exemplar labels are only counted.
   */
  private int labelSet(byte[] b, int p, int len, boolean exemplar) {
    p++;
    boolean first = true;
    while (true) {
      p = skipBlanks(b, p, len);
      if (p >= len) {
        fail(p, "unterminated label set: expected '}'");
        return -1;
      }
      if (b[p] == '}') {
        if (strict && !first) {
          fail(p, "a trailing comma is not allowed before '}'");
          return -1;
        }
        return p + 1;
      }
      int ns = p;
      String lname;
      boolean quotedName = false;
      if (b[p] == '"' && !strict && !exemplar) {
        p = quoted(b, p, len);
        if (p < 0) {
          return -1;
        }
        lname = lastQuoted;
        quotedName = true;
      } else {
        if (!labelStart(b[p])) {
          fail(p, "expected a label name ([a-zA-Z_][a-zA-Z0-9_]*)");
          return -1;
        }
        p++;
        while (p < len && labelChar(b[p])) {
          p++;
        }
        lname = exemplar ? null : new String(b, ns, p - ns, StandardCharsets.ISO_8859_1);
        if (exemplar) {
          exemplarCodePoints += p - ns;
        }
      }
      p = skipBlanks(b, p, len);
      if (quotedName && p < len && (b[p] == ',' || b[p] == '}')) {
        // Prometheus 3: a lone quoted string is the metric name.
        if (name != null) {
          fail(ns, "the metric name is given twice");
          return -1;
        }
        name = lname;
      } else {
        if (p >= len || b[p] != '=') {
          fail(p, "expected '=' after the label name");
          return -1;
        }
        p = skipBlanks(b, p + 1, len);
        if (p >= len || b[p] != '"') {
          fail(p, "expected '\"' to open the label value");
          return -1;
        }
        p = quoted(b, p, len);
        if (p < 0) {
          return -1;
        }
        if (exemplar) {
          exemplarCodePoints += lastQuoted.codePointCount(0, lastQuoted.length());
        } else if (map.put(lname, lastQuoted) != null) {
          fail(ns, "duplicate label name '" + lname + "'");
          return -1;
        }
        p = skipBlanks(b, p, len);
      }
      first = false;
      if (p < len && b[p] == ',') {
        p++;
        continue;
      }
      if (p < len && b[p] == '}') {
        return p + 1;
      }
      fail(p, "expected ',' or '}' after a label value");
      return -1;
    }
  }

  private String lastQuoted;

  /**
   * Reads a quoted string at {@code b[p] == '"'} into {@link #lastQuoted}, unescaping {@code \\},
   * {@code \"} and {@code \n}; any other backslash stays as written, as both formats say. Returns
   * the index after the closing quote, or -1.
   */
  private int quoted(byte[] b, int p, int len) {
    int s = ++p;
    boolean escapes = false;
    while (p < len && b[p] != '"') {
      if (b[p] == '\\') {
        escapes = true;
        p++;
      }
      p++;
    }
    if (p >= len) {
      fail(s - 1, "unterminated quoted string: expected a closing '\"'");
      return -1;
    }
    if (!escapes) {
      lastQuoted = new String(b, s, p - s, StandardCharsets.UTF_8);
      return p + 1;
    }
    if (scratch.length < p - s) {
      scratch = new byte[p - s];
    }
    int n = 0;
    for (int i = s; i < p; i++) {
      byte c = b[i];
      if (c == '\\') {
        byte d = b[i + 1];
        if (d == 'n') {
          scratch[n++] = '\n';
          i++;
          continue;
        }
        if (d == '\\' || d == '"') {
          scratch[n++] = d;
          i++;
          continue;
        }
      }
      scratch[n++] = c;
    }
    lastQuoted = new String(scratch, 0, n, StandardCharsets.UTF_8);
    return p + 1;
  }

  /** A token for an error message, shortened and made printable. */
  static String show(byte[] b, int s, int e) {
    StringBuilder sb = new StringBuilder();
    for (int i = s; i < e && sb.length() < 40; i++) {
      char c = (char) (b[i] & 0xff);
      if (c < 0x20 || c >= 0x7f) {
        sb.append(String.format("\\x%02x", (int) c));
      } else {
        sb.append(c);
      }
    }
    if (e - s > 40) {
      sb.append("...");
    }
    return sb.toString();
  }
}
