package dev.traceguard.analyzers.report.html;

import dev.traceguard.analyzers.model.Telemetry;
import dev.traceguard.analyzers.report.Finding;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Charts for the {@code drift} analyzer: per finding, the reference and current distributions
 * overlaid, with the test's statistic printed. Numbers (latency, numeric attributes) are drawn from
 * the finding's {@code histogram} evidence as two overlaid step areas with both medians marked;
 * categories and histogram buckets from {@code referenceDistribution}/{@code currentDistribution}
 * as paired horizontal bars.
 */
final class DriftSection implements HtmlSection {
  /** Rules drawn. */
  static final Set<String> RULES = Set.of("latency-drift", "numeric-drift", "categorical-drift", "histogram-drift");
  /** At most this many charts; the rest are listed below as findings. */
  static final int MAX_CHARTS = 24;
  /** At most this many categories per bar chart (those whose share moved most). */
  static final int MAX_CATEGORIES = 16;

  private static final int LEFT = 64;
  private static final int PLOT_W = 600;
  private static final int RIGHT = 250;
  private static final int TOP = 30;
  private static final int PLOT_H = 170;
  private static final int BOTTOM = 38;
  private static final int LABEL_W = 190;
  private static final int BAR_ROW = 26;

  @Override
  public Set<String> plottedEvidence() {
    return Set.of("histogram");
  }

  @Override
  public void render(List<Finding> findings, Telemetry telemetry, Html out) {
    List<Finding> drawn = new ArrayList<>();
    for (Finding f : findings) {
      if (RULES.contains(f.rule()) && drawn.size() < MAX_CHARTS && drawable(f)) {
        drawn.add(f);
      }
    }
    if (drawn.isEmpty()) {
      return;
    }
    out.element("h3", "Distributions, reference and current overlaid");
    for (Finding f : drawn) {
      String[] sides = sides(f);
      out.open("figure", "class", "drift-chart", "data-rule", f.rule());
      out.open("figcaption").element("span", f.severity().id(), "class", "badge sev-" + f.severity().id())
          .text(" ").element("code", f.rule()).text(" " + title(f)).close("figcaption");
      if (f.evidence().get("histogram") instanceof Map) {
        numeric(f, (Map<?, ?>) f.evidence().get("histogram"), sides, out);
      } else {
        categories(f, sides, out);
      }
      out.close("figure");
    }
  }

  private static boolean drawable(Finding f) {
    Object h = f.evidence().get("histogram");
    if (h instanceof Map) {
      Map<?, ?> m = (Map<?, ?>) h;
      return m.get("edges") instanceof List && m.get("reference") instanceof List && m.get("current") instanceof List
          && ((List<?>) m.get("edges")).size() == ((List<?>) m.get("reference")).size() + 1
          && ((List<?>) m.get("reference")).size() == ((List<?>) m.get("current")).size()
          && !((List<?>) m.get("reference")).isEmpty();
    }
    return f.evidence().get("referenceDistribution") instanceof Map
        && f.evidence().get("currentDistribution") instanceof Map
        && !((Map<?, ?>) f.evidence().get("referenceDistribution")).isEmpty();
  }

  /** Names of the two sides: the versions compared, or baseline and current. */
  static String[] sides(Finding f) {
    Object refVersion = f.evidence().get("referenceVersion");
    Object version = f.subject().get("version");
    if (refVersion != null) {
      return new String[] {String.valueOf(refVersion), version == null ? "current" : String.valueOf(version)};
    }
    return new String[] {"baseline", version == null ? "current" : "current (" + version + ")"};
  }

  private static String title(Finding f) {
    StringBuilder sb = new StringBuilder();
    for (String k : new String[] {"field", "metric", "model", "service", "spanName"}) {
      Object v = f.subject().get(k);
      if (v != null && !(k.equals("field") && f.subject().get("metric") != null && "buckets".equals(v))) {
        sb.append(sb.length() == 0 ? "" : " · ").append(k.equals("field") || k.equals("metric") ? "" : k + " ")
            .append(Charts.cut(String.valueOf(v), 80));
      }
    }
    return sb.toString();
  }

  /** The test and its figures in one line, e.g. {@code KS D = 0.635 · p (Bonferroni) = 5.2e-75 · …}. */
  static String statistic(Finding f) {
    Map<String, Object> e = f.evidence();
    List<String> parts = new ArrayList<>();
    String test = String.valueOf(e.get("test"));
    double stat = Charts.num(e.get("statistic"));
    String named;
    switch (test) {
      case "ks":
        named = "KS D";
        break;
      case "chi-square":
        named = "chi²";
        break;
      case "wasserstein":
        named = "normed Wasserstein";
        break;
      case "jensen-shannon":
        named = "Jensen–Shannon distance";
        break;
      default:
        named = test;
    }
    parts.add(named + " = " + (Double.isNaN(stat) ? String.valueOf(e.get("statistic")) : fig(stat)));
    double p = Charts.num(e.get("pValueAdjusted"));
    if (!Double.isNaN(p)) {
      parts.add("p (" + (e.get("correction") == null ? "adjusted" : e.get("correction")) + ") = "
          + fig(p));
    }
    double d = Charts.num(e.get("distance"));
    if (!Double.isNaN(d) && !test.equals("wasserstein") && !test.equals("jensen-shannon")) {
      parts.add(String.valueOf(e.get("distanceName")) + " " + fig(d));
    }
    double psi = Charts.num(e.get("psi"));
    if (!Double.isNaN(psi)) {
      parts.add("PSI " + fig(psi));
    }
    if (e.get("n") instanceof Map) {
      Map<?, ?> n = (Map<?, ?>) e.get("n");
      parts.add("n = " + n.get("reference") + " / " + n.get("current"));
    }
    return String.join(" · ", parts);
  }

  /** Three significant digits; an exponent only for the very small or large. */
  static String fig(double d) {
    if (d == 0) {
      return "0";
    }
    double a = Math.abs(d);
    if (a < 1e-3 || a >= 1e6) {
      return String.format(java.util.Locale.ROOT, "%.2g", d);
    }
    return new java.math.BigDecimal(d).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
  }

  private static double[] doubles(List<?> l) {
    double[] a = new double[l.size()];
    for (int i = 0; i < a.length; i++) {
      double v = Charts.num(l.get(i));
      a[i] = Double.isNaN(v) ? 0 : v;
    }
    return a;
  }

  /** Two overlaid step areas over shared bins, with both medians. */
  private static void numeric(Finding f, Map<?, ?> hist, String[] sides, Html out) {
    double[] edges = doubles((List<?>) hist.get("edges"));
    double[][] shares = {doubles((List<?>) hist.get("reference")), doubles((List<?>) hist.get("current"))};
    String unit = f.evidence().get("unit") == null ? "" : " " + f.evidence().get("unit");
    double lo = edges[0];
    double hi = edges[edges.length - 1];
    if (!(hi > lo)) {
      hi = lo + 1;
    }
    double top = 0;
    for (double[] s : shares) {
      for (double v : s) {
        top = Math.max(top, v);
      }
    }
    top = top > 0 ? top * 1.1 : 1;
    int width = LEFT + PLOT_W + RIGHT;
    int height = TOP + PLOT_H + BOTTOM;
    String field = String.valueOf(f.subject().getOrDefault("field", "value"));
    out.open("svg", "xmlns", "http://www.w3.org/2000/svg", "class", "drift", "width", Integer.toString(width),
        "height", Integer.toString(height), "role", "img",
        "aria-label", "distribution of " + field + ", " + sides[0] + " and " + sides[1]);
    double fhi = hi;
    double ftop = top;
    java.util.function.DoubleUnaryOperator xs = v -> LEFT + (v - lo) / (fhi - lo) * PLOT_W;
    java.util.function.DoubleUnaryOperator ys = v -> TOP + PLOT_H - v / ftop * PLOT_H;
    // y axis: share of each side's values per bin
    for (double t : Charts.ticks(0, top, 4)) {
      String y = Charts.fmt(ys.applyAsDouble(t));
      out.empty("line", "class", "axis", "x1", Integer.toString(LEFT), "x2", Integer.toString(LEFT + PLOT_W),
          "y1", y, "y2", y);
      out.element("text", Charts.tickLabel(t * 100) + "%", "x", Integer.toString(LEFT - 6), "y", y,
          "class", "tick", "text-anchor", "end", "dominant-baseline", "middle");
    }
    for (double t : Charts.ticks(lo, hi, 6)) {
      String x = Charts.fmt(xs.applyAsDouble(t));
      out.empty("line", "class", "axis", "x1", x, "x2", x, "y1", Integer.toString(TOP + PLOT_H),
          "y2", Integer.toString(TOP + PLOT_H + 4));
      out.element("text", Charts.tickLabel(t), "x", x, "y", Integer.toString(TOP + PLOT_H + 16), "class", "tick",
          "text-anchor", "middle");
    }
    out.element("text", field + unit, "x", Integer.toString(LEFT + PLOT_W / 2), "y", Integer.toString(height - 6),
        "class", "tick", "text-anchor", "middle");
    String[] cls = {"ref", "cur"};
    String[] side = {"reference", "current"};
    for (int s = 0; s < 2; s++) {
      StringBuilder d = new StringBuilder();
      d.append('M').append(Charts.fmt(xs.applyAsDouble(edges[0]))).append(' ').append(Charts.fmt(ys.applyAsDouble(0)));
      for (int i = 0; i < shares[s].length; i++) {
        String y = Charts.fmt(ys.applyAsDouble(shares[s][i]));
        d.append(" L").append(Charts.fmt(xs.applyAsDouble(edges[i]))).append(' ').append(y)
            .append(" L").append(Charts.fmt(xs.applyAsDouble(edges[i + 1]))).append(' ').append(y);
      }
      d.append(" L").append(Charts.fmt(xs.applyAsDouble(edges[edges.length - 1]))).append(' ')
          .append(Charts.fmt(ys.applyAsDouble(0))).append(" Z");
      out.open("g", "class", "series " + cls[s], "data-side", side[s]);
      out.open("path", "class", "dist " + cls[s], "d", d.toString())
          .element("title", sides[s] + ": share of values per bin of " + field).close("path");
      Object stats = f.evidence().get(side[s] + "Stats");
      double p50 = stats instanceof Map ? Charts.num(((Map<?, ?>) stats).get("p50")) : Double.NaN;
      if (!Double.isNaN(p50) && p50 >= lo && p50 <= hi) {
        String x = Charts.fmt(xs.applyAsDouble(p50));
        out.empty("line", "class", "median " + cls[s], "x1", x, "x2", x, "y1", Integer.toString(TOP),
            "y2", Integer.toString(TOP + PLOT_H));
        out.element("text", "median " + Charts.cut(sides[s], 20) + " " + Charts.tickLabel(p50) + unit,
            "x", x, "y", Integer.toString(TOP - 6 - 11 * (1 - s)), "class", "label " + cls[s],
            "text-anchor", "middle");
      }
      out.close("g");
    }
    legend(sides, LEFT + PLOT_W + 16, TOP + 4, out);
    statLines(f, LEFT + PLOT_W + 16, TOP + 60, out);
    out.close("svg");
  }

  /** The statistic, one figure per line, in the chart's right margin; returns the lines drawn. */
  private static int statLines(Finding f, int x, int y, Html out) {
    String[] parts = statistic(f).split(" · ");
    out.open("text", "class", "stat", "x", Integer.toString(x), "y", Integer.toString(y));
    for (int i = 0; i < parts.length; i++) {
      out.element("tspan", parts[i], "x", Integer.toString(x), "dy", i == 0 ? "0" : "16");
    }
    out.close("text");
    return parts.length;
  }

  private static void legend(String[] sides, int x, int y, Html out) {
    String[] cls = {"ref", "cur"};
    for (int s = 0; s < 2; s++) {
      out.empty("rect", "class", "dist " + cls[s], "x", Integer.toString(x), "y", Integer.toString(y + s * 18),
          "width", "14", "height", "12");
      out.element("text", Charts.cut(sides[s], 28), "x", Integer.toString(x + 20),
          "y", Integer.toString(y + s * 18 + 10));
    }
  }

  /** Paired horizontal bars: each category's share on both sides. */
  private static void categories(Finding f, String[] sides, Html out) {
    Map<?, ?> ref = (Map<?, ?>) f.evidence().get("referenceDistribution");
    Map<?, ?> cur = (Map<?, ?>) f.evidence().get("currentDistribution");
    List<Object> keys = new ArrayList<>(ref.keySet());
    for (Object k : cur.keySet()) {
      if (!ref.containsKey(k)) {
        keys.add(k);
      }
    }
    int hidden = 0;
    if (keys.size() > MAX_CATEGORIES) {
      List<Object> byMove = new ArrayList<>(keys);
      byMove.sort(Comparator.comparingDouble(
          k -> -Math.abs(share(cur.get(k)) - share(ref.get(k)))));
      Set<Object> keep = new java.util.HashSet<>(byMove.subList(0, MAX_CATEGORIES));
      hidden = keys.size() - MAX_CATEGORIES;
      keys.removeIf(k -> !keep.contains(k));
    }
    double top = 0;
    for (Object k : keys) {
      top = Math.max(top, Math.max(share(ref.get(k)), share(cur.get(k))));
    }
    top = top > 0 ? top * 1.1 : 1;
    int plotW = PLOT_W - LABEL_W + LEFT;
    int x0 = LABEL_W;
    int height = TOP + keys.size() * BAR_ROW + BOTTOM - 10;
    int width = x0 + plotW + RIGHT;
    String field = String.valueOf(f.subject().getOrDefault("field", "value"));
    out.open("svg", "xmlns", "http://www.w3.org/2000/svg", "class", "drift", "width", Integer.toString(width),
        "height", Integer.toString(height), "role", "img",
        "aria-label", "shares of " + field + ", " + sides[0] + " and " + sides[1]);
    double ftop = top;
    java.util.function.DoubleUnaryOperator xs = v -> x0 + v / ftop * plotW;
    int axisY = TOP + keys.size() * BAR_ROW;
    for (double t : Charts.ticks(0, top, 4)) {
      String x = Charts.fmt(xs.applyAsDouble(t));
      out.empty("line", "class", "axis", "x1", x, "x2", x, "y1", Integer.toString(TOP - 4),
          "y2", Integer.toString(axisY));
      out.element("text", Charts.tickLabel(t * 100) + "%", "x", x, "y", Integer.toString(axisY + 14),
          "class", "tick", "text-anchor", "middle");
    }
    int row = 0;
    for (Object k : keys) {
      int y = TOP + row++ * BAR_ROW;
      String name = String.valueOf(k);
      out.open("text", "x", Integer.toString(x0 - 8), "y", Integer.toString(y + BAR_ROW / 2 + 4),
          "text-anchor", "end").text(Charts.cut(name, 28)).element("title", name).close("text");
    }
    String[] cls = {"ref", "cur"};
    String[] side = {"reference", "current"};
    Map<?, ?>[] dist = {ref, cur};
    for (int s = 0; s < 2; s++) {
      out.open("g", "class", "series " + cls[s], "data-side", side[s]);
      row = 0;
      for (Object k : keys) {
        int y = TOP + row++ * BAR_ROW + 3 + s * 10;
        double v = share(dist[s].get(k));
        out.open("rect", "class", "bar " + cls[s], "x", Integer.toString(x0), "y", Integer.toString(y),
            "width", Charts.fmt(Math.max(1, xs.applyAsDouble(v) - x0)), "height", "9")
            .element("title", sides[s] + " · " + k + ": " + Charts.tickLabel(v * 100) + "%").close("rect");
        out.element("text", Charts.tickLabel(v * 100) + "%", "x", Charts.fmt(xs.applyAsDouble(v) + 4),
            "y", Integer.toString(y + 8), "class", "tick");
      }
      out.close("g");
    }
    legend(sides, x0 + plotW + 46, TOP + 4, out);
    int lines = statLines(f, x0 + plotW + 46, TOP + 60, out);
    if (hidden > 0) {
      out.element("text", hidden + " more categories not drawn", "x", Integer.toString(x0 + plotW + 46),
          "y", Integer.toString(TOP + 64 + lines * 16), "class", "tick");
    }
    out.close("svg");
  }

  private static double share(Object o) {
    double v = Charts.num(o);
    return Double.isNaN(v) ? 0 : v;
  }
}
