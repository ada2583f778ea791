package dev.traceguard.analyzers.report.html;

import dev.traceguard.analyzers.report.Finding;
import dev.traceguard.analyzers.report.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Small SVG charts shared by the page's sections. */
final class Charts {
  private Charts() {}

  /** Horizontal bars: findings per rule (listed plus counted-only), coloured by severity. */
  static void ruleBars(List<Finding> findings, Map<String, Long> suppressed, Html h) {
    Map<String, long[]> perRule = new LinkedHashMap<>();
    Map<String, Severity> severity = new LinkedHashMap<>();
    for (Finding f : findings) {
      perRule.computeIfAbsent(f.rule(), k -> new long[1])[0]++;
      severity.putIfAbsent(f.rule(), f.severity());
    }
    for (Map.Entry<String, long[]> e : perRule.entrySet()) {
      e.getValue()[0] += suppressed.getOrDefault(e.getKey(), 0L);
    }
    List<Map.Entry<String, long[]>> rows = new ArrayList<>(perRule.entrySet());
    rows.sort((a, b) -> {
      int c = severity.get(a.getKey()).compareTo(severity.get(b.getKey()));
      return c != 0 ? c : Long.compare(b.getValue()[0], a.getValue()[0]);
    });
    long max = 1;
    for (Map.Entry<String, long[]> e : rows) {
      max = Math.max(max, e.getValue()[0]);
    }
    int labelW = 220;
    int barW = 520;
    int rowH = 22;
    int height = rows.size() * rowH + 8;
    h.open("figure", "class", "rule-bars").element("figcaption", "Findings per rule");
    h.open("svg", "xmlns", "http://www.w3.org/2000/svg", "width", Integer.toString(labelW + barW + 80),
        "height", Integer.toString(height), "role", "img", "aria-label", "findings per rule");
    int y = 4;
    for (Map.Entry<String, long[]> e : rows) {
      long n = e.getValue()[0];
      double w = Math.max(2, barW * (double) n / max);
      String sev = severity.get(e.getKey()).id();
      h.element("text", e.getKey(), "x", Integer.toString(labelW - 8), "y", Integer.toString(y + 15),
          "text-anchor", "end");
      h.open("rect", "class", "bar-" + sev, "x", Integer.toString(labelW), "y", Integer.toString(y + 3),
          "width", fmt(w), "height", Integer.toString(rowH - 6), "rx", "2")
          .element("title", e.getKey() + ": " + n + " (" + sev + ")").close("rect");
      h.element("text", n, "x", fmt(labelW + w + 6), "y", Integer.toString(y + 15));
      y += rowH;
    }
    h.close("svg").close("figure");
  }

  /** Series colours shared by the sections' charts. */
  static final String[] PALETTE = {
    "#4e79a7", "#59a14f", "#9c755f", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#bab0ac"
  };

  /**
   * About {@code n} round tick values (1, 2 or 5 times a power of ten apart) covering
   * {@code [lo, hi]}, all inside it.
   */
  static double[] ticks(double lo, double hi, int n) {
    if (!(hi > lo) || !Double.isFinite(lo) || !Double.isFinite(hi)) {
      return new double[] {lo};
    }
    double raw = (hi - lo) / Math.max(1, n);
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double f = raw / mag;
    double step = (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
    double first = Math.ceil(lo / step - 1e-9) * step;
    List<Double> out = new ArrayList<>();
    for (double t = first; t <= hi + step * 1e-9 && out.size() < 50; t += step) {
      out.add(Math.abs(t) < step * 1e-9 ? 0 : t);
    }
    double[] a = new double[out.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = out.get(i);
    }
    return a;
  }

  /** A tick label: up to four significant digits, no exponent for everyday magnitudes. */
  static String tickLabel(double v) {
    if (v == 0) {
      return "0";
    }
    double a = Math.abs(v);
    if (a >= 1e6 || a < 1e-3) {
      return String.format(Locale.ROOT, "%.2g", v);
    }
    String s = new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros()
        .toPlainString();
    return s;
  }

  /** Bytes for a label: {@code 15.9 GiB}, {@code 410 MiB}. */
  static String bytes(double b) {
    double a = Math.abs(b);
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    int u = 0;
    while (a >= 1024 && u < units.length - 1) {
      a /= 1024;
      b /= 1024;
      u++;
    }
    return (a >= 100 || u == 0 ? String.format(Locale.ROOT, "%.0f", b) : String.format(Locale.ROOT, "%.1f", b))
        + " " + units[u];
  }

  /** A finite number from evidence, or NaN. */
  static double num(Object o) {
    if (o instanceof Number) {
      double d = ((Number) o).doubleValue();
      return Double.isFinite(d) ? d : Double.NaN;
    }
    return Double.NaN;
  }

  /** Text cut to {@code max} characters with an ellipsis. */
  static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, Math.max(1, max - 1)) + "…";
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
