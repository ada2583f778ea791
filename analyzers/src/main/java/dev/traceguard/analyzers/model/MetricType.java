package dev.traceguard.analyzers.model;

import java.util.Locale;

/** Metric family types, as OpenMetrics names them. */
public enum MetricType {
  COUNTER,
  GAUGE,
  HISTOGRAM,
  GAUGE_HISTOGRAM,
  SUMMARY,
  INFO,
  STATESET,
  UNKNOWN;

  /** The type for its exposition name ({@code gaugehistogram}, {@code untyped} too); null if none. */
  public static MetricType ofName(String name) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "counter":
        return COUNTER;
      case "gauge":
        return GAUGE;
      case "histogram":
        return HISTOGRAM;
      case "gaugehistogram":
        return GAUGE_HISTOGRAM;
      case "summary":
        return SUMMARY;
      case "info":
        return INFO;
      case "stateset":
        return STATESET;
      case "unknown":
      case "untyped":
        return UNKNOWN;
      default:
        return null;
    }
  }

  /** The exposition name, e.g. {@code gaugehistogram}. */
  public String expositionName() {
    return this == GAUGE_HISTOGRAM ? "gaugehistogram" : name().toLowerCase(Locale.ROOT);
  }
}
