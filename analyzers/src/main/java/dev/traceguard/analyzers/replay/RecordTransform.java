package dev.traceguard.analyzers.replay;

import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.List;

/**
 * What replay changes in a record, and nothing else: every timestamp moved by one offset (a time
 * of 0 means "absent" in OTLP and stays 0), and redacted attribute values. Ids, flags, trace
 * state, kinds, status, attributes of every type, events, links, resources, scopes and unknown
 * fields are left as they were.
 */
final class RecordTransform {
  private final long shiftNanos;
  private final Redactor redactor;

  RecordTransform(long shiftNanos, Redactor redactor) {
    this.shiftNanos = shiftNanos;
    this.redactor = redactor;
  }

  private long shift(long t) {
    return t == 0 ? 0 : t + shiftNanos;
  }

  private boolean identity() {
    return shiftNanos == 0 && !redactor.active();
  }

  ResourceSpans apply(ResourceSpans rs) {
    if (identity()) {
      return rs;
    }
    ResourceSpans.Builder b = rs.toBuilder();
    for (ScopeSpans.Builder ss : b.getScopeSpansBuilderList()) {
      for (Span.Builder s : ss.getSpansBuilderList()) {
        s.setStartTimeUnixNano(shift(s.getStartTimeUnixNano()));
        s.setEndTimeUnixNano(shift(s.getEndTimeUnixNano()));
        redact(s.getAttributesList(), s::getAttributesBuilderList);
        for (Span.Event.Builder e : s.getEventsBuilderList()) {
          e.setTimeUnixNano(shift(e.getTimeUnixNano()));
          redact(e.getAttributesList(), e::getAttributesBuilderList);
        }
        for (Span.Link.Builder l : s.getLinksBuilderList()) {
          redact(l.getAttributesList(), l::getAttributesBuilderList);
        }
      }
    }
    return b.build();
  }

  ResourceLogs apply(ResourceLogs rl) {
    if (identity()) {
      return rl;
    }
    ResourceLogs.Builder b = rl.toBuilder();
    for (ScopeLogs.Builder sl : b.getScopeLogsBuilderList()) {
      for (LogRecord.Builder r : sl.getLogRecordsBuilderList()) {
        r.setTimeUnixNano(shift(r.getTimeUnixNano()));
        r.setObservedTimeUnixNano(shift(r.getObservedTimeUnixNano()));
        redact(r.getAttributesList(), r::getAttributesBuilderList);
      }
    }
    return b.build();
  }

  ResourceMetrics apply(ResourceMetrics rm) {
    if (shiftNanos == 0) {
      return rm;
    }
    ResourceMetrics.Builder b = rm.toBuilder();
    for (ScopeMetrics.Builder sm : b.getScopeMetricsBuilderList()) {
      for (Metric.Builder m : sm.getMetricsBuilderList()) {
        switch (m.getDataCase()) {
          case GAUGE:
            numbers(m.getGaugeBuilder().getDataPointsBuilderList());
            break;
          case SUM:
            numbers(m.getSumBuilder().getDataPointsBuilderList());
            break;
          case HISTOGRAM:
            for (HistogramDataPoint.Builder p : m.getHistogramBuilder().getDataPointsBuilderList()) {
              p.setTimeUnixNano(shift(p.getTimeUnixNano()));
              p.setStartTimeUnixNano(shift(p.getStartTimeUnixNano()));
              exemplars(p.getExemplarsBuilderList());
            }
            break;
          case EXPONENTIAL_HISTOGRAM:
            for (ExponentialHistogramDataPoint.Builder p :
                m.getExponentialHistogramBuilder().getDataPointsBuilderList()) {
              p.setTimeUnixNano(shift(p.getTimeUnixNano()));
              p.setStartTimeUnixNano(shift(p.getStartTimeUnixNano()));
              exemplars(p.getExemplarsBuilderList());
            }
            break;
          case SUMMARY:
            for (SummaryDataPoint.Builder p : m.getSummaryBuilder().getDataPointsBuilderList()) {
              p.setTimeUnixNano(shift(p.getTimeUnixNano()));
              p.setStartTimeUnixNano(shift(p.getStartTimeUnixNano()));
            }
            break;
          default:
            break;
        }
      }
    }
    return b.build();
  }

  private void numbers(List<NumberDataPoint.Builder> points) {
    for (NumberDataPoint.Builder p : points) {
      p.setTimeUnixNano(shift(p.getTimeUnixNano()));
      p.setStartTimeUnixNano(shift(p.getStartTimeUnixNano()));
      exemplars(p.getExemplarsBuilderList());
    }
  }

  private void exemplars(List<Exemplar.Builder> exemplars) {
    for (Exemplar.Builder e : exemplars) {
      e.setTimeUnixNano(shift(e.getTimeUnixNano()));
    }
  }

  private void redact(
      List<io.opentelemetry.proto.common.v1.KeyValue> current,
      java.util.function.Supplier<List<io.opentelemetry.proto.common.v1.KeyValue.Builder>> builders) {
    // Asking for the builder list copies the attributes; only do it when something matches.
    if (redactor.active() && redactor.any(current)) {
      redactor.apply(builders.get());
    }
  }
}
