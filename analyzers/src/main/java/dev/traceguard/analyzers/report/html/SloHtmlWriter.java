package dev.traceguard.analyzers.report.html;

import dev.traceguard.analyzers.model.InputSummary;
import dev.traceguard.analyzers.report.Finding;
import dev.traceguard.analyzers.slo.Baseline;
import dev.traceguard.analyzers.slo.Problem;
import dev.traceguard.analyzers.slo.Sli;
import dev.traceguard.analyzers.slo.SliResult;
import dev.traceguard.analyzers.slo.SloBaseline;
import dev.traceguard.analyzers.slo.SloReport;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Set;

/**
 * Writes an {@link SloReport} as one self-contained HTML page (inline CSS and SVG, no script, a
 * Content-Security-Policy that forbids both): per SLO a chart of the observed series over the
 * learned band (median ± k·MAD), the threshold or error budget the objective implies, what was
 * learned, and the SLO's findings with their hints.
 *
 * <pre>{@code
 * new SloHtmlWriter().write(report, writer);
 * }</pre>
 *
 * <p>Metric names and label values come from dumps: every string is escaped ({@link Html}).
 */
public final class SloHtmlWriter {
  static final int WIDTH = 760;
  static final int HEIGHT = 260;
  private static final int LEFT = 64;
  private static final int RIGHT = 16;
  private static final int TOP = 14;
  private static final int BOTTOM = 30;
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("MM-dd HH:mm", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  private static final String CSS = String.join("\n",
      "svg .band{fill:#4e79a7;fill-opacity:.18;stroke:none}",
      "svg .band-median{stroke:#4e79a7;stroke-dasharray:5 3}",
      "svg .observed{fill:none;stroke:#f28e2b;stroke-width:1.6}",
      "svg .objective{stroke:var(--err);stroke-width:1.5;stroke-dasharray:8 4}",
      "svg text.objective{fill:var(--err);stroke:none}",
      "ul.legend{list-style:none;padding:0;margin:4px 0;display:flex;gap:14px;font-size:12px;color:var(--muted)}",
      "");

  /** A writer. */
  public SloHtmlWriter() {}

  /** Writes the page to {@code out}; does not close it. */
  public void write(SloReport report, Writer out) throws IOException {
    out.write(render(report));
    out.flush();
  }

  /** The page as a string. */
  public String render(SloReport report) {
    Html h = new Html();
    h.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .raw("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            + "style-src 'unsafe-inline'; img-src data:\">\n")
        .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .raw("<title>traceguard SLO baselines</title>\n<style>").raw(Style.CSS).raw(CSS)
        .raw("</style>\n</head>\n<body>\n");
    int findings = report.findings().size();
    h.open("header").element("h1", "SLO baselines")
        .element("p", "traceguard " + report.toolVersion() + " · " + report.source() + " · "
            + report.results().size() + " SLO" + (report.results().size() == 1 ? "" : "s") + " · " + findings
            + " finding" + (findings == 1 ? "" : "s"), "class", "meta")
        .element("p", "window " + SloBaseline.human(report.options().window().toMillis()) + " · step "
            + SloBaseline.human(report.options().step().toMillis()) + " · band: median ± "
            + Charts.tickLabel(report.options().k()) + "·MAD", "class", "meta")
        .close("header");
    h.open("nav").open("ul");
    for (int i = 0; i < report.results().size(); i++) {
      h.open("li").open("a", "href", "#slo-" + i).text(title(report.results().get(i))).close("a").close("li");
    }
    h.close("ul").close("nav").raw("\n<main>\n");
    if (report.results().isEmpty()) {
      h.open("section", "id", "none").element("p",
          "No SLO indicator found: no classic histogram, no counter with a status label.", "class", "more")
          .close("section");
    }
    for (int i = 0; i < report.results().size(); i++) {
      slo(report.results().get(i), i, h);
    }
    if (!report.problems().isEmpty()) {
      h.open("section", "id", "problems").element("h2", "Left out").open("ul");
      for (Problem p : report.problems()) {
        h.element("li", p.toString(), "class", "problem");
      }
      h.close("ul").close("section");
    }
    if (!report.inputs().isEmpty()) {
      h.open("section", "id", "inputs").element("h2", "Inputs").open("table", "class", "grid inputs")
          .open("thead").open("tr");
      for (String c : new String[] {"path", "format", "series", "samples", "skipped"}) {
        h.element("th", c);
      }
      h.close("tr").close("thead").open("tbody");
      for (InputSummary in : report.inputs()) {
        h.open("tr").element("td", in.path(), "class", "path").element("td", in.format())
            .element("td", in.metricSeries(), "class", "num").element("td", in.samples(), "class", "num")
            .element("td", in.skipped(), "class", in.skipped() > 0 ? "num sev-warning" : "num").close("tr");
      }
      h.close("tbody").close("table").close("section");
    }
    h.raw("</main>\n<footer>").text("Generated by traceguard " + report.toolVersion()
        + ". Rules and fixes: docs/rules.md.").raw("</footer>\n</body>\n</html>\n");
    return h.toString();
  }

  /** The SLO's name: metric, kind and group labels, e.g. {@code http_seconds latency {model="a"}}. */
  static String title(SliResult r) {
    return r.sli().metric() + " " + r.sli().kind().id() + (r.group().size() == 0 ? "" : " " + r.group());
  }

  private static void slo(SliResult r, int index, Html h) {
    h.open("section", "id", "slo-" + index, "class", "slo", "data-kind", r.sli().kind().id())
        .element("h2", title(r));
    SliResult.Observed obs = r.observed();
    Baseline b = obs == null ? null : r.baselines().get(obs.quantity());
    double line = Double.NaN;
    String lineLabel = null;
    SliResult.Objective o = r.objective();
    if (r.sli().kind() == Sli.Kind.LATENCY && !Double.isNaN(r.threshold())) {
      line = r.threshold();
      lineLabel = "threshold " + Charts.tickLabel(line) + (r.thresholdLe() == null ? " (interpolated)" : "");
    } else if (r.sli().kind() == Sli.Kind.ERRORS && o != null && o.used() != null) {
      BigDecimal budget = BigDecimal.ONE.subtract(o.used());
      line = budget.doubleValue();
      lineLabel = "error budget " + budget.toPlainString() + " (objective " + o.used().toPlainString() + ")";
    }
    if (obs != null && obs.size() > 0) {
      chart(r, obs, b, line, lineLabel, h);
    } else {
      h.element("p", "No step with a value to chart.", "class", "more");
    }
    facts(r, b, h);
    if (!r.findings().isEmpty()) {
      h.element("h3", "Findings (" + r.findings().size() + ")");
      int i = 0;
      for (Finding f : r.findings()) {
        HtmlReportWriter.finding(f, Set.of(), h, "slo-" + index + "-f-" + i++);
      }
    } else {
      h.element("p", "No findings.", "class", "clean");
    }
    h.close("section").raw("\n");
  }

  private static void chart(SliResult r, SliResult.Observed obs, Baseline b, double line, String lineLabel, Html h) {
    long t0 = obs.timesMs()[0];
    long t1 = obs.timesMs()[obs.size() - 1];
    if (t1 <= t0) {
      t1 = t0 + 1;
    }
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double v : obs.values()) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    boolean band = b != null && Double.isFinite(b.madLow()) && Double.isFinite(b.madHigh());
    if (band) {
      lo = Math.min(lo, b.madLow());
      hi = Math.max(hi, b.madHigh());
    }
    if (Double.isFinite(line)) {
      lo = Math.min(lo, line);
      hi = Math.max(hi, line);
    }
    if (lo >= 0) {
      lo = 0;
    }
    if (!(hi > lo)) {
      hi = lo + (lo == 0 ? 1 : Math.abs(lo));
    }
    hi += (hi - lo) * 0.05;
    double plotW = WIDTH - LEFT - RIGHT;
    double plotH = HEIGHT - TOP - BOTTOM;
    final double ylo = lo;
    final double yspan = hi - lo;
    final long x0 = t0;
    final double xspan = t1 - t0;
    java.util.function.DoubleUnaryOperator y = v -> TOP + plotH * (1 - (v - ylo) / yspan);
    java.util.function.LongToDoubleFunction x = t -> LEFT + plotW * ((t - x0) / xspan);

    String caption = obs.quantity() + " per step (" + obs.size() + " points)"
        + (band ? ", band median ± k·MAD [" + Charts.tickLabel(b.madLow()) + ", " + Charts.tickLabel(b.madHigh())
            + "]" : "")
        + (lineLabel == null ? "" : ", " + lineLabel);
    h.open("figure", "class", "slo-chart").element("figcaption", title(r));
    h.open("svg", "xmlns", "http://www.w3.org/2000/svg", "width", Integer.toString(WIDTH), "height",
        Integer.toString(HEIGHT), "viewBox", "0 0 " + WIDTH + " " + HEIGHT, "role", "img", "aria-label", caption);
    h.element("title", title(r) + ": " + caption);
    for (double t : Charts.ticks(lo, hi, 5)) {
      String yy = Charts.fmt(y.applyAsDouble(t));
      h.empty("line", "class", "axis", "x1", Integer.toString(LEFT), "x2", Integer.toString(WIDTH - RIGHT),
          "y1", yy, "y2", yy);
      h.element("text", Charts.tickLabel(t), "class", "tick", "x", Integer.toString(LEFT - 6), "y", yy,
          "text-anchor", "end", "dominant-baseline", "middle");
    }
    for (int i = 0; i <= 4; i++) {
      long t = t0 + Math.round((t1 - t0) * (i / 4.0));
      h.element("text", DAY.format(Instant.ofEpochMilli(t)), "class", "tick",
          "x", Charts.fmt(x.applyAsDouble(t)), "y", Integer.toString(HEIGHT - 10),
          "text-anchor", i == 0 ? "start" : i == 4 ? "end" : "middle");
    }
    if (band) {
      String xl = Charts.fmt(LEFT);
      String xr = Charts.fmt(WIDTH - RIGHT);
      String yh = Charts.fmt(y.applyAsDouble(b.madHigh()));
      String yl = Charts.fmt(y.applyAsDouble(b.madLow()));
      h.open("path", "class", "band", "d", "M" + xl + " " + yh + " L" + xr + " " + yh + " L" + xr + " " + yl
          + " L" + xl + " " + yl + " Z").element("title", "learned band: median " + Charts.tickLabel(b.median())
          + " ± k·MAD = [" + Charts.tickLabel(b.madLow()) + ", " + Charts.tickLabel(b.madHigh()) + "]")
          .close("path");
      String ym = Charts.fmt(y.applyAsDouble(b.median()));
      h.empty("line", "class", "band-median", "x1", xl, "x2", xr, "y1", ym, "y2", ym);
    }
    StringBuilder pts = new StringBuilder();
    for (int i = 0; i < obs.size(); i++) {
      if (i > 0) {
        pts.append(' ');
      }
      pts.append(Charts.fmt(x.applyAsDouble(obs.timesMs()[i]))).append(',')
          .append(Charts.fmt(y.applyAsDouble(obs.values()[i])));
    }
    h.open("polyline", "class", "observed", "points", pts.toString(), "data-points", Integer.toString(obs.size()))
        .element("title", "observed " + obs.quantity()).close("polyline");
    if (Double.isFinite(line)) {
      String yy = Charts.fmt(y.applyAsDouble(line));
      h.open("line", "class", "objective", "x1", Integer.toString(LEFT), "x2", Integer.toString(WIDTH - RIGHT),
          "y1", yy, "y2", yy).element("title", lineLabel).close("line");
      h.element("text", lineLabel, "class", "objective", "x", Integer.toString(WIDTH - RIGHT - 4),
          "y", Charts.fmt(y.applyAsDouble(line) - 4), "text-anchor", "end");
    }
    h.close("svg");
    h.open("ul", "class", "legend").element("li", "line: observed " + obs.quantity()
        + (obs.size() < r.stepsWithData() ? " (averaged to " + obs.size() + " points)" : ""));
    if (band) {
      h.element("li", "shaded: learned band, median ± k·MAD; dashed: median");
    }
    if (lineLabel != null) {
      h.element("li", "red dashed: " + lineLabel);
    }
    h.close("ul").close("figure");
  }

  private static void facts(SliResult r, Baseline b, Html h) {
    h.open("table", "class", "kv");
    row(h, "history", DAY.format(Instant.ofEpochMilli(r.firstStepMs())) + " to "
        + DAY.format(Instant.ofEpochMilli(r.lastStepMs())) + " UTC, " + r.stepsWithData() + " of " + r.steps()
        + " steps with data (" + Math.round(r.coverage() * 100) + "%)");
    if (b != null) {
      row(h, "baseline " + r.observed().quantity(), "median " + Charts.tickLabel(b.median()) + ", MAD "
          + Charts.tickLabel(b.mad()) + ", mean " + Charts.tickLabel(b.mean()) + " ± " + Charts.tickLabel(b.sd()));
    }
    if (!Double.isNaN(r.threshold())) {
      row(h, "threshold", Charts.tickLabel(r.threshold())
          + (r.thresholdLe() == null ? " (interpolated)" : " (bucket le=\"" + r.thresholdLe() + "\")"));
    }
    SliResult.Objective o = r.objective();
    if (o != null) {
      row(h, "suggested objective", o.suggested() == null ? "none met" : o.suggested().toPlainString());
      if (o.used() != null) {
        row(h, "objective used", o.used().toPlainString() + ": met in " + Math.round(o.metShare() * 100)
            + "% of " + o.achieved().length + " windows, margin "
            + (Double.isNaN(o.margin()) ? "-" : Charts.tickLabel(o.margin())));
      }
    }
    h.close("table");
  }

  private static void row(Html h, String key, String value) {
    h.open("tr").element("th", key).element("td", value).close("tr");
  }
}
