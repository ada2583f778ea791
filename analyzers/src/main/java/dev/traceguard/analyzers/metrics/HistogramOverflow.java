package dev.traceguard.analyzers.metrics;

import dev.traceguard.analyzers.FindingSink;
import dev.traceguard.analyzers.model.Labels;
import dev.traceguard.analyzers.model.MetricSeries;
import dev.traceguard.analyzers.model.MetricType;
import dev.traceguard.analyzers.model.Resource;
import dev.traceguard.analyzers.report.Finding;
import dev.traceguard.analyzers.report.Severity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code histogram-overflow}: a classic histogram whose {@code +Inf} bucket holds more than a
 * share of the observations beyond its largest finite bound.
 *
 * <p>Each member series contributes its observations over the dump: its first value plus every
 * increase, a reset starting the count anew, so a dump of a long-lived process counts everything
 * since it started. The {@code _count} stands in for a missing {@code +Inf} bucket.
 */
final class HistogramOverflow {
  static final String RULE = "histogram-overflow";

  private record Key(Resource resource, String metric, Labels labels) {}

  private record Bucket(double le, String text, double total) {}

  private static final class Hist {
    final List<Bucket> buckets = new ArrayList<>();
    double count = Double.NaN;
    double sum = Double.NaN;
    Labels labels;
  }

  private final MetricsOptions options;
  private final Map<Key, Hist> hists = new LinkedHashMap<>();

  HistogramOverflow(MetricsOptions options) {
    this.options = options;
  }

  /** Takes a series when it belongs to a classic histogram. */
  void add(MetricSeries s) {
    MetricType t = s.family().type();
    if (t != MetricType.HISTOGRAM && t != MetricType.UNKNOWN) {
      return;
    }
    String n = s.name();
    String base = MetricNames.strip(n, "_bucket");
    if (base != null) {
      String le = s.labels().get("le");
      double bound = parseLe(le);
      if (Double.isNaN(bound)) {
        return;
      }
      Hist h = hist(s, base, s.labels().without("le"));
      h.buckets.add(new Bucket(bound, le, observed(s)));
      return;
    }
    base = MetricNames.strip(n, "_count");
    if (base != null) {
      hist(s, base, s.labels()).count = observed(s);
      return;
    }
    base = MetricNames.strip(n, "_sum");
    if (base != null) {
      hist(s, base, s.labels()).sum = observed(s);
    }
  }

  private Hist hist(MetricSeries s, String base, Labels labels) {
    Hist h = hists.computeIfAbsent(new Key(s.resource(), base, labels), k -> new Hist());
    h.labels = labels;
    return h;
  }

  static double parseLe(String le) {
    if (le == null) {
      return Double.NaN;
    }
    String v = le.trim();
    if (v.equalsIgnoreCase("+Inf") || v.equalsIgnoreCase("Inf")) {
      return Double.POSITIVE_INFINITY;
    }
    try {
      // le values come from a reader that already validated them; a stray one is skipped.
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /**
   * Observations (or the sum of them) a cumulative series saw over the dump: its first value plus
   * every increase; after a decrease the new value counts whole, as {@code increase()} does.
   */
  static double observed(MetricSeries s) {
    int[] order = CounterResets.timeOrder(s);
    double total = 0;
    double prev = Double.NaN;
    for (int k = 0; k < s.size(); k++) {
      double v = s.value(order == null ? k : order[k]);
      if (Double.isNaN(v)) {
        continue;
      }
      if (Double.isNaN(prev)) {
        total = v;
      } else if (v >= prev) {
        total += v - prev;
      } else {
        total += v;
      }
      prev = v;
    }
    return total;
  }

  /** Reports every histogram over the share. */
  void report(FindingSink out) {
    int judged = 0;
    for (Map.Entry<Key, Hist> e : hists.entrySet()) {
      Hist h = e.getValue();
      if (h.buckets.isEmpty()) {
        continue; // a summary, or _sum/_count without buckets
      }
      h.buckets.sort(Comparator.comparingDouble(Bucket::le));
      Bucket last = h.buckets.get(h.buckets.size() - 1);
      double all = Double.isInfinite(last.le()) ? last.total() : h.count;
      if (Double.isNaN(all) || all <= 0) {
        continue;
      }
      Bucket top = null;
      for (Bucket b : h.buckets) {
        if (!Double.isInfinite(b.le())) {
          top = b;
        }
      }
      double within = top == null ? 0 : top.total();
      double overflow = Math.max(0, all - within);
      double share = overflow / all;
      if (all < options.overflowMinObservations()) {
        continue;
      }
      judged++;
      if (share <= options.overflowShare()) {
        continue;
      }
      out.add(finding(e.getKey(), h, all, overflow, share, top));
    }
    out.stat("histograms", judged);
  }

  private Finding finding(Key key, Hist h, double all, double overflow, double share, Bucket top) {
    double mean = !Double.isNaN(h.sum) && !Double.isNaN(h.count) && h.count > 0 ? h.sum / h.count : Double.NaN;
    double topLe = top == null ? Double.NaN : top.le();
    // Every finite observation is at most its bucket's bound, so what _sum holds beyond the
    // finite buckets' largest possible total is a floor under the overflowed values' mean.
    double overflowMeanAtLeast = Double.NaN;
    if (!Double.isNaN(h.sum) && overflow > 0) {
      double finiteMax = 0;
      double prev = 0;
      for (Bucket b : h.buckets) {
        if (Double.isInfinite(b.le())) {
          break;
        }
        finiteMax += Math.max(0, b.total() - prev) * b.le();
        prev = b.total();
      }
      overflowMeanAtLeast = (h.sum - finiteMax) / overflow;
      if (!Double.isNaN(topLe)) {
        overflowMeanAtLeast = Math.max(overflowMeanAtLeast, topLe);
      }
    }
    BucketAdvice advice = BucketAdvice.suggest(h.buckets.stream().mapToDouble(Bucket::le).toArray(), mean, share,
        overflowMeanAtLeast);
    String metric = key.metric();
    String where = metric + h.labels;
    String bound = top == null ? "none (only +Inf)" : top.text();
    Finding.Builder f = Finding.builder(MetricsAnalyzer.NAME, RULE, Severity.ERROR)
        .message("histogram " + where + ": " + MetricNames.percent(share) + " of " + MetricNames.num(all)
            + " observations are above the largest bucket bound " + bound + ", so histogram_quantile() cannot"
            + " tell any quantile above p" + MetricNames.num(Math.floor((1 - share) * 1000) / 10)
            + " (it returns " + (top == null ? "nothing useful" : top.text()) + ")")
        .subject("service", key.resource().attributes().getString("service.name") != null
            ? key.resource().serviceName() : h.labels.get("job"))
        .subject("metric", metric)
        .subject("labels", h.labels.asMap())
        .evidence("observations", all)
        .evidence("aboveLargestBound", overflow)
        .evidence("share", MetricNames.round(share))
        .evidence("threshold", options.overflowShare())
        .evidence("largestBound", top == null ? null : top.le())
        .evidence("mean", Double.isNaN(mean) ? null : MetricNames.round(mean))
        .evidence("overflowMeanAtLeast", Double.isNaN(overflowMeanAtLeast) ? null : MetricNames.round(overflowMeanAtLeast));
    if (advice.sigma() > 0) {
      f.evidence("logNormalFit", Map.of("sigma", MetricNames.round(advice.sigma()),
          "median", MetricNames.round(advice.median()), "p99", MetricNames.round(advice.p99())));
    }
    f.evidence("suggestedBounds", advice.bounds());
    StringBuilder hint = new StringBuilder("Extend the buckets past the tail, e.g. le = ");
    hint.append(advice.boundsText());
    hint.append(" (").append(advice.basis()).append("); set them in code (Prometheus client buckets(...),"
        + " Micrometer serviceLevelObjectives/maximumExpectedValue, an OpenTelemetry View with explicit bucket"
        + " boundaries) or use a native/exponential histogram.");
    f.hint(hint.toString());
    return f.build();
  }
}
