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

  static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
