package dev.traceguard.analyzers.slo;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.traceguard.analyzers.model.InputSummary;
import dev.traceguard.analyzers.model.ReadError;
import dev.traceguard.analyzers.report.Finding;
import dev.traceguard.analyzers.report.JsonReportWriter;
import dev.traceguard.analyzers.report.Report;
import dev.traceguard.analyzers.report.Severity;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The result of {@code slo baseline}: per SLO what was learned, the findings, and the input
 * problems; written as JSON (numbers as the shortest round-trip doubles, NaN as null) or a table.
 *
 * @param toolVersion traceguard version
 * @param source where the data came from: dump paths or the Prometheus URL
 * @param inputs per-input summaries (offline), empty for a live server
 * @param options the settings used
 * @param results what was learned
 * @param problems input that was left out, and why
 */
public record SloReport(String toolVersion, String source, List<InputSummary> inputs, SloOptions options,
    List<SliResult> results, List<Problem> problems) {
  private static final JsonFactory JSON = new JsonFactory();

  /** All findings, sorted by severity, analyzer, subject. */
  public List<Finding> findings() {
    List<Finding> all = new ArrayList<>();
    for (SliResult r : results) {
      all.addAll(r.findings());
    }
    // Report sorts findings in the contract's order.
    return new Report(toolVersion, List.of(), all, Map.of(), Map.of()).findings();
  }

  /** Whether any finding is at least as bad as {@code threshold}. */
  public boolean anyAtLeast(Severity threshold) {
    return findings().stream().anyMatch(f -> f.severity().atLeast(threshold));
  }

  /** Writes the JSON document followed by a newline. */
  public void writeJson(Writer out) throws IOException {
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeObjectFieldStart("tool");
      g.writeStringField("name", "traceguard");
      g.writeStringField("version", toolVersion);
      g.writeEndObject();
      g.writeStringField("source", source);
      g.writeArrayFieldStart("inputs");
      for (InputSummary in : inputs) {
        g.writeStartObject();
        g.writeStringField("path", in.path());
        g.writeStringField("format", in.format());
        g.writeNumberField("metricSeries", in.metricSeries());
        g.writeNumberField("samples", in.samples());
        g.writeNumberField("skipped", in.skipped());
        g.writeArrayFieldStart("errors");
        for (ReadError e : in.errors()) {
          g.writeStartObject();
          if (e.line() > 0) {
            g.writeNumberField("line", e.line());
          }
          if (e.offset() >= 0) {
            g.writeNumberField("offset", e.offset());
          }
          g.writeStringField("message", e.message());
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeObjectFieldStart("settings");
      g.writeStringField("window", SloBaseline.human(options.window().toMillis()));
      g.writeStringField("step", SloBaseline.human(options.step().toMillis()));
      g.writeStringField("rateWindow", SloBaseline.human(options.rateWindow().toMillis()));
      g.writeStringField("period", SloBaseline.human(options.period().toMillis()));
      g.writeStringField("objectiveWindow", SloBaseline.human(options.objectiveWindow().toMillis()));
      num(g, "metShare", options.metShare());
      num(g, "k", options.k());
      num(g, "trim", options.trim());
      g.writeStringField("selector", options.selector().toString());
      g.writeEndObject();
      g.writeArrayFieldStart("slos");
      for (SliResult r : results) {
        slo(g, r);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("problems");
      for (Problem p : problems) {
        g.writeStartObject();
        g.writeStringField("where", p.where());
        g.writeStringField("message", p.message());
        g.writeEndObject();
      }
      g.writeEndArray();
      List<Finding> findings = findings();
      g.writeArrayFieldStart("findings");
      for (Finding f : findings) {
        JsonReportWriter.writeFinding(g, f);
      }
      g.writeEndArray();
      g.writeObjectFieldStart("summary");
      g.writeNumberField("slos", results.size());
      g.writeNumberField("findings", findings.size());
      for (Severity s : Severity.values()) {
        g.writeNumberField(s.id(), findings.stream().filter(f -> f.severity() == s).count());
      }
      g.writeNumberField("problems", problems.size());
      g.writeEndObject();
      g.writeEndObject();
    }
    out.write('\n');
    out.flush();
  }

  private static void slo(JsonGenerator g, SliResult r) throws IOException {
    g.writeStartObject();
    g.writeObjectFieldStart("sli");
    g.writeStringField("kind", r.sli().kind().id());
    g.writeStringField("metric", r.sli().metric());
    g.writeFieldName("groupBy");
    JsonReportWriter.writeValue(g, r.sli().groupBy());
    if (r.sli().statusLabel() != null) {
      g.writeStringField("statusLabel", r.sli().statusLabel());
      g.writeStringField("errorStatus", r.sli().errorRegex());
    }
    if (!r.sli().les().isEmpty()) {
      g.writeFieldName("le");
      JsonReportWriter.writeValue(g, r.sli().les());
    }
    g.writeEndObject();
    g.writeFieldName("group");
    JsonReportWriter.writeValue(g, r.group().asMap());
    g.writeObjectFieldStart("history");
    g.writeStringField("from", Instant.ofEpochMilli(r.firstStepMs()).toString());
    g.writeStringField("to", Instant.ofEpochMilli(r.lastStepMs()).toString());
    g.writeNumberField("steps", r.steps());
    g.writeNumberField("stepsWithData", r.stepsWithData());
    num(g, "coverage", r.coverage());
    g.writeNumberField("largestGapSeconds", r.largestGapMs() / 1000);
    num(g, "events", r.events());
    g.writeEndObject();
    g.writeObjectFieldStart("baselines");
    for (Map.Entry<String, Baseline> e : r.baselines().entrySet()) {
      Baseline b = e.getValue();
      if (b == null) {
        g.writeNullField(e.getKey());
        continue;
      }
      g.writeObjectFieldStart(e.getKey());
      g.writeNumberField("n", b.n());
      g.writeNumberField("trimmed", b.trimmed());
      num(g, "mean", b.mean());
      num(g, "sd", b.sd());
      num(g, "median", b.median());
      num(g, "mad", b.mad());
      num(g, "p50", b.p50());
      num(g, "p95", b.p95());
      num(g, "p99", b.p99());
      g.writeArrayFieldStart("meanBand");
      num(g, b.meanLow());
      num(g, b.meanHigh());
      g.writeEndArray();
      g.writeArrayFieldStart("madBand");
      num(g, b.madLow());
      num(g, b.madHigh());
      g.writeEndArray();
      if (!Double.isNaN(b.bucketWidth())) {
        num(g, "bucketWidth", b.bucketWidth());
      }
      if (b.hourOfDay() != null) {
        g.writeArrayFieldStart("hourOfDay");
        for (double d : b.hourOfDay()) {
          num(g, d);
        }
        g.writeEndArray();
        num(g, "hourlySwing", b.hourlySwing());
      }
      if (b.dayOfWeek() != null) {
        g.writeArrayFieldStart("dayOfWeek");
        for (double d : b.dayOfWeek()) {
          num(g, d);
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    }
    g.writeEndObject();
    if (!Double.isNaN(r.threshold())) {
      g.writeObjectFieldStart("threshold");
      num(g, "value", r.threshold());
      if (r.thresholdLe() != null) {
        g.writeStringField("le", r.thresholdLe());
      }
      g.writeBooleanField("interpolated", r.thresholdLe() == null);
      g.writeEndObject();
    }
    SliResult.Objective o = r.objective();
    if (o != null) {
      g.writeObjectFieldStart("objective");
      decimal(g, "suggested", o.suggested());
      decimal(g, "used", o.used());
      num(g, "metShare", o.metShare());
      num(g, "margin", o.margin());
      g.writeNumberField("windows", o.achieved().length);
      g.writeArrayFieldStart("achieved");
      for (double a : o.achieved()) {
        num(g, a);
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeArrayFieldStart("burnRates");
    for (SliResult.BurnTier t : r.tiers()) {
      g.writeStartObject();
      g.writeStringField("severity", t.severity());
      g.writeStringField("longWindow", t.longWindow());
      g.writeStringField("shortWindow", t.shortWindow());
      decimal(g, "budgetShare", t.budgetShare());
      decimal(g, "factor", t.factor());
      decimal(g, "threshold", t.threshold());
      g.writeStringField("for", t.forDuration());
      g.writeBooleanField("reachable", t.reachable());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void decimal(JsonGenerator g, String name, BigDecimal d) throws IOException {
    if (d == null) {
      g.writeNullField(name);
    } else {
      g.writeFieldName(name);
      g.writeNumber(d);
    }
  }

  private static void num(JsonGenerator g, String name, double d) throws IOException {
    g.writeFieldName(name);
    num(g, d);
  }

  private static void num(JsonGenerator g, double d) throws IOException {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      g.writeNull();
    } else {
      g.writeNumber(d);
    }
  }


  /** Writes a table: one row per SLO, then findings and problems. */
  public void writeTable(PrintWriter out) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"SLI", "GROUP", "HISTORY", "COVER", "BASELINE (median, band ±k·MAD)", "BUCKET", "THRESHOLD",
        "OBJECTIVE", "MET", "MARGIN"});
    for (SliResult r : results) {
      String key = r.sli().kind() == Sli.Kind.LATENCY ? "p95" : r.sli().kind() == Sli.Kind.ERRORS ? "error-ratio" : "mean";
      Baseline b = r.baselines().get(key);
      String base = b == null ? "-" : key + " " + g(b.median()) + " [" + g(b.madLow()) + ", " + g(b.madHigh()) + "]";
      SliResult.Objective o = r.objective();
      rows.add(new String[] {
        r.sli().metric() + " " + r.sli().kind().id(),
        r.group().size() == 0 ? "-" : r.group().toString(),
        SloBaseline.human(r.spanMs() + options.step().toMillis()),
        Math.round(r.coverage() * 100) + "%",
        base,
        b == null || Double.isNaN(b.bucketWidth()) ? "-" : g(b.bucketWidth()),
        Double.isNaN(r.threshold()) ? "-" : g(r.threshold()) + (r.thresholdLe() == null ? " (interpolated)" : ""),
        o == null || o.used() == null ? "-" : o.used().toPlainString() + (o.suggested() != null && o.suggested().equals(o.used()) ? "" : " (given)"),
        o == null || Double.isNaN(o.metShare()) ? "-" : Math.round(o.metShare() * 100) + "% of " + o.achieved().length,
        o == null || Double.isNaN(o.margin()) ? "-" : g(o.margin()),
      });
    }
    int[] width = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        sb.append(row[i]);
        if (i < row.length - 1) {
          sb.append(" ".repeat(width[i] - row[i].length() + 2));
        }
      }
      out.println(sb.toString().stripTrailing());
    }
    if (results.isEmpty()) {
      out.println("(no SLO indicator found: no classic histogram, no counter with a status label)");
    }
    List<Finding> findings = findings();
    if (!findings.isEmpty()) {
      out.println();
      for (Finding f : findings) {
        out.println(f.severity().id().toUpperCase(Locale.ROOT) + " " + f.rule() + ": " + f.message());
        if (!f.hint().isEmpty()) {
          out.println("    fix: " + f.hint());
        }
      }
    }
    if (!problems.isEmpty()) {
      out.println();
      for (Problem p : problems) {
        out.println("LEFT OUT " + p);
      }
    }
    out.printf("%n%d SLOs, %d findings, %d problems%n", results.size(), findings.size(), problems.size());
    out.flush();
  }

  private static String g(double d) {
    if (Double.isNaN(d)) {
      return "-";
    }
    return new BigDecimal(d).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
  }
}
