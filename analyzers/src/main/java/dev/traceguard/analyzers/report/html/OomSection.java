package dev.traceguard.analyzers.report.html;

import dev.traceguard.analyzers.model.Telemetry;
import dev.traceguard.analyzers.report.Finding;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleUnaryOperator;

/**
 * Charts for the {@code oom} analyzer, drawn from each finding's {@code timeline} evidence: the
 * memory over the window before the kill, stacked by component (the top contributor outlined and
 * named), the measured total as a line, the limit as a dashed line and the kill marked; for
 * {@code oom-risk}, the fitted trend carried on until it meets the limit.
 */
final class OomSection implements HtmlSection {
  /** At most this many charts. */
  static final int MAX_CHARTS = 10;

  private static final int LEFT = 72;
  private static final int PLOT_W = 640;
  private static final int RIGHT = 230;
  private static final int TOP = 24;
  private static final int PLOT_H = 220;
  private static final int AXIS = 34;
  private static final int LEGEND_ROW = 17;
  private static final DateTimeFormatter HM = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DHM = DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(ZoneOffset.UTC);

  @Override
  public Set<String> plottedEvidence() {
    return Set.of("timeline");
  }

  @Override
  public void render(List<Finding> findings, Telemetry telemetry, Html out) {
    List<Finding> drawn = new ArrayList<>();
    for (Finding f : findings) {
      if ((f.rule().equals("oom-attribution") || f.rule().equals("oom-risk")) && drawn.size() < MAX_CHARTS
          && f.evidence().get("timeline") instanceof Map) {
        drawn.add(f);
      }
    }
    boolean heading = false;
    for (Finding f : drawn) {
      Html chart = new Html();
      if (draw(f, chart)) {
        if (!heading) {
          out.element("h3", "Memory before the event, by component");
          heading = true;
        }
        out.open("figure", "class", "oom-chart", "data-rule", f.rule());
        out.open("figcaption").element("span", f.severity().id(), "class", "badge sev-" + f.severity().id())
            .text(" ").element("code", f.rule()).text(" " + f.message()).close("figcaption");
        out.append(chart).close("figure");
      }
    }
  }

  private static long parse(Object o) {
    if (o == null) {
      return Long.MIN_VALUE;
    }
    try {
      return Instant.parse(o.toString()).toEpochMilli();
    } catch (DateTimeParseException e) {
      return Long.MIN_VALUE;
    }
  }

  private static double[] values(Object o, int n) {
    double[] v = new double[n];
    java.util.Arrays.fill(v, Double.NaN);
    if (o instanceof List) {
      List<?> l = (List<?>) o;
      for (int i = 0; i < Math.min(n, l.size()); i++) {
        v[i] = Charts.num(l.get(i));
      }
    }
    return v;
  }

  /** Draws one chart; false when the evidence holds nothing to draw. */
  private static boolean draw(Finding f, Html out) {
    Map<String, Object> e = f.evidence();
    Map<?, ?> tl = (Map<?, ?>) e.get("timeline");
    long start = parse(tl.get("start"));
    long end = parse(tl.get("end"));
    int n = (int) Math.min(10_000, Math.max(0, Charts.num(tl.get("points")) > 0 ? Charts.num(tl.get("points")) : 0));
    if (start == Long.MIN_VALUE || end == Long.MIN_VALUE || end < start || n < 2) {
      return false;
    }
    double[] total = values(tl.get("total"), n);
    List<Map<?, ?>> comps = new ArrayList<>();
    if (tl.get("components") instanceof List) {
      for (Object c : (List<?>) tl.get("components")) {
        if (c instanceof Map && ((Map<?, ?>) c).get("values") instanceof List) {
          comps.add((Map<?, ?>) c);
        }
      }
    }
    double[][] stack = new double[comps.size()][];
    double[] level = new double[n];
    double top = 0;
    for (int k = 0; k < comps.size(); k++) {
      double[] v = values(comps.get(k).get("values"), n);
      stack[k] = new double[n];
      for (int i = 0; i < n; i++) {
        level[i] += Double.isNaN(v[i]) ? 0 : Math.max(0, v[i]);
        stack[k][i] = level[i];
      }
    }
    for (int i = 0; i < n; i++) {
      top = Math.max(top, level[i]);
      if (!Double.isNaN(total[i])) {
        top = Math.max(top, total[i]);
      }
    }
    if (top == 0 && comps.isEmpty()) {
      return false;
    }
    double limit = Charts.num(e.get("limit"));
    boolean risk = f.rule().equals("oom-risk");
    long reaches = risk ? parse(e.get("reachesLimitAt")) : Long.MIN_VALUE;
    long until = reaches > end ? reaches : end;
    if (!Double.isNaN(limit)) {
      top = Math.max(top, limit);
    }
    top = top > 0 ? top * 1.08 : 1;

    int legendRows = comps.size() + 2;
    int height = TOP + PLOT_H + AXIS + legendRows * LEGEND_ROW + 6;
    int width = LEFT + PLOT_W + RIGHT;
    double ftop = top;
    long span = Math.max(1, until - start);
    DoubleUnaryOperator ys = v -> TOP + PLOT_H - v / ftop * PLOT_H;
    java.util.function.LongFunction<Double> xt = t -> LEFT + (double) (t - start) / span * PLOT_W;
    double[] xi = new double[n];
    for (int i = 0; i < n; i++) {
      xi[i] = xt.apply(start + (long) ((double) (end - start) * i / (n - 1)));
    }
    out.open("svg", "xmlns", "http://www.w3.org/2000/svg", "class", "oom", "width", Integer.toString(width),
        "height", Integer.toString(height), "role", "img", "aria-label", "memory timeline by component");
    // Axes: bytes up, UTC time across.
    double step = 1;
    for (int p = 0; p < 6 && step * 1024 <= top / 3; p++) {
      step *= 1024;
    }
    double[] yt = Charts.ticks(0, top / step, 5);
    for (double t : yt) {
      String y = Charts.fmt(ys.applyAsDouble(t * step));
      out.empty("line", "class", "axis", "x1", Integer.toString(LEFT), "x2", Integer.toString(LEFT + PLOT_W),
          "y1", y, "y2", y);
      out.element("text", Charts.bytes(t * step), "x", Integer.toString(LEFT - 6), "y", y, "class", "tick",
          "text-anchor", "end", "dominant-baseline", "middle");
    }
    boolean days = until - start > 86_400_000L;
    for (int k = 0; k <= 4; k++) {
      long t = start + span * k / 4;
      String x = Charts.fmt(xt.apply(t));
      out.empty("line", "class", "axis", "x1", x, "x2", x, "y1", Integer.toString(TOP + PLOT_H),
          "y2", Integer.toString(TOP + PLOT_H + 4));
      out.element("text", (days ? DHM : HM).format(Instant.ofEpochMilli(t)) + (k == 0 ? " UTC" : ""), "x", x,
          "y", Integer.toString(TOP + PLOT_H + 16), "class", "tick",
          "text-anchor", k == 0 ? "start" : k == 4 ? "end" : "middle");
    }

    // Stacked areas, the first component (the top contributor) at the bottom.
    for (int k = 0; k < comps.size(); k++) {
      Map<?, ?> c = comps.get(k);
      boolean isTop = Boolean.TRUE.equals(c.get("top"));
      StringBuilder d = new StringBuilder();
      for (int i = 0; i < n; i++) {
        d.append(i == 0 ? "M" : " L").append(Charts.fmt(xi[i])).append(' ')
            .append(Charts.fmt(ys.applyAsDouble(stack[k][i])));
      }
      for (int i = n - 1; i >= 0; i--) {
        d.append(" L").append(Charts.fmt(xi[i])).append(' ')
            .append(Charts.fmt(ys.applyAsDouble(k == 0 ? 0 : stack[k - 1][i])));
      }
      d.append(" Z");
      out.open("path", "class", isTop ? "area top" : "area", "fill", Charts.PALETTE[k % Charts.PALETTE.length],
          "d", d.toString()).element("title", name(c)).close("path");
    }
    // The measured total.
    StringBuilder line = new StringBuilder();
    boolean pen = false;
    for (int i = 0; i < n; i++) {
      if (Double.isNaN(total[i])) {
        pen = false;
        continue;
      }
      line.append(pen ? " L" : (line.length() == 0 ? "M" : " M")).append(Charts.fmt(xi[i])).append(' ')
          .append(Charts.fmt(ys.applyAsDouble(total[i])));
      pen = true;
    }
    if (line.length() > 0) {
      out.open("path", "class", "total", "d", line.toString()).element("title", "total").close("path");
    }
    int noteX = LEFT + PLOT_W + 10;
    if (!Double.isNaN(limit)) {
      String y = Charts.fmt(ys.applyAsDouble(limit));
      out.empty("line", "class", "limit", "x1", Integer.toString(LEFT), "x2", Integer.toString(LEFT + PLOT_W),
          "y1", y, "y2", y);
      out.element("text", "limit " + Charts.bytes(limit), "x", Integer.toString(noteX), "y", y, "class", "mark",
          "dominant-baseline", "middle");
    }
    Map<?, ?> window = e.get("window") instanceof Map ? (Map<?, ?>) e.get("window") : Map.of();
    long warm = parse(window.get("warmupEnd"));
    if (warm > start && warm < until) {
      String x = Charts.fmt(xt.apply(warm));
      out.empty("line", "class", "warmup", "x1", x, "x2", x, "y1", Integer.toString(TOP),
          "y2", Integer.toString(TOP + PLOT_H));
      out.element("text", "warm-up ends", "x", x, "y", Integer.toString(TOP - 6), "class", "tick",
          "text-anchor", "start");
    }
    if (!risk) {
      String x = Charts.fmt(xt.apply(end));
      out.empty("line", "class", "event", "x1", x, "x2", x, "y1", Integer.toString(TOP - 4),
          "y2", Integer.toString(TOP + PLOT_H));
      out.element("text", "✕ " + Charts.cut(String.valueOf(e.getOrDefault("kind", "out of memory")), 24), "x", x,
          "y", Integer.toString(TOP - 8), "class", "mark", "text-anchor", "end");
    } else {
      projection(e, end, reaches, limit, xt, ys, out);
    }
    int firstTop = -1;
    for (int k = 0; k < comps.size(); k++) {
      if (Boolean.TRUE.equals(comps.get(k).get("top"))) {
        firstTop = k;
        break;
      }
    }
    if (firstTop >= 0) {
      // Name the top contributor at the right edge, level with the middle of its band.
      double lower = firstTop == 0 ? 0 : stack[firstTop - 1][n - 1];
      double mid = (lower + stack[firstTop][n - 1]) / 2;
      double y = Math.max(TOP + 10, Math.min(TOP + PLOT_H - 4, ys.applyAsDouble(mid)));
      if (!Double.isNaN(limit) && Math.abs(y - ys.applyAsDouble(limit)) < 14) {
        y += 16;
      }
      out.open("g", "class", "top-contributor");
      out.element("text", "◀ top contributor", "x", Integer.toString(noteX), "y", Charts.fmt(y), "class", "mark");
      out.element("text", Charts.cut(String.valueOf(comps.get(firstTop).get("metric")), 34),
          "x", Integer.toString(noteX + 12), "y", Charts.fmt(y + 14), "class", "tick");
      String growth = growthText(e, comps.get(firstTop));
      if (!growth.isEmpty()) {
        out.element("text", growth, "x", Integer.toString(noteX + 12), "y", Charts.fmt(y + 27), "class", "tick");
      }
      out.close("g");
    }
    // Legend under the axis.
    int ly = TOP + PLOT_H + AXIS;
    for (int k = 0; k < comps.size(); k++) {
      Map<?, ?> c = comps.get(k);
      out.empty("rect", "x", Integer.toString(LEFT), "y", Integer.toString(ly + k * LEGEND_ROW), "width", "14",
          "height", "11", "fill", Charts.PALETTE[k % Charts.PALETTE.length],
          "class", Boolean.TRUE.equals(c.get("top")) ? "swatch top" : "swatch");
      out.open("text", "x", Integer.toString(LEFT + 20), "y", Integer.toString(ly + k * LEGEND_ROW + 10))
          .text(Charts.cut(name(c), 110)).element("title", name(c)).close("text");
    }
    int extra = comps.size();
    if (line.length() > 0) {
      int y = ly + extra++ * LEGEND_ROW;
      out.empty("line", "class", "total", "x1", Integer.toString(LEFT), "x2", Integer.toString(LEFT + 14),
          "y1", Integer.toString(y + 6), "y2", Integer.toString(y + 6));
      Object tm = e.get("total") instanceof Map ? ((Map<?, ?>) e.get("total")).get("metric") : e.get("metric");
      out.element("text", "total" + (tm == null ? "" : " (" + Charts.cut(String.valueOf(tm), 80) + ")"),
          "x", Integer.toString(LEFT + 20), "y", Integer.toString(y + 10));
    }
    if (risk) {
      int y = ly + extra * LEGEND_ROW;
      out.empty("line", "class", "projection", "x1", Integer.toString(LEFT), "x2", Integer.toString(LEFT + 14),
          "y1", Integer.toString(y + 6), "y2", Integer.toString(y + 6));
      out.element("text", "trend (Theil–Sen fit), carried on to the limit", "x", Integer.toString(LEFT + 20),
          "y", Integer.toString(y + 10));
    }
    out.close("svg");
    return true;
  }

  /** The fitted trend of an {@code oom-risk} finding, from the window to where it meets the limit. */
  private static void projection(Map<String, Object> e, long end, long reaches, double limit,
      java.util.function.LongFunction<Double> xt, DoubleUnaryOperator ys, Html out) {
    Map<?, ?> trend = e.get("trend") instanceof Map ? (Map<?, ?>) e.get("trend") : Map.of();
    double slope = Charts.num(trend.get("slopePerHour"));
    double now = Charts.num(trend.get("levelNow"));
    Map<?, ?> window = e.get("window") instanceof Map ? (Map<?, ?>) e.get("window") : Map.of();
    long from = parse(window.get("warmupEnd"));
    if (Double.isNaN(slope) || Double.isNaN(now) || from == Long.MIN_VALUE || from > end) {
      return;
    }
    long to = reaches > end ? reaches : end;
    double y0 = now - slope * (end - from) / 3.6e6;
    double y1 = now + slope * (to - end) / 3.6e6;
    out.open("path", "class", "projection", "d", "M" + Charts.fmt(xt.apply(from)) + " " + Charts.fmt(ys.applyAsDouble(y0))
        + " L" + Charts.fmt(xt.apply(to)) + " " + Charts.fmt(ys.applyAsDouble(y1)))
        .element("title", "trend " + Charts.bytes(slope) + "/h").close("path");
    String xe = Charts.fmt(xt.apply(end));
    out.empty("line", "class", "warmup", "x1", xe, "x2", xe, "y1", Integer.toString(TOP),
        "y2", Integer.toString(TOP + PLOT_H));
    out.element("text", "data ends", "x", xe, "y", Integer.toString(TOP + PLOT_H - 4), "class", "tick",
        "text-anchor", "end");
    if (reaches != Long.MIN_VALUE && !Double.isNaN(limit)) {
      String x = Charts.fmt(xt.apply(to));
      String y = Charts.fmt(ys.applyAsDouble(limit));
      out.empty("circle", "class", "reaches", "cx", x, "cy", y, "r", "5");
      out.element("text", "reaches the limit " + HM.format(Instant.ofEpochMilli(reaches)) + " UTC", "x", x,
          "y", Charts.fmt(ys.applyAsDouble(limit) - 10), "class", "mark", "text-anchor", "end");
    }
  }

  /** Metric and labels in one line, e.g. {@code jvm.memory.used{jvm.memory.pool.name=G1 Old Gen}}. */
  static String name(Map<?, ?> c) {
    StringBuilder sb = new StringBuilder(String.valueOf(c.get("metric")));
    if (c.get("labels") instanceof Map && !((Map<?, ?>) c.get("labels")).isEmpty()) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> l : ((Map<?, ?>) c.get("labels")).entrySet()) {
        String k = String.valueOf(l.getKey());
        if (k.equals("instance") || k.equals("job") || k.equals("endpoint") || k.equals("namespace")
            || k.equals("id") || k.equals("image") || k.equals("metrics_path")) {
          continue;
        }
        sb.append(first ? "" : ", ").append(k).append('=').append(l.getValue());
        first = false;
      }
      sb.append('}');
    }
    return sb.toString().replace("{}", "");
  }

  /** {@code grew +9.6 GiB, 100% of the growth} from the matching entry of {@code contributors}. */
  private static String growthText(Map<String, Object> e, Map<?, ?> comp) {
    if (!(e.get("contributors") instanceof List)) {
      return "";
    }
    for (Object o : (List<?>) e.get("contributors")) {
      if (o instanceof Map && eq(((Map<?, ?>) o).get("metric"), comp.get("metric"))
          && eq(((Map<?, ?>) o).get("labels"), comp.get("labels"))) {
        Map<?, ?> c = (Map<?, ?>) o;
        double g = Charts.num(c.get("growth"));
        double share = Charts.num(c.get("share"));
        String grew = Double.isNaN(g) ? "" : "grew " + (g >= 0 ? "+" : "") + Charts.bytes(g);
        String of = Double.isNaN(share) ? "" : Math.round(share * 100) + "% of the growth";
        return grew.isEmpty() || of.isEmpty() ? grew + of : grew + ", " + of;
      }
    }
    return "";
  }

  private static boolean eq(Object a, Object b) {
    return a == null ? b == null : a.equals(b);
  }
}
