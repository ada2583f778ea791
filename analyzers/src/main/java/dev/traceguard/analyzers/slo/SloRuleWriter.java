package dev.traceguard.analyzers.slo;

import dev.traceguard.analyzers.model.Labels;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes what {@link SloBaseline} learned as files others run: a Prometheus rule file (recording
 * rules per window, multiwindow multi-burn-rate alerts, a dynamic-baseline alert), a {@code
 * promtool test rules} file for it, an OpenSLO v1 spec and a Sloth {@code prometheus/v1} spec.
 * Each (indicator, group) with an objective is one SLO. Numbers are exact decimals or the
 * shortest round-trip form ({@link PromFloat}); {@code le} strings are those seen in the data.
 */
public final class SloRuleWriter {
  /** Recording rule windows. */
  public static final List<String> WINDOWS = List.of("5m", "30m", "1h", "2h", "6h", "1d", "3d");
  /** Name of the burn-rate alert. */
  public static final String BURN_ALERT = "SLOErrorBudgetBurn";
  /** Name of the dynamic-baseline alert. */
  public static final String BASELINE_ALERT = "SLOBaselineExceeded";

  /** Record and label names. */
  public enum Naming {
    /** {@code traceguard:slo_error_ratio:rate5m} with an {@code slo} label. */
    TRACEGUARD,
    /** Sloth's {@code slo:sli_error:ratio_rate5m} with {@code sloth_id}, {@code sloth_service}, {@code sloth_slo}, {@code sloth_window}. */
    SLOTH
  }

  /**
   * One SLO to write.
   *
   * @param result what was learned
   * @param examples labels of real series of it (see {@link GroupRates#examples})
   */
  public record Slo(SliResult result, Map<String, Labels> examples) {}

  private final List<Slo> slos;
  private final Naming naming;
  private final Duration period;
  private final Selector selector;
  private final String baselineFor;
  private final List<String> skipped = new ArrayList<>();

  /**
   * A writer.
   *
   * @param slos the SLOs; those without an objective are skipped
   * @param naming record names
   * @param period SLO period
   * @param selector the selector the data was chosen with; it is part of every query
   * @param baselineFor how long the baseline must be exceeded before the alert fires, e.g. {@code 15m}
   */
  public SloRuleWriter(List<Slo> slos, Naming naming, Duration period, Selector selector, String baselineFor) {
    List<Slo> usable = new ArrayList<>();
    for (Slo s : slos) {
      SliResult r = s.result();
      if (r.sli().kind() == Sli.Kind.MEAN_LATENCY || r.objective() == null || r.objective().used() == null) {
        continue;
      }
      if (r.sli().kind() == Sli.Kind.LATENCY && le(r) == null) {
        skipped.add(r.sli().metric() + r.group() + ": the threshold is below the lowest bucket bound; no rule can select it");
        continue;
      }
      usable.add(s);
    }
    this.slos = usable;
    this.naming = naming;
    this.period = period;
    this.selector = selector;
    this.baselineFor = baselineFor;
  }

  /** SLOs that could not be written, with the reason. */
  public List<String> skipped() {
    return skipped;
  }

  /** Number of SLOs written. */
  public int size() {
    return slos.size();
  }

  /** The bucket {@code le} the latency rules select: the threshold's own, else the highest bound below it. */
  static String le(SliResult r) {
    if (r.thresholdLe() != null) {
      return r.thresholdLe();
    }
    double[] b = r.sli().bounds();
    String best = null;
    for (int i = 0; i < b.length - 1; i++) {
      if (b[i] <= r.threshold()) {
        best = r.sli().les().get(i);
      }
    }
    return best;
  }

  /** A name of letters, digits, {@code -} and {@code _} for an SLO. */
  static String id(SliResult r) {
    StringBuilder sb = new StringBuilder(r.sli().name());
    for (int i = 0; i < r.group().size(); i++) {
      sb.append('-').append(r.group().value(i));
    }
    String s = sb.toString().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]+", "-").replaceAll("-+", "-");
    return s.replaceAll("^-|-$", "");
  }

  private static String service(SliResult r) {
    for (String k : new String[] {"service", "service_name", "job", "model", "model_name", "gen_ai_request_model"}) {
      String v = r.group().get(k);
      if (v != null) {
        return v;
      }
    }
    return r.sli().metric();
  }

  private static String periodString(Duration d) {
    return SloBaseline.human(d.toMillis());
  }

  // ---- PromQL pieces ----

  private String sel(String name, SliResult r, String... extra) {
    StringBuilder in = new StringBuilder(selector.inner());
    for (int i = 0; i < r.group().size(); i++) {
      if (in.length() > 0) {
        in.append(',');
      }
      in.append(r.group().name(i)).append('=').append(Selector.quote(r.group().value(i)));
    }
    for (String e : extra) {
      if (in.length() > 0) {
        in.append(',');
      }
      in.append(e);
    }
    return in.length() == 0 ? name : name + "{" + in + "}";
  }

  private static String by(SliResult r, String... first) {
    List<String> l = new ArrayList<>(List.of(first));
    for (int i = 0; i < r.group().size(); i++) {
      l.add(r.group().name(i));
    }
    return l.isEmpty() ? "sum" : "sum by (" + String.join(", ", l) + ")";
  }

  /** The error ratio over {@code w}: the share of bad events. */
  String errorRatio(SliResult r, String w) {
    Sli sli = r.sli();
    if (sli.kind() == Sli.Kind.ERRORS) {
      String total = by(r) + " (rate(" + sel(sli.metric(), r) + "[" + w + "]))";
      String errors = by(r) + " (rate(" + sel(sli.metric(), r, sli.statusLabel() + "=~" + Selector.quote(sli.errorRegex()))
          + "[" + w + "]))";
      return "(" + errors + " or 0 * " + total + ") / " + total;
    }
    String bucket = sli.metric() + "_bucket";
    return "1 - (" + by(r) + " (rate(" + sel(bucket, r, "le=" + Selector.quote(le(r))) + "[" + w + "])) / "
        + by(r) + " (rate(" + sel(bucket, r, "le=\"+Inf\"") + "[" + w + "])))";
  }

  private String ratioRecord(String w) {
    return naming == Naming.SLOTH ? "slo:sli_error:ratio_rate" + w : "traceguard:slo_error_ratio:rate" + w;
  }

  private Map<String, String> idLabels(SliResult r) {
    Map<String, String> m = new LinkedHashMap<>();
    if (naming == Naming.SLOTH) {
      m.put("sloth_id", service(r) + "-" + id(r));
      m.put("sloth_service", service(r));
      m.put("sloth_slo", id(r));
    } else {
      m.put("slo", id(r));
    }
    return m;
  }

  private String idSelector(SliResult r) {
    StringBuilder sb = new StringBuilder("{");
    for (Map.Entry<String, String> e : idLabels(r).entrySet()) {
      if (sb.length() > 1) {
        sb.append(',');
      }
      sb.append(e.getKey()).append('=').append(Selector.quote(e.getValue()));
    }
    return sb.append('}').toString();
  }

  private String windowed(String expr) {
    return naming == Naming.SLOTH ? "max without (sloth_window) (" + expr + ")" : expr;
  }

  private List<String> windows() {
    Set<String> w = new LinkedHashSet<>(WINDOWS);
    w.add(periodString(period));
    return new ArrayList<>(w);
  }

  /** The upper band of the dynamic-baseline alert, or NaN when no such alert is useful. */
  static double upper(SliResult r) {
    Baseline b = r.baselines().get(r.sli().kind() == Sli.Kind.LATENCY ? "p95" : "error-ratio");
    if (b == null) {
      return Double.NaN;
    }
    double up = Math.max(b.madHigh(), b.meanHigh());
    if (r.sli().kind() == Sli.Kind.LATENCY) {
      double[] bounds = r.sli().bounds();
      return up > 0 && up < bounds[bounds.length - 2] ? up : Double.NaN;
    }
    return up > 0 && up < 1 ? up : Double.NaN;
  }

  private String p95Record() {
    return "traceguard:slo_latency_p95:rate5m";
  }

  // ---- rule file ----

  /** Writes the Prometheus rule file. */
  public void writeRules(Writer w) throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append("# Generated by traceguard slo baseline: recording rules, burn-rate and baseline alerts.\n");
    sb.append("groups:\n");
    if (slos.isEmpty()) {
      sb.append("  []\n");
    }
    for (Slo s : slos) {
      SliResult r = s.result();
      BigDecimal objective = r.objective().used();
      sb.append("  - name: ").append(Yaml.q("traceguard-slo-" + id(r))).append('\n');
      sb.append("    rules:\n");
      for (String win : windows()) {
        Map<String, String> labels = new LinkedHashMap<>(idLabels(r));
        if (naming == Naming.SLOTH) {
          labels.put("sloth_window", win);
        }
        record(sb, ratioRecord(win), errorRatio(r, win), labels);
      }
      if (naming == Naming.SLOTH) {
        String ids = idSelector(r);
        record(sb, "slo:objective:ratio", "vector(" + objective.toPlainString() + ")", idLabels(r));
        record(sb, "slo:error_budget:ratio", "vector(1 - " + objective.toPlainString() + ")", idLabels(r));
        record(sb, "slo:time_period:days", "vector(" + PromFloat.format(period.toHours() / 24.0) + ")", idLabels(r));
        String on = "on (sloth_id, sloth_slo, sloth_service) group_left";
        record(sb, "slo:current_burn_rate:ratio", windowed(ratioRecord("5m") + ids) + " / " + on
            + " slo:error_budget:ratio" + ids, idLabels(r));
        record(sb, "slo:period_burn_rate:ratio", windowed(ratioRecord(periodString(period)) + ids) + " / " + on
            + " slo:error_budget:ratio" + ids, idLabels(r));
        record(sb, "slo:period_error_budget_remaining:ratio", "1 - slo:period_burn_rate:ratio" + ids, idLabels(r));
      }
      if (r.sli().kind() == Sli.Kind.LATENCY) {
        record(sb, p95Record(), "histogram_quantile(0.95, " + by(r, "le") + " (rate("
            + sel(r.sli().metric() + "_bucket", r) + "[5m])))", idLabels(r));
      }
      for (SliResult.BurnTier t : r.tiers()) {
        if (!t.reachable()) {
          continue;
        }
        String th = t.threshold().toPlainString();
        String expr = windowed(ratioRecord(t.longWindow()) + idSelector(r) + " > " + th) + "\n  and\n"
            + windowed(ratioRecord(t.shortWindow()) + idSelector(r) + " > " + th);
        sb.append("      - alert: ").append(BURN_ALERT).append('\n');
        block(sb, "expr", expr);
        sb.append("        for: ").append(t.forDuration()).append('\n');
        sb.append("        labels:\n");
        for (Map.Entry<String, String> e : burnLabels(r, t).entrySet()) {
          sb.append("          ").append(e.getKey()).append(": ").append(Yaml.q(e.getValue())).append('\n');
        }
        sb.append("        annotations:\n");
        sb.append("          summary: ").append(Yaml.q(burnSummary(r, t))).append('\n');
      }
      double up = upper(r);
      if (!Double.isNaN(up)) {
        String rec = r.sli().kind() == Sli.Kind.LATENCY ? p95Record() : ratioRecord("5m");
        sb.append("      - alert: ").append(BASELINE_ALERT).append('\n');
        block(sb, "expr", windowed(rec + idSelector(r) + " > " + PromFloat.format(up)));
        sb.append("        for: ").append(baselineFor).append('\n');
        sb.append("        labels:\n");
        for (Map.Entry<String, String> e : baselineLabels(r).entrySet()) {
          sb.append("          ").append(e.getKey()).append(": ").append(Yaml.q(e.getValue())).append('\n');
        }
        sb.append("        annotations:\n");
        sb.append("          summary: ").append(Yaml.q(baselineSummary(r, up))).append('\n');
      }
    }
    w.write(sb.toString());
    w.flush();
  }

  private static void record(StringBuilder sb, String name, String expr, Map<String, String> labels) {
    sb.append("      - record: ").append(name).append('\n');
    block(sb, "expr", expr);
    if (!labels.isEmpty()) {
      sb.append("        labels:\n");
      for (Map.Entry<String, String> e : labels.entrySet()) {
        sb.append("          ").append(e.getKey()).append(": ").append(Yaml.q(e.getValue())).append('\n');
      }
    }
  }

  /** A literal block scalar: PromQL needs no escaping inside it. */
  private static void block(StringBuilder sb, String key, String text) {
    sb.append("        ").append(key).append(": |-\n");
    for (String line : text.split("\n", -1)) {
      sb.append("          ").append(line).append('\n');
    }
  }

  private Map<String, String> burnLabels(SliResult r, SliResult.BurnTier t) {
    // The SLO's own id labels keep alerts of different SLOs apart (promtool flags equal ones as duplicates).
    Map<String, String> m = new LinkedHashMap<>(idLabels(r));
    m.put(naming == Naming.SLOTH ? "sloth_severity" : "severity", t.severity());
    m.put("long_window", t.longWindow());
    m.put("short_window", t.shortWindow());
    return m;
  }

  private String burnSummary(SliResult r, SliResult.BurnTier t) {
    return id(r) + " is burning its " + periodString(period) + " error budget " + t.factor().toPlainString()
        + " times too fast (objective " + r.objective().used().toPlainString() + ", over " + t.longWindow() + " and "
        + t.shortWindow() + ")";
  }

  private Map<String, String> baselineLabels(SliResult r) {
    Map<String, String> m = new LinkedHashMap<>(idLabels(r));
    m.put(naming == Naming.SLOTH ? "sloth_severity" : "severity", "ticket");
    m.put("baseline", r.sli().kind() == Sli.Kind.LATENCY ? "p95" : "error-ratio");
    return m;
  }

  private String baselineSummary(SliResult r, double up) {
    return id(r) + ": " + (r.sli().kind() == Sli.Kind.LATENCY ? "p95 latency" : "error ratio")
        + " above its learned band (upper " + PromFloat.format(up) + ") for " + baselineFor;
  }

  // ---- promtool test file ----

  /**
   * Writes a {@code promtool test rules} file for the rule file named {@code rulesFile} (relative
   * to the test file): per SLO, a healthy series keeps every alert quiet, a burning one fires
   * every reachable burn-rate tier, and one far outside the band fires the baseline alert.
   */
  public void writeTests(Writer w, String rulesFile) throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append("# Generated by traceguard slo baseline: run with promtool test rules.\n");
    sb.append("rule_files:\n  - ").append(Yaml.q(rulesFile)).append('\n');
    // Rules are evaluated every 5 minutes: enough for the alerts' for: durations, and five times
    // cheaper than every minute when the file holds many SLOs.
    sb.append("evaluation_interval: 5m\n");
    sb.append("tests:\n");
    int tests = 0;
    for (Slo s : slos) {
      SliResult r = s.result();
      Synthetic syn = Synthetic.of(r, s.examples());
      if (syn == null) {
        skipped.add(id(r) + ": no series labels to build a test from");
        continue;
      }
      List<SliResult.BurnTier> reachable = new ArrayList<>();
      double maxTh = 0;
      for (SliResult.BurnTier t : r.tiers()) {
        if (t.reachable()) {
          reachable.add(t);
          maxTh = Math.max(maxTh, t.threshold().doubleValue());
        }
      }
      double up = upper(r);
      // Healthy: nothing burns.
      tests++;
      test(sb, id(r) + ": healthy traffic fires no burn-rate alert", syn.series(0.0));
      alertTest(sb, "4h", BURN_ALERT, List.of());
      if (r.sli().kind() == Sli.Kind.ERRORS && !Double.isNaN(up)) {
        alertTest(sb, "4h", BASELINE_ALERT, List.of());
      }
      if (!reachable.isEmpty()) {
        tests++;
        double burn = Math.min(1.0, maxTh * 2);
        test(sb, id(r) + ": an error ratio of " + PromFloat.format(burn) + " fires every burn-rate tier",
            syn.series(burn));
        alertTest(sb, "5m", BURN_ALERT, List.of());
        List<Map<String, String>> exp = new ArrayList<>();
        for (SliResult.BurnTier t : reachable) {
          Map<String, String> labels = alertLabels(r, syn);
          labels.putAll(burnLabels(r, t));
          exp.add(labels);
        }
        List<Map<String, String>> ann = new ArrayList<>();
        for (SliResult.BurnTier t : reachable) {
          ann.add(Map.of("summary", burnSummary(r, t)));
        }
        alertTest(sb, "4h", BURN_ALERT, exp, ann);
      }
      if (!Double.isNaN(up)) {
        List<String[]> atMedian = r.sli().kind() == Sli.Kind.LATENCY
            ? syn.latencyAt(Math.min(r.baselines().get("p95").median(), up)) : null;
        if (atMedian != null) {
          tests++;
          test(sb, id(r) + ": p95 at its learned median fires no baseline alert", atMedian);
          alertTest(sb, "1h", BASELINE_ALERT, List.of());
        }
        tests++;
        test(sb, id(r) + ": far outside the learned band fires the baseline alert", syn.outside());
        Map<String, String> labels = alertLabels(r, syn);
        labels.putAll(baselineLabels(r));
        alertTest(sb, "1h", BASELINE_ALERT, List.of(labels), List.of(Map.of("summary", baselineSummary(r, up))));
      }
    }
    if (tests == 0) {
      sb.append("  []\n");
    }
    w.write(sb.toString());
    w.flush();
  }

  private Map<String, String> alertLabels(SliResult r, Synthetic syn) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < r.group().size(); i++) {
      m.put(r.group().name(i), r.group().value(i));
    }
    m.putAll(idLabels(r));
    return m;
  }

  private static void test(StringBuilder sb, String name, List<String[]> series) {
    sb.append("  - name: ").append(Yaml.q(name)).append('\n');
    sb.append("    interval: 1m\n");
    sb.append("    input_series:\n");
    for (String[] s : series) {
      sb.append("      - series: ").append(Yaml.q(s[0])).append('\n');
      sb.append("        values: ").append(Yaml.q(s[1])).append('\n');
    }
    sb.append("    alert_rule_test:\n");
  }

  private static void alertTest(StringBuilder sb, String at, String alert, List<Map<String, String>> exp) {
    alertTest(sb, at, alert, exp, null);
  }

  private static void alertTest(StringBuilder sb, String at, String alert, List<Map<String, String>> exp,
      List<Map<String, String>> annotations) {
    sb.append("      - eval_time: ").append(at).append('\n');
    sb.append("        alertname: ").append(Yaml.q(alert)).append('\n');
    if (exp.isEmpty()) {
      sb.append("        exp_alerts: []\n");
      return;
    }
    sb.append("        exp_alerts:\n");
    for (int i = 0; i < exp.size(); i++) {
      sb.append("          - exp_labels:\n");
      for (Map.Entry<String, String> e : exp.get(i).entrySet()) {
        sb.append("              ").append(e.getKey()).append(": ").append(Yaml.q(e.getValue())).append('\n');
      }
      if (annotations != null) {
        sb.append("            exp_annotations:\n");
        for (Map.Entry<String, String> e : annotations.get(i).entrySet()) {
          sb.append("              ").append(e.getKey()).append(": ").append(Yaml.q(e.getValue())).append('\n');
        }
      }
    }
  }

  /** Synthetic input series for one SLO, 5 hours at one-minute steps, 60 events a minute. */
  private record Synthetic(SliResult r, Labels base, Labels ok, Labels error) {
    private static final int POINTS = 300;

    static Synthetic of(SliResult r, Map<String, Labels> examples) {
      Labels series = examples.get("series");
      if (series == null) {
        return null;
      }
      Sli sli = r.sli();
      if (sli.kind() == Sli.Kind.LATENCY) {
        return new Synthetic(r, series.without("le"), null, null);
      }
      Pattern errors = Pattern.compile(sli.errorRegex());
      Labels ok = examples.get("ok");
      if (ok == null) {
        for (String v : new String[] {"200", "ok", "OK", "success", "SUCCESS"}) {
          if (!errors.matcher(v).matches()) {
            ok = series.with(sli.statusLabel(), v);
            break;
          }
        }
      }
      Labels err = examples.get("error");
      if (err == null) {
        for (String v : new String[] {"500", "error", "SERVER_ERROR", "failed", "5xx"}) {
          if (errors.matcher(v).matches()) {
            err = series.with(sli.statusLabel(), v);
            break;
          }
        }
      }
      return ok == null || err == null ? null : new Synthetic(r, series, ok, err);
    }

    private static String ramp(double perMinute) {
      return "0+" + PromFloat.format(perMinute) + "x" + POINTS;
    }

    private static String name(String metric, Labels labels) {
      return metric + labels.toString();
    }

    /** Series where a share {@code bad} of the events is bad (above the threshold, or failed). */
    List<String[]> series(double bad) {
      List<String[]> out = new ArrayList<>();
      Sli sli = r.sli();
      if (sli.kind() == Sli.Kind.ERRORS) {
        out.add(new String[] {name(sli.metric(), ok), ramp(60 * (1 - bad))});
        out.add(new String[] {name(sli.metric(), error), ramp(60 * bad)});
        return out;
      }
      double[] b = sli.bounds();
      double cut = Sli.parseLe(le(r));
      for (int i = 0; i < b.length; i++) {
        double inc = b[i] == Double.POSITIVE_INFINITY ? 60 : b[i] < cut ? 0 : 60 * (1 - bad);
        out.add(new String[] {name(sli.metric() + "_bucket", base.with("le", sli.les().get(i))), ramp(inc)});
      }
      return out;
    }

    /** Latency series whose p95 is {@code target} (or just below it when a bucket edge is in the way). */
    List<String[]> latencyAt(double target) {
      Sli sli = r.sli();
      double[] b = sli.bounds();
      int j = 0;
      while (j < b.length - 2 && b[j] < target) {
        j++;
      }
      if (j == 0) {
        // Nothing lies below the lowest bucket: its p95 is 95% of the way through it.
        return b[0] > 0 && 0.95 * b[0] <= target ? ramps(60) : null;
      }
      double lower = b[j - 1];
      double width = b[j] - lower;
      double t = Math.max(lower, target - 0.01 * width);
      double x = width > 0 ? (t - lower) / width : 0;
      // With c of 100 observations at or below the lower edge and the rest in this bucket,
      // p95 = lower + width · (95 − c) / (100 − c); solve for c.
      double c = x >= 0.95 ? 0 : Math.max(0, (95 - 100 * x) / (1 - x));
      List<String[]> out = new ArrayList<>();
      for (int i = 0; i < b.length; i++) {
        double inc = i < j - 1 ? 0 : i == j - 1 ? c * 0.6 : 60;
        out.add(new String[] {name(sli.metric() + "_bucket", base.with("le", sli.les().get(i))), ramp(inc)});
      }
      return out;
    }

    /** Latency series with {@code rest} events a minute, all in the lowest bucket. */
    private List<String[]> ramps(double rest) {
      Sli sli = r.sli();
      List<String[]> out = new ArrayList<>();
      for (int i = 0; i < sli.les().size(); i++) {
        out.add(new String[] {name(sli.metric() + "_bucket", base.with("le", sli.les().get(i))), ramp(rest)});
      }
      return out;
    }

    /** Series far outside the learned band: every request fails, or is slower than every bucket. */
    List<String[]> outside() {
      if (r.sli().kind() == Sli.Kind.ERRORS) {
        return series(1.0);
      }
      Sli sli = r.sli();
      double[] b = sli.bounds();
      List<String[]> out = new ArrayList<>();
      for (int i = 0; i < b.length; i++) {
        out.add(new String[] {name(sli.metric() + "_bucket", base.with("le", sli.les().get(i))),
            ramp(b[i] == Double.POSITIVE_INFINITY ? 60 : 0)});
      }
      return out;
    }
  }

  // ---- specs ----

  /** Writes one OpenSLO v1 {@code SLO} document per SLO, separated by {@code ---}. */
  public void writeOpenSlo(Writer w) throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append("# Generated by traceguard slo baseline: OpenSLO v1.\n");
    boolean firstDoc = true;
    for (Slo s : slos) {
      SliResult r = s.result();
      if (!firstDoc) {
        sb.append("---\n");
      }
      firstDoc = false;
      Sli sli = r.sli();
      String good;
      String bad;
      String total;
      if (sli.kind() == Sli.Kind.ERRORS) {
        bad = by(r) + " (rate(" + sel(sli.metric(), r, sli.statusLabel() + "=~" + Selector.quote(sli.errorRegex())) + "[5m]))";
        total = by(r) + " (rate(" + sel(sli.metric(), r) + "[5m]))";
        good = null;
      } else {
        good = by(r) + " (rate(" + sel(sli.metric() + "_bucket", r, "le=" + Selector.quote(le(r))) + "[5m]))";
        total = by(r) + " (rate(" + sel(sli.metric() + "_bucket", r, "le=\"+Inf\"") + "[5m]))";
        bad = null;
      }
      sb.append("apiVersion: openslo/v1\n");
      sb.append("kind: SLO\n");
      sb.append("metadata:\n");
      sb.append("  name: ").append(Yaml.q(dns(id(r)))).append('\n');
      sb.append("  displayName: ").append(Yaml.q(sli.metric() + r.group() + " " + sli.kind().id())).append('\n');
      sb.append("spec:\n");
      sb.append("  description: ").append(Yaml.q(description(r))).append('\n');
      sb.append("  service: ").append(Yaml.q(service(r))).append('\n');
      sb.append("  indicator:\n");
      sb.append("    metadata:\n");
      // Truncate the SLO's name first so the indicator's stays distinct from it.
      sb.append("      name: ").append(Yaml.q(dns(dns(id(r)).substring(0, Math.min(59, dns(id(r)).length())) + "-sli")))
          .append('\n');
      sb.append("    spec:\n");
      sb.append("      ratioMetric:\n");
      sb.append("        counter: true\n");
      if (good != null) {
        source(sb, "good", good);
      } else {
        source(sb, "bad", bad);
      }
      source(sb, "total", total);
      sb.append("  timeWindow:\n");
      sb.append("    - duration: ").append(Yaml.q(periodString(period))).append('\n');
      sb.append("      isRolling: true\n");
      sb.append("  budgetingMethod: Occurrences\n");
      sb.append("  objectives:\n");
      sb.append("    - displayName: ").append(Yaml.q(sli.kind() == Sli.Kind.LATENCY
          ? "requests faster than " + le(r) : "requests that succeed")).append('\n');
      sb.append("      target: ").append(r.objective().used().toPlainString()).append('\n');
    }
    w.write(sb.toString());
    w.flush();
  }

  private static void source(StringBuilder sb, String key, String query) {
    sb.append("        ").append(key).append(":\n");
    sb.append("          metricSource:\n");
    sb.append("            type: Prometheus\n");
    sb.append("            spec:\n");
    sb.append("              query: ").append(Yaml.q(query)).append('\n');
  }

  private String description(SliResult r) {
    SliResult.Objective o = r.objective();
    return "objective " + o.used().toPlainString() + (o.suggested() != null && o.suggested().equals(o.used())
        ? " learned from history: met in " + Math.round(o.metShare() * 100) + "% of " + o.achieved().length + " windows"
        : " given on the command line");
  }

  private static String dns(String s) {
    String d = s.toLowerCase(Locale.ROOT).replace('_', '-').replaceAll("[^a-z0-9-]", "-").replaceAll("-+", "-");
    d = d.replaceAll("^-|-$", "");
    return d.length() > 63 ? d.substring(0, 63).replaceAll("-$", "") : d;
  }

  /** Writes a Sloth {@code prometheus/v1} spec per service, separated by {@code ---}. */
  public void writeSloth(Writer w) throws IOException {
    Map<String, List<SliResult>> byService = new LinkedHashMap<>();
    for (Slo s : slos) {
      byService.computeIfAbsent(service(s.result()), k -> new ArrayList<>()).add(s.result());
    }
    StringBuilder sb = new StringBuilder();
    sb.append("# Generated by traceguard slo baseline: Sloth prometheus/v1 spec (sloth generate -i this).\n");
    boolean firstDoc = true;
    for (Map.Entry<String, List<SliResult>> e : byService.entrySet()) {
      if (!firstDoc) {
        sb.append("---\n");
      }
      firstDoc = false;
      sb.append("version: \"prometheus/v1\"\n");
      sb.append("service: ").append(Yaml.q(e.getKey())).append('\n');
      sb.append("slos:\n");
      for (SliResult r : e.getValue()) {
        Sli sli = r.sli();
        String total;
        String errors;
        if (sli.kind() == Sli.Kind.ERRORS) {
          total = "sum(rate(" + sel(sli.metric(), r) + "[{{.window}}]))";
          errors = "sum(rate(" + sel(sli.metric(), r, sli.statusLabel() + "=~" + Selector.quote(sli.errorRegex()))
              + "[{{.window}}]))";
        } else {
          String all = "sum(rate(" + sel(sli.metric() + "_bucket", r, "le=\"+Inf\"") + "[{{.window}}]))";
          total = all;
          errors = "(" + all + " - sum(rate(" + sel(sli.metric() + "_bucket", r, "le=" + Selector.quote(le(r)))
              + "[{{.window}}])))";
        }
        BigDecimal pct = r.objective().used().movePointRight(2).stripTrailingZeros();
        sb.append("  - name: ").append(Yaml.q(id(r))).append('\n');
        sb.append("    objective: ").append(pct.toPlainString()).append('\n');
        sb.append("    description: ").append(Yaml.q(description(r))).append('\n');
        sb.append("    sli:\n");
        sb.append("      events:\n");
        sb.append("        error_query: ").append(Yaml.q(errors)).append('\n');
        sb.append("        total_query: ").append(Yaml.q(total)).append('\n');
        sb.append("    alerting:\n");
        sb.append("      name: ").append(Yaml.q(BURN_ALERT)).append('\n');
        sb.append("      page_alert:\n        labels:\n          severity: \"page\"\n");
        sb.append("      ticket_alert:\n        labels:\n          severity: \"ticket\"\n");
      }
    }
    w.write(sb.toString());
    w.flush();
  }
}
