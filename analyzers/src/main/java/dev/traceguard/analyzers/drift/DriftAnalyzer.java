package dev.traceguard.analyzers.drift;

import dev.traceguard.analyzers.AnalysisOptions;
import dev.traceguard.analyzers.Analyzer;
import dev.traceguard.analyzers.FindingSink;
import dev.traceguard.analyzers.model.Telemetry;
import dev.traceguard.analyzers.report.Finding;
import dev.traceguard.analyzers.report.Severity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Did the model change behaviour? Compares the versions of each model within one dump (A/B
 * rollout), or the dump against a baseline ({@link DriftOptions#baseline}): span durations
 * ({@code latency-drift}), numeric span attributes ({@code numeric-drift}), low-cardinality text
 * attributes ({@code categorical-drift}) and classic histogram metrics ({@code histogram-drift}).
 *
 * <p>A difference is reported only when it is both significant (Kolmogorov–Smirnov or chi-square
 * p-value at most alpha after the Bonferroni correction over every test of the run) and
 * material (normed Wasserstein or Jensen–Shannon distance at least the effect floor). Which test
 * is named follows Evidently's defaults: KS or chi-square for at most 1000 reference values,
 * normed Wasserstein or Jensen–Shannon distance above. Every rule is described in docs/rules.md.
 */
public final class DriftAnalyzer implements Analyzer {
  /** This analyzer's name. */
  public static final String NAME = "drift";

  private static final int MAX_LISTED = 20;

  /** The analyzer. */
  public DriftAnalyzer() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "model drift between versions or against a baseline: latency, numeric and categorical attributes,"
        + " histogram metrics";
  }

  @Override
  public void analyze(Telemetry telemetry, AnalysisOptions options, FindingSink out) {
    new Run(telemetry, options.get(DriftOptions.class, DriftOptions::defaults), out).run();
  }

  /** One test waiting for the correction: what it is about, its p-value, distance and evidence. */
  private static final class Candidate {
    String rule;
    String service;
    String spanName;
    String model;
    String version;
    String metric;
    String field;
    double p;
    double distance;
    Map<String, Object> evidence = new LinkedHashMap<>();
    String message;
    String hint;
    String where;
  }

  /** Which side is the reference and how to name the comparison in words. */
  private record Pair(String model, String version, String referenceVersion, boolean baseline) {
    String who() {
      if (baseline) {
        return model;
      }
      String v = version.matches("[vV]\\d.*") ? version : "version " + version;
      return v + " of " + model;
    }

    String than() {
      return baseline ? " than in the baseline" : " than " + referenceVersion;
    }

    String compared() {
      return baseline ? " compared with the baseline" : " compared with " + referenceVersion;
    }
  }

  private static final class Run {
    private final Telemetry t;
    private final DriftOptions o;
    private final FindingSink out;
    private final List<Candidate> candidates = new ArrayList<>();
    private final List<String> notEnough = new ArrayList<>();
    private long notEnoughCount;
    private long highCardinality;
    private long comparisons;

    Run(Telemetry t, DriftOptions o, FindingSink out) {
      this.t = t;
      this.o = o;
      this.out = out;
    }

    void run() {
      boolean baseline = o.baseline() != null;
      SpanCollector cur = new SpanCollector(t.spans(), o, baseline);
      List<SpanGroup> groups = cur.collect();
      List<HistogramCollector.Histogram> hists = HistogramCollector.collect(t.metrics(), o, baseline);
      if (baseline) {
        SpanCollector base = new SpanCollector(o.baseline().spans(), o, true);
        Map<List<String>, SpanGroup> ref = new LinkedHashMap<>();
        for (SpanGroup g : base.collect()) {
          ref.put(List.of(g.service, g.spanName, g.model), g);
        }
        for (SpanGroup g : groups) {
          SpanGroup r = ref.get(List.of(g.service, g.spanName, g.model));
          if (r != null) {
            compare(r, g, new Pair(g.model, "", "baseline", true));
          }
        }
        Map<List<String>, HistogramCollector.Histogram> refH = new LinkedHashMap<>();
        for (HistogramCollector.Histogram h : HistogramCollector.collect(o.baseline().metrics(), o, true)) {
          refH.put(List.of(h.family, h.model), h);
        }
        for (HistogramCollector.Histogram h : hists) {
          HistogramCollector.Histogram r = refH.get(List.of(h.family, h.model));
          if (r != null) {
            compare(r, h, new Pair(h.model, "", "baseline", true));
          }
        }
      } else {
        Map<List<String>, List<SpanGroup>> strata = new TreeMap<>(Comparator.comparing(Object::toString));
        for (SpanGroup g : groups) {
          if (!g.version.isEmpty()) {
            strata.computeIfAbsent(List.of(g.service, g.spanName, g.model), k -> new ArrayList<>()).add(g);
          }
        }
        for (List<SpanGroup> versions : strata.values()) {
          versions.sort((a, b) -> naturalOrder(a.version, b.version));
          for (int k = 1; k < versions.size(); k++) {
            SpanGroup r = versions.get(0);
            SpanGroup g = versions.get(k);
            compare(r, g, new Pair(g.model, g.version, r.version, false));
          }
        }
        Map<List<String>, List<HistogramCollector.Histogram>> hs = new TreeMap<>(Comparator.comparing(Object::toString));
        for (HistogramCollector.Histogram h : hists) {
          if (!h.version.isEmpty()) {
            hs.computeIfAbsent(List.of(h.family, h.model), k -> new ArrayList<>()).add(h);
          }
        }
        for (List<HistogramCollector.Histogram> versions : hs.values()) {
          versions.sort((a, b) -> naturalOrder(a.version, b.version));
          for (int k = 1; k < versions.size(); k++) {
            HistogramCollector.Histogram r = versions.get(0);
            HistogramCollector.Histogram h = versions.get(k);
            compare(r, h, new Pair(h.model, h.version, r.version, false));
          }
        }
      }
      report();
      long notGrouped = cur.spansNotGrouped;
      if (comparisons > 0 || baseline || notEnoughCount > 0 || notGrouped > 0) {
        if (notGrouped > 0) {
          out.stat("driftSpansNotGrouped", notGrouped);
        }
        out.stat("driftComparisons", comparisons);
        out.stat("driftTests", candidates.size());
        out.stat("driftCorrection", "bonferroni");
        if (baseline) {
          out.stat("driftBaselineSpans", o.baseline().spans().size());
        }
        if (notEnoughCount > 0) {
          out.stat("driftNotEnoughData", notEnoughCount);
          out.stat("driftNotEnoughDataFields", notEnough);
        }
        if (highCardinality > 0) {
          out.stat("driftHighCardinalityFields", highCardinality);
        }
      }
    }

    // ---- span groups

    void compare(SpanGroup ref, SpanGroup cur, Pair pair) {
      comparisons++;
      String where = cur.service + " '" + cur.spanName + "'";
      Candidate c = numeric(ref.latency, cur.latency, pair, where, "duration", false);
      if (c != null) {
        c.rule = "latency-drift";
        latencyWords(c, pair);
        add(c, cur.service, cur.spanName, pair, null, "duration");
      }
      Map<String, SpanGroup.Field> rf = ref.fields();
      Map<String, SpanGroup.Field> cf = cur.fields();
      for (Map.Entry<String, SpanGroup.Field> e : cf.entrySet()) {
        SpanGroup.Field b = rf.get(e.getKey());
        SpanGroup.Field a = e.getValue();
        if (b == null) {
          continue;
        }
        String field = e.getKey();
        if (a.numbers != null && b.numbers != null && a.categories == null && b.categories == null) {
          c = numeric(b.numbers, a.numbers, pair, where, field, true);
          if (c != null) {
            if (c.rule == null) {
              c.rule = "numeric-drift";
              numericWords(c, pair, field);
            }
            add(c, cur.service, cur.spanName, pair, null, field);
          }
        } else if (a.categories != null && b.categories != null && a.numbers == null && b.numbers == null) {
          if (a.categories.overflowed() || b.categories.overflowed()) {
            highCardinality++;
            continue;
          }
          Map<String, long[]> counts = new TreeMap<>();
          for (int k = 0; k < b.categories.size(); k++) {
            counts.computeIfAbsent(ref.categoryText(b.categories.id(k)), x -> new long[2])[0] += b.categories.count(k);
          }
          for (int k = 0; k < a.categories.size(); k++) {
            counts.computeIfAbsent(cur.categoryText(a.categories.id(k)), x -> new long[2])[1] += a.categories.count(k);
          }
          c = categorical(counts, pair, where, field);
          if (c != null) {
            add(c, cur.service, cur.spanName, pair, null, field);
          }
        }
      }
    }

    private void add(Candidate c, String service, String spanName, Pair pair, String metric, String field) {
      c.service = service;
      c.spanName = spanName;
      c.model = pair.model();
      c.version = pair.baseline() ? null : pair.version();
      c.metric = metric;
      c.field = field;
      c.evidence.put(pair.baseline() ? "reference" : "referenceVersion", pair.referenceVersion());
      candidates.add(c);
    }

    private boolean enough(long nRef, long nCur, Pair pair, String where, String field) {
      if (nRef >= o.minSamples() && nCur >= o.minSamples()) {
        return true;
      }
      notEnoughCount++;
      if (notEnough.size() < MAX_LISTED) {
        notEnough.add(pair.who() + " " + where + " " + field + ": " + nRef + "/" + nCur + " values, need "
            + o.minSamples() + " each");
      }
      return false;
    }

    /** A numeric comparison, or a categorical one when both sides together have at most 5 values. */
    private Candidate numeric(
        NumericSample ref, NumericSample cur, Pair pair, String where, String field, boolean fewAsCategories) {
      if (!enough(ref.count(), cur.count(), pair, where, field)) {
        return null;
      }
      if (fewAsCategories && !ref.many() && !cur.many()) {
        TreeSet<Double> union = new TreeSet<>();
        for (double v : ref.distinctValues()) {
          union.add(v);
        }
        for (double v : cur.distinctValues()) {
          union.add(v);
        }
        if (union.size() <= NumericSample.FEW) {
          Map<String, long[]> counts = new LinkedHashMap<>();
          for (double v : union) {
            counts.put(numberText(v), new long[] {ref.countOf(v), cur.countOf(v)});
          }
          return categorical(counts, pair, where, field);
        }
      }
      double[] r = ref.sorted();
      double[] c = cur.sorted();
      DriftStatistics.Test ks = DriftStatistics.ks(r, c);
      double w = DriftStatistics.normedWasserstein(r, c);
      Candidate cand = new Candidate();
      cand.where = where;
      cand.p = ks.pValue();
      cand.distance = w;
      boolean large = ref.count() > o.largeSample();
      Map<String, Object> e = cand.evidence;
      e.put("test", large ? "wasserstein" : "ks");
      e.put("statistic", large ? w : ks.statistic());
      e.put("threshold", large ? o.effectFloor() : o.alpha());
      e.put("ksStatistic", ks.statistic());
      e.put("pValue", ks.pValue());
      e.put("distance", w);
      e.put("distanceName", "wasserstein-normed");
      e.put("effectFloor", o.effectFloor());
      e.put("psi", DriftStatistics.psiDeciles(r, c));
      e.put("n", sides(ref.count(), cur.count()));
      if (r.length < ref.count() || c.length < cur.count()) {
        e.put("sampled", sides(r.length, c.length));
      }
      e.put("referenceStats", summary(r));
      e.put("currentStats", summary(c));
      e.put("histogram", histogram(r, c));
      double rp50 = DriftStatistics.quantile(r, 0.5);
      double cp50 = DriftStatistics.quantile(c, 0.5);
      String stat = large
          ? "normed Wasserstein " + num(w) + ", KS p" + pText(ks.pValue())
          : "KS D=" + num(ks.statistic()) + ", p" + pText(ks.pValue());
      cand.evidence.put("_stat", stat + ", n=" + ref.count() + "/" + cur.count());
      cand.evidence.put("_p50", new double[] {rp50, cp50});
      cand.evidence.put("_p95", new double[] {DriftStatistics.quantile(r, 0.95), DriftStatistics.quantile(c, 0.95)});
      return cand;
    }

    private Candidate categorical(Map<String, long[]> counts, Pair pair, String where, String field) {
      long[] r = new long[counts.size()];
      long[] c = new long[counts.size()];
      String[] names = new String[counts.size()];
      int k = 0;
      for (Map.Entry<String, long[]> e : counts.entrySet()) {
        names[k] = e.getKey();
        r[k] = e.getValue()[0];
        c[k] = e.getValue()[1];
        k++;
      }
      long nr = DriftStatistics.sum(r);
      long nc = DriftStatistics.sum(c);
      if (!enough(nr, nc, pair, where, field)) {
        return null;
      }
      Candidate cand = categoricalTest(names, r, c);
      cand.rule = "categorical-drift";
      int top = 0;
      double best = -1;
      for (int i = 0; i < names.length; i++) {
        double d = Math.abs((double) c[i] / nc - (double) r[i] / nr);
        if (d > best) {
          best = d;
          top = i;
        }
      }
      double cs = (double) c[top] / nc;
      double rs = (double) r[top] / nr;
      cand.message = pair.who() + " gives " + field + " '" + names[top] + "' " + (cs >= rs ? "more" : "less")
          + " often" + pair.than() + " in " + where + ": " + pct(cs) + " vs " + pct(rs) + " ("
          + cand.evidence.remove("_stat") + ")";
      cand.hint = "compare the two versions' outputs on the same inputs; a shift in " + field
          + " usually means changed weights, prompt template or decoding settings";
      return cand;
    }

    private Candidate categoricalTest(String[] names, long[] r, long[] c) {
      long nr = DriftStatistics.sum(r);
      long nc = DriftStatistics.sum(c);
      DriftStatistics.Test gof = DriftStatistics.chiSquare(r, c);
      DriftStatistics.Test chi = DriftStatistics.chiSquareTwoSample(r, c);
      double js = DriftStatistics.jensenShannon(r, c);
      Candidate cand = new Candidate();
      cand.p = chi.pValue();
      cand.distance = js;
      boolean large = nr > o.largeSample();
      Map<String, Object> e = cand.evidence;
      e.put("test", large ? "jensen-shannon" : "chi-square");
      e.put("statistic", large ? js : gof.statistic());
      e.put("threshold", large ? o.effectFloor() : o.alpha());
      e.put("chiSquare", gof.statistic());
      e.put("pValueGoodnessOfFit", gof.pValue());
      e.put("chiSquareAdjusted", chi.statistic());
      e.put("pValue", chi.pValue());
      e.put("distance", js);
      e.put("distanceName", "jensen-shannon");
      e.put("effectFloor", o.effectFloor());
      e.put("psi", DriftStatistics.psi(r, c));
      e.put("n", sides(nr, nc));
      Map<String, Object> rd = new LinkedHashMap<>();
      Map<String, Object> cd = new LinkedHashMap<>();
      for (int i = 0; i < names.length; i++) {
        rd.put(names[i], round((double) r[i] / nr));
        cd.put(names[i], round((double) c[i] / nc));
      }
      e.put("referenceDistribution", rd);
      e.put("currentDistribution", cd);
      Map<String, Object> counts = new LinkedHashMap<>();
      for (int i = 0; i < names.length; i++) {
        counts.put(names[i], List.of(r[i], c[i]));
      }
      e.put("counts", counts);
      String stat = large
          ? "JS distance " + num(js) + ", chi² p" + pText(chi.pValue())
          : "chi² p" + pText(chi.pValue()) + ", JS distance " + num(js);
      e.put("_stat", stat + ", n=" + nr + "/" + nc);
      return cand;
    }

    private void latencyWords(Candidate c, Pair pair) {
      double[] p50 = (double[]) c.evidence.remove("_p50");
      double[] p95 = (double[]) c.evidence.remove("_p95");
      String stat = (String) c.evidence.remove("_stat");
      c.evidence.put("unit", "ms");
      c.message = pair.who() + " is " + (p50[1] >= p50[0] ? "slower" : "faster") + pair.than() + " in "
          + c.where + ": median " + ms(p50[1]) + " vs " + ms(p50[0])
          + ", p95 " + ms(p95[1]) + " vs " + ms(p95[0]) + " (" + stat + ")";
      c.hint = "compare the versions' batch size, max tokens, quantization and hardware; check the slow spans'"
          + " traces for queueing before the model call";
    }

    private void numericWords(Candidate c, Pair pair, String field) {
      double[] p50 = (double[]) c.evidence.remove("_p50");
      c.evidence.remove("_p95");
      String stat = (String) c.evidence.remove("_stat");
      boolean up = p50[1] >= p50[0];
      String f = field.toLowerCase(Locale.ROOT);
      String what;
      String named = "";
      if (f.contains("confidence") || f.contains("prob") || f.contains("score")) {
        what = up ? "is more confident" : "is less confident";
        named = " (" + field + ")";
      } else {
        what = "gives " + (up ? "higher " : "lower ") + field;
      }
      c.message = pair.who() + " " + what + pair.than() + " in " + c.where + named + ": median "
          + num(p50[1]) + " vs "
          + num(p50[0]) + " (" + stat + ")";
      c.hint = "compare the two versions on the same inputs; a shift in " + field
          + " usually means changed weights, prompt template, tokenizer or decoding settings";
    }

    // ---- histograms

    void compare(HistogramCollector.Histogram ref, HistogramCollector.Histogram cur, Pair pair) {
      comparisons++;
      TreeSet<Double> common = new TreeSet<>(ref.cumulative.keySet());
      common.retainAll(cur.cumulative.keySet());
      common.add(Double.POSITIVE_INFINITY);
      if (common.size() < 2) {
        return;
      }
      List<Double> bounds = new ArrayList<>(common);
      long[] r = buckets(ref, bounds);
      long[] c = buckets(cur, bounds);
      String[] names = new String[bounds.size()];
      for (int i = 0; i < names.length; i++) {
        names[i] = "le " + numberText(bounds.get(i));
      }
      long nr = DriftStatistics.sum(r);
      long nc = DriftStatistics.sum(c);
      if (!enough(nr, nc, pair, cur.family, "buckets")) {
        return;
      }
      Candidate cand = categoricalTest(names, r, c);
      cand.rule = "histogram-drift";
      String stat = (String) cand.evidence.remove("_stat");
      double rq = bucketQuantile(bounds, r, 0.5);
      double cq = bucketQuantile(bounds, c, 0.5);
      cand.evidence.put("referenceP50", rq);
      cand.evidence.put("currentP50", cq);
      cand.evidence.put("referenceP95", bucketQuantile(bounds, r, 0.95));
      cand.evidence.put("currentP95", bucketQuantile(bounds, c, 0.95));
      cand.message = pair.who() + " moves " + cur.family + " " + (cq >= rq ? "up" : "down") + pair.compared()
          + ": median ≈" + num(cq) + " vs ≈" + num(rq) + " (" + stat + ")";
      cand.hint = "the histogram's observations moved between buckets; look at the spans of the same model"
          + " and version for the cause, and at the bucket bounds if the shift is at the edge";
      add(cand, null, null, pair, cur.family, "buckets");
    }

    private static long[] buckets(HistogramCollector.Histogram h, List<Double> bounds) {
      long[] out = new long[bounds.size()];
      long prev = 0;
      long total = 0;
      for (long v : h.cumulative.values()) {
        total = Math.max(total, v);
      }
      for (int i = 0; i < bounds.size(); i++) {
        Long cum = h.cumulative.get(bounds.get(i));
        long v = cum == null ? total : Math.max(cum, prev);
        out[i] = v - prev;
        prev = v;
      }
      return out;
    }

    /** A quantile from bucket counts, interpolated linearly within the bucket as PromQL does. */
    private static double bucketQuantile(List<Double> bounds, long[] counts, double q) {
      long total = DriftStatistics.sum(counts);
      double rank = q * total;
      long cum = 0;
      for (int i = 0; i < counts.length; i++) {
        if (cum + counts[i] >= rank && counts[i] > 0) {
          double lo = i == 0 ? 0 : bounds.get(i - 1);
          double hi = bounds.get(i);
          if (Double.isInfinite(hi)) {
            return lo;
          }
          return lo + (hi - lo) * (rank - cum) / counts[i];
        }
        cum += counts[i];
      }
      return bounds.get(Math.max(0, bounds.size() - 2));
    }

    // ---- correction and findings

    void report() {
      if (candidates.isEmpty()) {
        return;
      }
      double[] p = new double[candidates.size()];
      for (int i = 0; i < p.length; i++) {
        p[i] = candidates.get(i).p;
      }
      double[] adj = DriftStatistics.bonferroni(p);
      for (int i = 0; i < p.length; i++) {
        Candidate c = candidates.get(i);
        if (!(adj[i] <= o.alpha() && c.distance >= o.effectFloor())) {
          continue;
        }
        Map<String, Object> e = new LinkedHashMap<>();
        for (Map.Entry<String, Object> x : c.evidence.entrySet()) {
          e.put(x.getKey(), x.getValue());
          if (x.getKey().equals("pValue")) {
            e.put("pValueAdjusted", adj[i]);
            e.put("alpha", o.alpha());
            e.put("correction", "bonferroni");
            e.put("tests", p.length);
          }
        }
        Finding.Builder b = Finding.builder(NAME, c.rule, Severity.WARNING)
            .message(c.message)
            .hint(c.hint)
            .subject("service", c.service)
            .subject("model", c.model)
            .subject("version", c.version)
            .subject("metric", c.metric)
            .subject("field", c.field)
            .subject("spanName", c.spanName);
        for (Map.Entry<String, Object> x : e.entrySet()) {
          if (!x.getKey().startsWith("_")) {
            b.evidence(x.getKey(), x.getValue());
          }
        }
        out.add(b.build());
      }
    }
  }

  // ---- formatting

  private static Map<String, Object> sides(long ref, long cur) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("reference", ref);
    m.put("current", cur);
    return m;
  }

  private static Map<String, Object> summary(double[] sorted) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mean", DriftStatistics.mean(sorted));
    m.put("p50", DriftStatistics.quantile(sorted, 0.5));
    m.put("p95", DriftStatistics.quantile(sorted, 0.95));
    return m;
  }

  /** Bins of the plotted histogram ({@code evidence.histogram}). */
  static final int HISTOGRAM_BINS = 20;

  /**
   * A small histogram of both sides over one shared range, for plotting: {@code edges} (bins + 1
   * ascending bounds from the lower 0.5th to the upper 99.5th percentile of either side, so a
   * lone outlier cannot squash the picture; values outside fall into the end bins) and the share of
   * each side's values per bin as {@code reference} and {@code current}. Bounded: 20 bins.
   */
  static Map<String, Object> histogram(double[] r, double[] c) {
    double lo = Math.min(DriftStatistics.quantile(r, 0.005), DriftStatistics.quantile(c, 0.005));
    double hi = Math.max(DriftStatistics.quantile(r, 0.995), DriftStatistics.quantile(c, 0.995));
    if (!(hi > lo)) {
      hi = lo + (lo == 0 ? 1 : Math.abs(lo) * 0.01);
    }
    double step = (hi - lo) / HISTOGRAM_BINS;
    List<Object> edges = new ArrayList<>(HISTOGRAM_BINS + 1);
    for (int i = 0; i <= HISTOGRAM_BINS; i++) {
      edges.add(significant(lo + i * step));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("edges", edges);
    m.put("reference", shares(r, lo, step));
    m.put("current", shares(c, lo, step));
    return m;
  }

  private static List<Object> shares(double[] values, double lo, double step) {
    long[] counts = new long[HISTOGRAM_BINS];
    for (double v : values) {
      int b = (int) Math.floor((v - lo) / step);
      counts[Math.max(0, Math.min(HISTOGRAM_BINS - 1, b))]++;
    }
    List<Object> out = new ArrayList<>(HISTOGRAM_BINS);
    for (long n : counts) {
      out.add(values.length == 0 ? 0.0 : round((double) n / values.length));
    }
    return out;
  }

  /** Six significant digits, enough for a plot's axis and short in JSON. */
  private static double significant(double v) {
    if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) {
      return v;
    }
    return new java.math.BigDecimal(v).round(new java.math.MathContext(6)).doubleValue();
  }

  private static double round(double v) {
    return Math.round(v * 1e4) / 1e4;
  }

  static String numberText(double v) {
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  /** Two or three significant digits, no exponent for everyday magnitudes. */
  static String num(double v) {
    if (v == 0) {
      return "0";
    }
    double a = Math.abs(v);
    if (a >= 1e6 || a < 1e-3) {
      return String.format(Locale.ROOT, "%.2e", v);
    }
    String s = new java.math.BigDecimal(v).round(new java.math.MathContext(a >= 100 ? 4 : 2)).stripTrailingZeros()
        .toPlainString();
    return s;
  }

  /** "<1e-30", "=3.2e-05" or "=0.012". */
  static String pText(double p) {
    if (p < 1e-30) {
      return "<1e-30";
    }
    if (p < 1e-3) {
      return "=" + String.format(Locale.ROOT, "%.1e", p);
    }
    return "=" + num(p);
  }

  private static String pct(double share) {
    return Math.round(share * 1000) / 10.0 + "%";
  }

  /** A duration in ms for a sentence: "812 ms", "1.9 s", "0.45 ms". */
  static String ms(double ms) {
    if (ms >= 1000) {
      return num(ms / 1000) + " s";
    }
    return num(ms) + " ms";
  }

  /** Version order: runs of digits compare as numbers, the rest as text ("v2" before "v10"). */
  static int naturalOrder(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      char x = a.charAt(i);
      char y = b.charAt(j);
      if (Character.isDigit(x) && Character.isDigit(y)) {
        int si = i;
        int sj = j;
        while (i < a.length() && Character.isDigit(a.charAt(i))) {
          i++;
        }
        while (j < b.length() && Character.isDigit(b.charAt(j))) {
          j++;
        }
        java.math.BigInteger u = new java.math.BigInteger(a.substring(si, i));
        java.math.BigInteger v = new java.math.BigInteger(b.substring(sj, j));
        int c = u.compareTo(v);
        if (c != 0) {
          return c;
        }
      } else {
        if (x != y) {
          return Character.compare(x, y);
        }
        i++;
        j++;
      }
    }
    int c = Integer.compare(a.length() - i, b.length() - j);
    return c != 0 ? c : a.compareTo(b);
  }
}
