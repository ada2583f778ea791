package dev.traceguard.analyzers.slo;

import dev.traceguard.analyzers.model.Labels;
import dev.traceguard.analyzers.report.Finding;
import dev.traceguard.analyzers.report.Severity;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Learns baselines and objectives from per-step rates ({@link GroupRates}), however they were
 * obtained (raw samples read offline, or a live Prometheus).
 *
 * <pre>{@code
 * OfflineRates.Result r = OfflineRates.compute(telemetry.metrics(), SloOptions.defaults());
 * SloBaseline.Outcome out = SloBaseline.run(r.groups(), r.problems(), SloOptions.defaults());
 * }</pre>
 */
public final class SloBaseline {
  /** The analyzer name in findings. */
  public static final String ANALYZER = "slo";
  /** Objectives the suggestion chooses from, highest first. */
  public static final List<BigDecimal> LADDER = List.of("0.9999", "0.9995", "0.999", "0.9975", "0.995", "0.99",
      "0.985", "0.98", "0.975", "0.97", "0.95", "0.9", "0.85", "0.8", "0.75", "0.5").stream().map(BigDecimal::new).toList();
  /** Quantiles reported for latency. */
  private static final double[] QUANTILES = {0.5, 0.95, 0.99};
  private static final String[] QUANTILE_NAMES = {"p50", "p95", "p99"};

  /** All results, and what could not be used. */
  public record Outcome(List<SliResult> results, List<Problem> problems) {}

  private SloBaseline() {}

  /** Learns a baseline for every group. */
  public static Outcome run(List<GroupRates> groups, List<Problem> problems, SloOptions o) {
    List<Problem> p = new ArrayList<>(problems);
    List<SliResult> out = new ArrayList<>();
    for (GroupRates g : groups) {
      SliResult r = one(g, o, p);
      if (r != null) {
        out.add(r);
      }
    }
    return new Outcome(out, p);
  }

  private static String where(GroupRates g) {
    return g.sli().metric() + g.group() + " (" + g.sli().kind().id() + ")";
  }

  private static SliResult one(GroupRates g, SloOptions o, List<Problem> problems) {
    Sli sli = g.sli();
    long stepMs = o.step().toMillis();
    long lo = Long.MAX_VALUE;
    long hi = Long.MIN_VALUE;
    for (StepSeries s : g.components().values()) {
      if (s.end() > s.first()) {
        lo = Math.min(lo, s.first());
        hi = Math.max(hi, s.end());
      }
    }
    double[] bounds = null;
    StepSeries[] les = null;
    if (sli.kind() == Sli.Kind.LATENCY) {
      bounds = sli.bounds();
      if (bounds.length == 0 || bounds[bounds.length - 1] != Double.POSITIVE_INFINITY) {
        problems.add(new Problem(where(g), "histogram has no le=\"+Inf\" bucket, so quantiles and totals are"
            + " undefined; left out"));
        return null;
      }
      for (double b : bounds) {
        if (Double.isNaN(b)) {
          problems.add(new Problem(where(g), "an le value is not a number; left out"));
          return null;
        }
      }
      les = new StepSeries[bounds.length];
      for (int i = 0; i < bounds.length; i++) {
        les[i] = g.components().get("le:" + sli.les().get(i));
      }
      if (les[les.length - 1] == null) {
        problems.add(new Problem(where(g), "this group has no le=\"+Inf\" bucket; left out"));
        return null;
      }
    }
    if (lo >= hi) {
      problems.add(new Problem(where(g), "fewer than two samples per series in every rate window; no rate can be"
          + " computed; left out"));
      return null;
    }
    if (hi - lo > 4L * OfflineRates.MAX_STEPS) {
      problems.add(new Problem(where(g), "its series span " + (hi - lo) + " steps of " + human(stepMs)
          + " from first to last; left out (series decades apart? narrow it with --selector)"));
      return null;
    }
    int n = (int) (hi - lo);
    double[] total = new double[n];
    double[] good = new double[n];
    double[][] q = new double[QUANTILES.length][n];
    double[] errorRatio = new double[n];
    double[] mean = new double[n];
    Arrays.fill(good, Double.NaN);
    double[] counts = bounds == null ? null : new double[bounds.length];
    double[] present = bounds == null ? null : new double[bounds.length];
    int nonCumulative = 0;
    String nonCumulativeAt = null;
    for (int i = 0; i < n; i++) {
      long k = lo + i;
      total[i] = Double.NaN;
      errorRatio[i] = Double.NaN;
      mean[i] = Double.NaN;
      for (double[] a : q) {
        a[i] = Double.NaN;
      }
      switch (sli.kind()) {
        case LATENCY: {
          double inf = les[les.length - 1].at(k);
          if (Double.isNaN(inf)) {
            break;
          }
          total[i] = inf;
          int m = 0;
          for (int b = 0; b < bounds.length; b++) {
            double c = les[b] == null ? Double.NaN : les[b].at(k);
            if (!Double.isNaN(c)) {
              present[m] = bounds[b];
              counts[m] = c;
              if (m > 0 && counts[m - 1] - c > 1e-9 * Math.max(1e-9, inf)) {
                if (nonCumulative++ == 0) {
                  nonCumulativeAt = "le=\"" + sli.les().get(b) + "\" at " + java.time.Instant.ofEpochMilli(k * stepMs);
                }
              }
              m++;
            }
          }
          double[] pb = Arrays.copyOf(present, m);
          double[] pc = Arrays.copyOf(counts, m);
          for (int j = 0; j < QUANTILES.length; j++) {
            q[j][i] = HistogramQuantile.quantile(QUANTILES[j], pb, pc);
          }
          break;
        }
        case ERRORS: {
          double t = g.components().containsKey("total") ? g.components().get("total").at(k) : Double.NaN;
          if (Double.isNaN(t)) {
            break;
          }
          total[i] = t;
          double e = g.components().containsKey("errors") ? g.components().get("errors").at(k) : Double.NaN;
          if (Double.isNaN(e)) {
            e = 0;
          }
          if (t > 0) {
            errorRatio[i] = Math.min(1, Math.max(0, e / t));
            good[i] = 1 - errorRatio[i];
          }
          break;
        }
        default: {
          double c = g.components().containsKey("count") ? g.components().get("count").at(k) : Double.NaN;
          double s = g.components().containsKey("sum") ? g.components().get("sum").at(k) : Double.NaN;
          if (Double.isNaN(c)) {
            break;
          }
          total[i] = c;
          if (c > 0 && !Double.isNaN(s)) {
            mean[i] = s / c;
          }
          break;
        }
      }
    }
    if (nonCumulative > 0) {
      problems.add(new Problem(where(g), "bucket counts are not cumulative (a lower le counts more than a higher one,"
          + " first " + nonCumulativeAt + ", " + nonCumulative + " steps); quantiles would be wrong, so it is left out"));
      return null;
    }
    // Coverage: steps with a total, from the first such step to the last.
    int first = -1;
    int last = -1;
    int withData = 0;
    int gap = 0;
    int maxGap = 0;
    double events = 0;
    for (int i = 0; i < n; i++) {
      if (Double.isNaN(total[i])) {
        gap++;
        continue;
      }
      if (first < 0) {
        first = i;
      } else {
        maxGap = Math.max(maxGap, gap);
      }
      gap = 0;
      last = i;
      withData++;
      events += total[i] * (stepMs / 1000.0);
    }
    if (first < 0) {
      problems.add(new Problem(where(g), "no step has data; left out"));
      return null;
    }
    long firstMs = (lo + first) * stepMs;
    long lastMs = (lo + last) * stepMs;
    long spanMs = lastMs - firstMs;
    Map<String, Baseline> baselines = new LinkedHashMap<>();
    double threshold = Double.NaN;
    String thresholdLe = null;
    long[] times = new long[n];
    double[] vals = new double[n];
    if (sli.kind() == Sli.Kind.LATENCY) {
      for (int j = 0; j < QUANTILES.length; j++) {
        baselines.put(QUANTILE_NAMES[j], baseline(q[j], lo, stepMs, times, vals, o, spanMs, bounds));
      }
      threshold = o.latencyThreshold();
      if (Double.isNaN(threshold)) {
        double p99 = baselines.get("p99").median();
        threshold = bounds[bounds.length - 2];
        for (int b = 0; b < bounds.length - 1; b++) {
          if (bounds[b] >= p99) {
            threshold = bounds[b];
            break;
          }
        }
      }
      for (int b = 0; b < bounds.length - 1; b++) {
        if (bounds[b] == threshold) {
          thresholdLe = sli.les().get(b);
        }
      }
      for (int i = 0; i < n; i++) {
        long k = lo + i;
        if (Double.isNaN(total[i]) || !(total[i] > 0)) {
          continue;
        }
        int m = 0;
        for (int b = 0; b < bounds.length; b++) {
          double c = les[b] == null ? Double.NaN : les[b].at(k);
          if (!Double.isNaN(c)) {
            present[m] = bounds[b];
            counts[m] = c;
            m++;
          }
        }
        good[i] = HistogramQuantile.fractionBelow(threshold, Arrays.copyOf(present, m), Arrays.copyOf(counts, m));
      }
      baselines.put("good-ratio", baseline(good, lo, stepMs, times, vals, o, spanMs, null));
    } else if (sli.kind() == Sli.Kind.ERRORS) {
      baselines.put("error-ratio", baseline(errorRatio, lo, stepMs, times, vals, o, spanMs, null));
    } else {
      baselines.put("mean", baseline(mean, lo, stepMs, times, vals, o, spanMs, null));
    }

    SliResult.Objective objective = null;
    List<SliResult.BurnTier> tiers = List.of();
    List<Finding> findings = new ArrayList<>();
    if (sli.kind() != Sli.Kind.MEAN_LATENCY) {
      objective = objective(total, good, lo + first, lo + last, lo, stepMs, o);
      if (objective.used() != null) {
        tiers = tiers(o.period(), objective.used());
      }
    }
    // The chart's series: the quantity the threshold or objective is read against.
    String shown = sli.kind() == Sli.Kind.LATENCY ? "p99" : sli.kind() == Sli.Kind.ERRORS ? "error-ratio" : "mean";
    double[] series = sli.kind() == Sli.Kind.LATENCY ? q[2] : sli.kind() == Sli.Kind.ERRORS ? errorRatio : mean;
    SliResult.Observed observed =
        SliResult.Observed.of(shown, Arrays.copyOfRange(series, first, last + 1), lo + first, stepMs);
    SliResult partial = new SliResult(sli, g.group(), firstMs, lastMs, last - first + 1, withData,
        (long) maxGap * stepMs, events, baselines, threshold, thresholdLe, objective, tiers, List.of(), observed);
    findings(partial, o, findings);
    return new SliResult(sli, g.group(), firstMs, lastMs, last - first + 1, withData, (long) maxGap * stepMs, events,
        baselines, threshold, thresholdLe, objective, tiers, findings, observed);
  }

  private static Baseline baseline(double[] series, long lo, long stepMs, long[] times, double[] vals, SloOptions o,
      long spanMs, double[] bounds) {
    int m = 0;
    for (int i = 0; i < series.length; i++) {
      if (!Double.isNaN(series[i])) {
        times[m] = (lo + i) * stepMs;
        vals[m] = series[i];
        m++;
      }
    }
    if (m == 0) {
      return null;
    }
    return Baseline.of(vals, times, m, o.k(), o.trim(), spanMs, bounds);
  }

  private static SliResult.Objective objective(double[] total, double[] good, long from, long to, long lo, long stepMs,
      SloOptions o) {
    long w = Math.max(1, o.objectiveWindow().toMillis() / stepMs);
    List<Double> achieved = new ArrayList<>();
    for (long start = from; start <= to; start += w) {
      double t = 0;
      double gsum = 0;
      int with = 0;
      for (long k = start; k < start + w && k <= to; k++) {
        int i = (int) (k - lo);
        if (!Double.isNaN(total[i])) {
          with++;
          if (total[i] > 0 && !Double.isNaN(good[i])) {
            t += total[i];
            gsum += total[i] * good[i];
          }
        }
      }
      // A window counts when at least half of it has data.
      if (t > 0 && with * 2 >= w) {
        achieved.add(gsum / t);
      }
    }
    double[] a = achieved.stream().mapToDouble(Double::doubleValue).toArray();
    BigDecimal suggested = null;
    for (BigDecimal level : LADDER) {
      if (share(a, level) >= o.metShare() && a.length > 0) {
        suggested = level;
        break;
      }
    }
    BigDecimal used = o.objective() != null ? o.objective() : suggested;
    double met = used == null ? Double.NaN : share(a, used);
    double[] sorted = a.clone();
    Arrays.sort(sorted);
    double margin = used == null || a.length == 0 ? Double.NaN
        : Stats.quantileSorted(sorted, sorted.length, 0.1) - used.doubleValue();
    return new SliResult.Objective(suggested, used, met, margin, a);
  }

  private static double share(double[] achieved, BigDecimal level) {
    if (achieved.length == 0) {
      return Double.NaN;
    }
    int met = 0;
    for (double x : achieved) {
      if (new BigDecimal(x).compareTo(level) >= 0) {
        met++;
      }
    }
    return (double) met / achieved.length;
  }

  /**
   * The four multiwindow burn-rate tiers of the SRE workbook scaled to {@code period}: each fires
   * when a share of the budget is burnt within its long window, so factor = share × period /
   * long window. Periods of 28 days and more use the workbook's shares (2%, 5%, 10%, 10%: 14.4,
   * 6, 3, 1 for 30 days); shorter periods use larger shares (8%, 12.5%, 20%, 42%) so the slow
   * tiers stay above a burn rate of about 1.
   */
  public static List<SliResult.BurnTier> tiers(Duration period, BigDecimal objective) {
    boolean longPeriod = period.compareTo(Duration.ofDays(28)) >= 0;
    String[][] spec = {
      {"page", "1h", "5m", longPeriod ? "0.02" : "0.08", "2m"},
      {"page", "6h", "30m", longPeriod ? "0.05" : "0.125", "15m"},
      {"ticket", "1d", "2h", longPeriod ? "0.1" : "0.2", "1h"},
      {"ticket", "3d", "6h", longPeriod ? "0.1" : "0.42", "3h"},
    };
    BigDecimal budget = BigDecimal.ONE.subtract(objective);
    BigDecimal periodHours = BigDecimal.valueOf(period.toMinutes()).divide(BigDecimal.valueOf(60), MathContext.DECIMAL64);
    List<SliResult.BurnTier> out = new ArrayList<>();
    for (String[] s : spec) {
      BigDecimal longHours = BigDecimal.valueOf(hours(s[1]));
      BigDecimal factor = new BigDecimal(s[3]).multiply(periodHours)
          .divide(longHours, new MathContext(4, RoundingMode.HALF_EVEN)).stripTrailingZeros();
      BigDecimal threshold = factor.multiply(budget).stripTrailingZeros();
      out.add(new SliResult.BurnTier(s[0], s[1], s[2], new BigDecimal(s[3]), factor, threshold, s[4],
          threshold.compareTo(BigDecimal.ONE) < 0));
    }
    return out;
  }

  private static long hours(String w) {
    long n = Long.parseLong(w.substring(0, w.length() - 1));
    return w.endsWith("d") ? n * 24 : n;
  }

  private static void findings(SliResult r, SloOptions o, List<Finding> out) {
    long windowMs = o.window().toMillis();
    long stepMs = o.step().toMillis();
    boolean shortHistory = r.spanMs() + stepMs < windowMs;
    boolean gappy = r.coverage() < o.minCoverage();
    int windows = r.objective() == null ? -1 : r.objective().achieved().length;
    if (shortHistory || gappy || windows == 0) {
      String why = shortHistory
          ? "covers " + human(r.spanMs() + stepMs) + " of the " + human(windowMs) + " window"
          : gappy ? "has data in " + pct(r.coverage()) + " of its steps (largest gap " + human(r.largestGapMs()) + ")"
          : "has no complete " + human(o.objectiveWindow().toMillis()) + " window to judge an objective by";
      out.add(subject(Finding.builder(ANALYZER, "slo-insufficient-history", Severity.WARNING), r)
          .message("history of " + r.sli().metric() + r.group() + " " + why + "; the baseline is uncertain")
          .evidence("historySeconds", (r.spanMs() + stepMs) / 1000)
          .evidence("windowSeconds", windowMs / 1000)
          .evidence("steps", r.steps())
          .evidence("stepsWithData", r.stepsWithData())
          .evidence("coverage", round(r.coverage()))
          .evidence("largestGapSeconds", r.largestGapMs() / 1000)
          .evidence("objectiveWindows", windows < 0 ? null : windows)
          .hint("give a longer dump (--window is " + human(windowMs) + "), or fix the scrape gaps; until then treat"
              + " the suggested objective as provisional")
          .build());
    }
    if (r.objective() == null || r.objective().used() == null) {
      return;
    }
    BigDecimal used = r.objective().used();
    double budgetFraction = 1 - used.doubleValue();
    double spanSeconds = (r.spanMs() + stepMs) / 1000.0;
    double perPeriod = r.events() / spanSeconds * o.period().toSeconds();
    double budgetEvents = budgetFraction * perPeriod;
    double oneError = budgetEvents > 0 ? 1 / budgetEvents : Double.POSITIVE_INFINITY;
    if (oneError > o.lowTrafficShare()) {
      out.add(subject(Finding.builder(ANALYZER, "slo-low-traffic", Severity.WARNING), r)
          .message("one failed request burns " + pct(Math.min(oneError, 9.99)) + " of the " + human(o.period().toMillis())
              + " error budget of " + r.sli().metric() + r.group() + " at objective " + used.toPlainString()
              + " (about " + Math.round(perPeriod) + " requests per period)")
          .evidence("objective", used.doubleValue())
          .evidence("requestsPerPeriod", round(perPeriod))
          .evidence("budgetRequests", round(budgetEvents))
          .evidence("oneErrorBudgetShare", round(oneError))
          .evidence("limit", o.lowTrafficShare())
          .hint("merge this group with others (--group-by), lengthen the period, lower the objective, or add"
              + " synthetic probes; burn-rate alerts on so few requests page on single errors")
          .build());
    }
    for (SliResult.BurnTier t : r.tiers()) {
      if (!t.reachable()) {
        out.add(subject(Finding.builder(ANALYZER, "slo-unreachable-alert", Severity.ERROR), r)
            .message("the " + t.severity() + " alert over " + t.longWindow() + "/" + t.shortWindow() + " of "
                + r.sli().metric() + r.group() + " can never fire: burn rate " + t.factor().toPlainString()
                + " × budget " + BigDecimal.ONE.subtract(used).toPlainString() + " = " + t.threshold().toPlainString()
                + " ≥ 1")
            .evidence("objective", used.doubleValue())
            .evidence("factor", t.factor().doubleValue())
            .evidence("threshold", t.threshold().doubleValue())
            .evidence("longWindow", t.longWindow())
            .evidence("shortWindow", t.shortWindow())
            .hint("raise the objective or lengthen the period; the rule file leaves this alert out")
            .build());
      }
    }
  }

  private static Finding.Builder subject(Finding.Builder b, SliResult r) {
    for (String key : new String[] {"service", "model"}) {
      for (int i = 0; i < r.group().size(); i++) {
        String name = r.group().name(i);
        if (name.equals(key) || (key.equals("model") && (name.equals("model_name") || name.equals("gen_ai_request_model")))
            || (key.equals("service") && (name.equals("service_name") || name.equals("job")))) {
          b.subject(key, r.group().value(i));
          break;
        }
      }
    }
    b.subject("metric", r.sli().metric());
    if (r.group().size() > 0) {
      b.subject("labels", r.group().asMap());
    }
    return b.subject("field", r.sli().kind().id());
  }

  private static double round(double x) {
    return Double.isFinite(x) ? new BigDecimal(x).round(new MathContext(6)).doubleValue() : x;
  }

  private static String pct(double x) {
    return new BigDecimal(x * 100).round(new MathContext(3)).stripTrailingZeros().toPlainString() + "%";
  }

  /** A duration as {@code 7d}, {@code 36h}, {@code 5m}, {@code 15s}. */
  public static String human(long ms) {
    long s = ms / 1000;
    if (s % 86400 == 0 && s > 0) {
      return s / 86400 + "d";
    }
    if (s % 3600 == 0 && s > 0) {
      return s / 3600 + "h";
    }
    if (s % 60 == 0 && s > 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }
}
