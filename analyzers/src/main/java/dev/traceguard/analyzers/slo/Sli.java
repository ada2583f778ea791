package dev.traceguard.analyzers.slo;

import dev.traceguard.analyzers.model.Labels;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One service level indicator found in the data.
 *
 * @param kind what it measures
 * @param metric the histogram family ({@code latency}, {@code mean-latency}) or the counter's sample
 *     name ({@code errors})
 * @param groupBy labels that split it into groups (model, service…), possibly none
 * @param statusLabel for {@code errors}: the label whose value tells an error
 * @param errorRegex for {@code errors}: values of {@code statusLabel} that are errors (full match)
 * @param les for {@code latency}: the {@code le} strings exactly as seen, sorted by value, {@code
 *     +Inf} last
 */
public record Sli(Kind kind, String metric, List<String> groupBy, String statusLabel, String errorRegex, List<String> les) {
  /** What an indicator measures. */
  public enum Kind {
    /** Latency from a classic histogram: quantiles and the share under a threshold. */
    LATENCY,
    /** Share of requests that failed, from a counter with a status label. */
    ERRORS,
    /** Mean latency from {@code _sum}/{@code _count} alone. */
    MEAN_LATENCY;

    /** The name used in output, e.g. {@code mean-latency}. */
    public String id() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** Copies the lists. */
  public Sli {
    groupBy = List.copyOf(groupBy);
    les = List.copyOf(les);
  }

  /** A name for rules and specs: the metric with the kind, e.g. {@code http_requests_seconds-latency}. */
  public String name() {
    return metric.replace(':', '_') + "-" + kind.id();
  }

  /** The parsed bounds of {@link #les}. */
  public double[] bounds() {
    double[] b = new double[les.size()];
    for (int i = 0; i < b.length; i++) {
      b[i] = parseLe(les.get(i));
    }
    return b;
  }

  /** The sample name of the counter whose rate is the event total. */
  public String totalSeries() {
    switch (kind) {
      case LATENCY:
        return metric + "_bucket";
      case MEAN_LATENCY:
        return metric + "_count";
      default:
        return metric;
    }
  }

  /**
   * The component a raw series contributes to, or null when it is not part of this indicator:
   * {@code le:<le>} for buckets, {@code sum}/{@code count}, {@code total}/{@code errors} (an error
   * series gives to both; see {@link #isError}).
   */
  public String component(String name, Labels labels) {
    switch (kind) {
      case LATENCY:
        if (name.equals(metric + "_bucket") && labels.get("le") != null) {
          return "le:" + labels.get("le");
        }
        return null;
      case MEAN_LATENCY:
        if (name.equals(metric + "_sum")) {
          return "sum";
        }
        return name.equals(metric + "_count") ? "count" : null;
      default:
        return name.equals(metric) ? "total" : null;
    }
  }

  /** For {@code errors}: whether a series counts errors. */
  public boolean isError(Labels labels) {
    String v = labels.get(statusLabel);
    return v != null && java.util.regex.Pattern.compile(errorRegex).matcher(v).matches();
  }

  /** The group a series belongs to: its values of {@link #groupBy}. */
  public Labels group(Labels labels) {
    Map<String, String> m = new TreeMap<>();
    for (String g : groupBy) {
      String v = labels.get(g);
      if (v != null && !v.isEmpty()) {
        m.put(g, v);
      }
    }
    return Labels.of(m);
  }

  /** An {@code le} value as Prometheus parses it ({@code +Inf}, {@code 1e3}, {@code 0.5}). */
  public static double parseLe(String le) {
    String s = le.trim();
    switch (s.toLowerCase(Locale.ROOT)) {
      case "+inf":
      case "inf":
      case "+infinity":
      case "infinity":
        return Double.POSITIVE_INFINITY;
      case "-inf":
      case "-infinity":
        return Double.NEGATIVE_INFINITY;
      case "nan":
        return Double.NaN;
      default:
        try {
          if (!s.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
            return Double.NaN;
          }
          return Double.parseDouble(s);
        } catch (NumberFormatException e) {
          return Double.NaN;
        }
    }
  }
}
