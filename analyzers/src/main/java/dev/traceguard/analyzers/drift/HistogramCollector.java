package dev.traceguard.analyzers.drift;

import dev.traceguard.analyzers.model.Labels;
import dev.traceguard.analyzers.model.MetricSeries;
import dev.traceguard.analyzers.model.MetricStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Classic histograms per model and version: for every {@code x_bucket} series that names a model,
 * the observations added over the window per {@code le} bound, summed over the other labels.
 */
final class HistogramCollector {
  static final String[] MODEL_LABELS = {"model", "model_name", "model_id", "gen_ai_request_model", "gen_ai.request.model"};
  static final String[] VERSION_LABELS = {"version", "model_version"};

  private HistogramCollector() {}

  /** One histogram family of one model and version: cumulative counts per upper bound. */
  static final class Histogram {
    final String family;
    final String model;
    final String version;
    /** Upper bound to cumulative count over the window; +Inf included when present. */
    final TreeMap<Double, Long> cumulative = new TreeMap<>();

    Histogram(String family, String model, String version) {
      this.family = family;
      this.model = model;
      this.version = version;
    }
  }

  /** The histograms in {@code metrics}; versions pooled to "" when {@code pooled}. */
  static List<Histogram> collect(MetricStore metrics, DriftOptions o, boolean pooled) {
    Map<List<String>, Histogram> out = new LinkedHashMap<>();
    for (MetricSeries s : metrics.series()) {
      String name = s.name();
      Labels l = s.labels();
      String le = l.get("le");
      if (!name.endsWith("_bucket") || le == null || s.size() == 0) {
        continue;
      }
      double bound;
      try {
        bound = le.equals("+Inf") || le.equals("Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
      } catch (NumberFormatException e) {
        continue;
      }
      String model = o.groupBy().isEmpty() ? first(l, MODEL_LABELS) : l.get(o.groupBy().get(0));
      if (model == null || model.isEmpty()) {
        continue;
      }
      String version = "";
      if (!pooled) {
        if (o.groupBy().isEmpty()) {
          version = first(l, VERSION_LABELS);
          if (version == null) {
            version = s.resource().attributes().getString(SpanCollector.SERVICE_VERSION_KEY);
          }
        } else if (o.groupBy().size() > 1) {
          version = l.get(o.groupBy().get(1));
        }
        version = version == null ? "" : version;
      }
      String family = name.substring(0, name.length() - "_bucket".length());
      Histogram h = out.computeIfAbsent(List.of(family, model, version), k -> new Histogram(family, k.get(1), k.get(2)));
      h.cumulative.merge(bound, increase(s), Long::sum);
    }
    return new ArrayList<>(out.values());
  }

  private static String first(Labels l, String[] names) {
    for (String n : names) {
      String v = l.get(n);
      if (v != null && !v.isEmpty()) {
        return v;
      }
    }
    return null;
  }

  /**
   * Observations a cumulative bucket series gained over the window: the sum of its increases, a
   * drop counting as a restart from zero; a single point counts whole.
   */
  static long increase(MetricSeries s) {
    int n = s.size();
    if (n == 1) {
      return Math.max(0, Math.round(s.value(0)));
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Long.compare(s.time(a), s.time(b)));
    double total = 0;
    double prev = s.value(order[0]);
    for (int k = 1; k < n; k++) {
      double v = s.value(order[k]);
      if (Double.isNaN(v)) {
        continue;
      }
      total += v >= prev ? v - prev : v;
      prev = v;
    }
    return Math.max(0, Math.round(total));
  }
}
