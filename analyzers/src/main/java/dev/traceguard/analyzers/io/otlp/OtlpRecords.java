package dev.traceguard.analyzers.io.otlp;

import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;

/** Record counts of OTLP messages: spans, metric data points, log records. */
public final class OtlpRecords {
  private OtlpRecords() {}

  /** Data points of one metric, whatever its type. */
  public static int points(Metric m) {
    switch (m.getDataCase()) {
      case GAUGE:
        return m.getGauge().getDataPointsCount();
      case SUM:
        return m.getSum().getDataPointsCount();
      case HISTOGRAM:
        return m.getHistogram().getDataPointsCount();
      case EXPONENTIAL_HISTOGRAM:
        return m.getExponentialHistogram().getDataPointsCount();
      case SUMMARY:
        return m.getSummary().getDataPointsCount();
      default:
        return 0;
    }
  }

  /** Spans in a resource entry. */
  public static int count(ResourceSpans rs) {
    int n = 0;
    for (ScopeSpans ss : rs.getScopeSpansList()) {
      n += ss.getSpansCount();
    }
    return n;
  }

  /** Data points in a resource entry. */
  public static int count(ResourceMetrics rm) {
    int n = 0;
    for (ScopeMetrics sm : rm.getScopeMetricsList()) {
      for (Metric m : sm.getMetricsList()) {
        n += points(m);
      }
    }
    return n;
  }

  /** Log records in a resource entry. */
  public static int count(ResourceLogs rl) {
    int n = 0;
    for (ScopeLogs sl : rl.getScopeLogsList()) {
      n += sl.getLogRecordsCount();
    }
    return n;
  }
}
