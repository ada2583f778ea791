package dev.traceguard.analyzers.io.otlp;

import com.google.protobuf.ByteString;
import dev.traceguard.analyzers.io.ReadContext;
import dev.traceguard.analyzers.model.Attributes;
import dev.traceguard.analyzers.model.IdState;
import dev.traceguard.analyzers.model.Ids;
import dev.traceguard.analyzers.model.Labels;
import dev.traceguard.analyzers.model.LogRecord;
import dev.traceguard.analyzers.model.MetricFamily;
import dev.traceguard.analyzers.model.MetricSeries;
import dev.traceguard.analyzers.model.MetricType;
import dev.traceguard.analyzers.model.MutableSpan;
import dev.traceguard.analyzers.model.Resource;
import dev.traceguard.analyzers.model.SpanEvent;
import dev.traceguard.analyzers.model.SpanKind;
import dev.traceguard.analyzers.model.SpanLink;
import dev.traceguard.analyzers.model.StatusCode;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogsData;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.MetricsData;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.math.BigDecimal;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Maps OTLP protobuf messages into the model through a {@link ReadContext}. One instance serves one
 * input: it reuses a {@link MutableSpan} and caches resources so that every span, series and log
 * record of one producer shares one {@link Resource} object.
 *
 * <p>Metrics become Prometheus-shaped series: gauges and sums one series per data point attribute
 * set, histograms {@code name_bucket{le=...}} (cumulative), {@code name_sum} and {@code
 * name_count}, summaries {@code name{quantile=...}}, {@code name_sum} and {@code name_count}. OTLP
 * metric names are kept as they are, dots included. Resource attributes are never labels; they are
 * the series' resource. A point time of 0 (absent) is stored as {@link MetricSeries#NO_TIMESTAMP}.
 * The start time of sum, histogram and summary points is kept ({@link MetricSeries#startTime}): a
 * new one marks a deliberate reset (a restart, or delta temporality).
 * Numeric {@code le} and {@code quantile} values are written in plain decimal without a trailing
 * {@code .0} ({@code 0.25}, {@code 1}, {@code 1000}), and {@code +Inf}; analyzers compare them as
 * numbers.
 *
 * <p>Not thread-safe.
 */
public final class OtlpProtoMapper {
  /** Distinct resources cached; a dump has a handful, hostile input gets a bounded map. */
  private static final int RESOURCE_CACHE_LIMIT = 4096;

  private final ReadContext ctx;
  private final MutableSpan span = new MutableSpan();
  private final Attributes.Builder scratch = Attributes.builder();
  private final Map<io.opentelemetry.proto.resource.v1.Resource, Resource> resources =
      new HashMap<>();
  private final Map<String, String> labelScratch = new TreeMap<>();
  private long line;
  private long offset = -1;
  /** Start time of the data point being mapped; 0 for gauges, whose start time means nothing. */
  private long pointStart;

  /** A mapper that writes into {@code ctx}. */
  public OtlpProtoMapper(ReadContext ctx) {
    this.ctx = ctx;
  }

  /**
   * Sets where the next records come from.
   *
   * @param line line (text input) or record number (binary input), 1-based, stored on every span,
   *     series and log record
   * @param offset byte offset of that record in a binary input, or -1 for a text input; errors then
   *     name the offset instead of a line
   */
  public void position(long line, long offset) {
    this.line = line;
    this.offset = offset;
  }

  /** Maps every resource entry of a {@code TracesData} (or an export request of the same shape). */
  public void traces(TracesData data) {
    for (ResourceSpans rs : data.getResourceSpansList()) {
      resourceSpans(rs);
    }
  }

  /** Maps every resource entry of a {@code MetricsData}. */
  public void metrics(MetricsData data) {
    for (ResourceMetrics rm : data.getResourceMetricsList()) {
      resourceMetrics(rm);
    }
  }

  /** Maps every resource entry of a {@code LogsData}. */
  public void logs(LogsData data) {
    for (ResourceLogs rl : data.getResourceLogsList()) {
      resourceLogs(rl);
    }
  }

  /** Maps the spans of one resource and hands each to {@link ReadContext#span}. */
  public void resourceSpans(ResourceSpans rs) {
    Resource resource = resource(rs.getResource());
    for (ScopeSpans ss : rs.getScopeSpansList()) {
      String scope = ss.getScope().getName();
      for (Span s : ss.getSpansList()) {
        span.clear();
        fillSpan(s);
        span.resource = resource;
        span.scopeName = scope;
        span.line = line;
        ctx.span(span);
      }
    }
  }

  private void fillSpan(Span s) {
    span.traceId.setBytes(s.getTraceId().toByteArray());
    span.spanId.setBytes(s.getSpanId().toByteArray());
    span.parentSpanId.setBytes(s.getParentSpanId().toByteArray());
    span.name = s.getName();
    span.kind = SpanKind.ofNumber(s.getKindValue());
    span.startUnixNano = s.getStartTimeUnixNano();
    span.endUnixNano = s.getEndTimeUnixNano();
    span.flags = s.getFlags();
    span.traceState = s.getTraceState().isEmpty() ? null : s.getTraceState();
    if (s.hasStatus()) {
      span.status = StatusCode.ofNumber(s.getStatus().getCodeValue());
      String m = s.getStatus().getMessage();
      span.statusMessage = m.isEmpty() ? null : m;
    }
    putAll(span.attributes, s.getAttributesList());
    for (Span.Event e : s.getEventsList()) {
      span.events.add(
          new SpanEvent(e.getName(), e.getTimeUnixNano(), attributes(e.getAttributesList())));
    }
    for (Span.Link l : s.getLinksList()) {
      span.links.add(link(l));
    }
  }

  private SpanLink link(Span.Link l) {
    byte[] trace = l.getTraceId().toByteArray();
    byte[] id = l.getSpanId().toByteArray();
    IdState ts = Ids.classify(trace, 16);
    IdState ss = Ids.classify(id, 8);
    // Ids of the right length are kept even when all zero so the evidence shows what was there.
    long hi = trace.length == 16 ? Ids.longFrom(trace, 0) : 0;
    long lo = trace.length == 16 ? Ids.longFrom(trace, 8) : 0;
    long sid = id.length == 8 ? Ids.longFrom(id, 0) : 0;
    boolean valid = ts == IdState.VALID && ss == IdState.VALID;
    return new SpanLink(hi, lo, sid, valid, l.getFlags(), attributes(l.getAttributesList()));
  }

  // ---------------------------------------------------------------- metrics

  /** Maps the metrics of one resource into series. */
  public void resourceMetrics(ResourceMetrics rm) {
    Resource resource = resource(rm.getResource());
    for (ScopeMetrics sm : rm.getScopeMetricsList()) {
      for (Metric m : sm.getMetricsList()) {
        metric(m, resource);
      }
    }
  }

  private void metric(Metric m, Resource resource) {
    String name = m.getName();
    switch (m.getDataCase()) {
      case GAUGE:
        declare(m, MetricType.GAUGE);
        for (NumberDataPoint p : m.getGauge().getDataPointsList()) {
          pointStart = 0;
          number(name, p, resource);
        }
        break;
      case SUM:
        declare(m, m.getSum().getIsMonotonic() ? MetricType.COUNTER : MetricType.GAUGE);
        temporality(name, m.getSum().getAggregationTemporality());
        for (NumberDataPoint p : m.getSum().getDataPointsList()) {
          pointStart = p.getStartTimeUnixNano();
          number(name, p, resource);
        }
        break;
      case HISTOGRAM:
        declare(m, MetricType.HISTOGRAM);
        temporality(name, m.getHistogram().getAggregationTemporality());
        for (HistogramDataPoint p : m.getHistogram().getDataPointsList()) {
          pointStart = p.getStartTimeUnixNano();
          histogram(name, p, resource);
        }
        break;
      case EXPONENTIAL_HISTOGRAM:
        declare(m, MetricType.HISTOGRAM);
        temporality(name, m.getExponentialHistogram().getAggregationTemporality());
        for (ExponentialHistogramDataPoint p : m.getExponentialHistogram().getDataPointsList()) {
          pointStart = p.getStartTimeUnixNano();
          exponentialHistogram(name, p, resource);
        }
        break;
      case SUMMARY:
        declare(m, MetricType.SUMMARY);
        for (SummaryDataPoint p : m.getSummary().getDataPointsList()) {
          pointStart = p.getStartTimeUnixNano();
          summary(name, p, resource);
        }
        break;
      default:
        ctx.note(
            "metric '" + name + "' has no data (no gauge, sum, histogram or summary); skipped");
        break;
    }
  }

  private void declare(Metric m, MetricType type) {
    ctx.declare(new MetricFamily(m.getName(), type, m.getUnit(), m.getDescription()));
  }

  private void temporality(String name, AggregationTemporality t) {
    // The model has no temporality yet; delta points are increments, which rate and reset checks
    // must not read as running totals, so the user is told.
    if (t == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA) {
      ctx.note(
          String.format(
              Locale.ROOT,
              "metric '%s' uses delta temporality: its points are per-interval increments, not"
                  + " running totals",
              name));
    }
  }

  private void number(String name, NumberDataPoint p, Resource resource) {
    if (noRecordedValue(p.getFlags())) {
      return;
    }
    double v;
    switch (p.getValueCase()) {
      case AS_DOUBLE:
        v = p.getAsDouble();
        break;
      case AS_INT:
        v = p.getAsInt();
        break;
      default:
        error("metric '%s': a data point has neither asDouble nor asInt", name);
        return;
    }
    Labels labels = labels(p.getAttributesList(), null, null);
    point(name, name, labels, resource, p.getTimeUnixNano(), v);
  }

  private void histogram(String name, HistogramDataPoint p, Resource resource) {
    if (noRecordedValue(p.getFlags())) {
      return;
    }
    int buckets = p.getBucketCountsCount();
    int bounds = p.getExplicitBoundsCount();
    if (buckets != 0 && buckets != bounds + 1) {
      error(
          "metric '%s': a histogram data point has %d bucket counts for %d explicit bounds"
              + " (expected %d)",
          name, buckets, bounds, bounds + 1);
      return;
    }
    long time = p.getTimeUnixNano();
    if (buckets > 0) {
      double cumulative = 0;
      for (int i = 0; i < buckets; i++) {
        cumulative += unsigned(p.getBucketCounts(i));
        String le = i < bounds ? number(p.getExplicitBounds(i)) : "+Inf";
        Labels labels = labels(p.getAttributesList(), "le", le);
        point(name, name + "_bucket", labels, resource, time, cumulative);
      }
    }
    Labels labels = labels(p.getAttributesList(), null, null);
    if (p.hasSum()) {
      point(name, name + "_sum", labels, resource, time, p.getSum());
    }
    point(name, name + "_count", labels, resource, time, unsigned(p.getCount()));
  }

  /**
   * Converts an exponential histogram to classic {@code le} buckets. With {@code base =
   * 2^(2^-scale)}, positive bucket {@code i} holds values in {@code (base^i, base^(i+1)]} and
   * negative bucket {@code i} values in {@code [-base^(i+1), -base^i)}; the zero bucket holds
   * {@code [-zeroThreshold, zeroThreshold]}. Upper bounds are therefore {@code -base^i} for
   * negative buckets (from the largest index down), {@code zeroThreshold}, and {@code base^(i+1)}
   * for positive buckets, then {@code +Inf}.
   */
  private void exponentialHistogram(
      String name, ExponentialHistogramDataPoint p, Resource resource) {
    if (noRecordedValue(p.getFlags())) {
      return;
    }
    long time = p.getTimeUnixNano();
    int scale = p.getScale();
    List<KeyValue> attributes = p.getAttributesList();
    double cumulative = 0;
    ExponentialHistogramDataPoint.Buckets neg = p.getNegative();
    for (int k = neg.getBucketCountsCount() - 1; k >= 0; k--) {
      cumulative += unsigned(neg.getBucketCounts(k));
      double bound = -power(scale, (long) neg.getOffset() + k);
      bucket(name, attributes, bound, resource, time, cumulative);
    }
    cumulative += unsigned(p.getZeroCount());
    bucket(name, attributes, p.getZeroThreshold(), resource, time, cumulative);
    ExponentialHistogramDataPoint.Buckets pos = p.getPositive();
    for (int k = 0; k < pos.getBucketCountsCount(); k++) {
      cumulative += unsigned(pos.getBucketCounts(k));
      double bound = power(scale, (long) pos.getOffset() + k + 1);
      if (Double.isInfinite(bound)) {
        // Beyond double range the bucket folds into +Inf below.
        continue;
      }
      bucket(name, attributes, bound, resource, time, cumulative);
    }
    point(name, name + "_bucket", labels(attributes, "le", "+Inf"), resource, time, cumulative);
    Labels labels = labels(attributes, null, null);
    if (p.hasSum()) {
      point(name, name + "_sum", labels, resource, time, p.getSum());
    }
    point(name, name + "_count", labels, resource, time, unsigned(p.getCount()));
  }

  private void bucket(
      String name,
      List<KeyValue> attributes,
      double bound,
      Resource resource,
      long time,
      double v) {
    point(name, name + "_bucket", labels(attributes, "le", number(bound)), resource, time, v);
  }

  /** {@code base^index} with {@code base = 2^(2^-scale)}, i.e. {@code 2^(index * 2^-scale)}. */
  private static double power(int scale, long index) {
    return Math.pow(2, Math.scalb((double) index, -scale));
  }

  private void summary(String name, SummaryDataPoint p, Resource resource) {
    if (noRecordedValue(p.getFlags())) {
      return;
    }
    long time = p.getTimeUnixNano();
    for (SummaryDataPoint.ValueAtQuantile q : p.getQuantileValuesList()) {
      Labels labels = labels(p.getAttributesList(), "quantile", number(q.getQuantile()));
      point(name, name, labels, resource, time, q.getValue());
    }
    Labels labels = labels(p.getAttributesList(), null, null);
    point(name, name + "_sum", labels, resource, time, p.getSum());
    point(name, name + "_count", labels, resource, time, unsigned(p.getCount()));
  }

  private void point(
      String family, String name, Labels labels, Resource resource, long time, double value) {
    MetricSeries s = ctx.series(family, name, labels, resource, line);
    if (s != null) {
      ctx.sample(s, time == 0 ? MetricSeries.NO_TIMESTAMP : time, pointStart, value);
    }
  }

  private Labels labels(List<KeyValue> attributes, String extraName, String extraValue) {
    if (attributes.isEmpty() && extraName == null) {
      return Labels.empty();
    }
    labelScratch.clear();
    for (KeyValue kv : attributes) {
      Object v = value(kv.getValue());
      if (v != null) {
        labelScratch.put(kv.getKey(), v.toString());
      }
    }
    if (extraName != null) {
      labelScratch.put(extraName, extraValue);
    }
    return Labels.of(labelScratch);
  }

  /** Bit 0 of the data point flags: the point carries no value (a staleness marker). */
  private static boolean noRecordedValue(int flags) {
    return (flags & 1) != 0;
  }

  /** An OTLP uint64/fixed64 count as a double (counts above 2^63 are kept, not negative). */
  static double unsigned(long v) {
    return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
  }

  /** A bound or quantile as plain decimal text: {@code 0.005}, {@code 1}, {@code 1000}. */
  static String number(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "+Inf" : "-Inf";
    }
    if (d == 0) {
      return "0";
    }
    double abs = Math.abs(d);
    if (abs >= 1e-6 && abs < 1e21) {
      return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
    return Double.toString(d);
  }

  // ---------------------------------------------------------------- logs

  /** Maps the log records of one resource and hands each to {@link ReadContext#log}. */
  public void resourceLogs(ResourceLogs rl) {
    Resource resource = resource(rl.getResource());
    for (ScopeLogs sl : rl.getScopeLogsList()) {
      for (io.opentelemetry.proto.logs.v1.LogRecord r : sl.getLogRecordsList()) {
        ctx.log(
            new LogRecord(
                r.getTimeUnixNano(),
                r.getObservedTimeUnixNano(),
                r.getSeverityNumberValue(),
                r.getSeverityText(),
                text(r.getBody()),
                attributes(r.getAttributesList()),
                hexId(r.getTraceId(), 16),
                hexId(r.getSpanId(), 8),
                resource,
                ctx.input(),
                line));
      }
    }
  }

  private static String hexId(ByteString id, int bytes) {
    byte[] raw = id.toByteArray();
    return Ids.classify(raw, bytes) == IdState.VALID ? Ids.hex(raw) : "";
  }

  // ---------------------------------------------------------------- values

  /** The model resource for an OTLP resource; equal resources give the same object. */
  public Resource resource(io.opentelemetry.proto.resource.v1.Resource r) {
    if (r.getAttributesCount() == 0) {
      return Resource.EMPTY;
    }
    Resource cached = resources.get(r);
    if (cached != null) {
      return cached;
    }
    if (resources.size() >= RESOURCE_CACHE_LIMIT) {
      resources.clear();
    }
    Resource created = new Resource(attributes(r.getAttributesList()));
    resources.put(r, created);
    return created;
  }

  private Attributes attributes(List<KeyValue> kvs) {
    if (kvs.isEmpty()) {
      return Attributes.empty();
    }
    scratch.clear();
    putAll(scratch, kvs);
    return scratch.build();
  }

  private static void putAll(Attributes.Builder b, List<KeyValue> kvs) {
    for (KeyValue kv : kvs) {
      b.put(kv.getKey(), value(kv.getValue()));
    }
  }

  /**
   * The model value of an OTLP {@code AnyValue}: {@link String}, {@link Boolean}, {@link Long} or
   * {@link Double} as they are; arrays and key-value lists as compact JSON text; bytes as base64;
   * null when no value is set.
   */
  public static Object value(AnyValue v) {
    switch (v.getValueCase()) {
      case STRING_VALUE:
        return v.getStringValue();
      case BOOL_VALUE:
        return v.getBoolValue();
      case INT_VALUE:
        return v.getIntValue();
      case DOUBLE_VALUE:
        return v.getDoubleValue();
      case BYTES_VALUE:
        return Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray());
      case ARRAY_VALUE:
      case KVLIST_VALUE:
        StringBuilder sb = new StringBuilder();
        json(v, sb);
        return sb.toString();
      default:
        return null;
    }
  }

  /**
   * An {@code AnyValue} as text, for a log body: a string as it is, an absent value as the empty
   * string, anything else as its JSON text (bytes as base64).
   */
  public static String text(AnyValue v) {
    Object o = value(v);
    if (o == null) {
      return "";
    }
    if (o instanceof Double) {
      double d = (Double) o;
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        return Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
      }
      // JSON number text: 3 rather than Java's 3.0.
      StringBuilder sb = new StringBuilder();
      json(v, sb);
      return sb.toString();
    }
    return o.toString();
  }

  private static void json(AnyValue v, StringBuilder sb) {
    switch (v.getValueCase()) {
      case STRING_VALUE:
        quote(v.getStringValue(), sb);
        break;
      case BOOL_VALUE:
        sb.append(v.getBoolValue());
        break;
      case INT_VALUE:
        sb.append(v.getIntValue());
        break;
      case DOUBLE_VALUE:
        double d = v.getDoubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          // JSON has no literal for these; OTLP/JSON writes them as strings.
          sb.append('"')
              .append(Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity")
              .append('"');
        } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
          sb.append((long) d);
        } else {
          sb.append(d);
        }
        break;
      case BYTES_VALUE:
        quote(Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray()), sb);
        break;
      case ARRAY_VALUE:
        sb.append('[');
        List<AnyValue> values = v.getArrayValue().getValuesList();
        for (int i = 0; i < values.size(); i++) {
          if (i > 0) {
            sb.append(',');
          }
          json(values.get(i), sb);
        }
        sb.append(']');
        break;
      case KVLIST_VALUE:
        sb.append('{');
        List<KeyValue> kvs = v.getKvlistValue().getValuesList();
        for (int i = 0; i < kvs.size(); i++) {
          if (i > 0) {
            sb.append(',');
          }
          quote(kvs.get(i).getKey(), sb);
          sb.append(':');
          json(kvs.get(i).getValue(), sb);
        }
        sb.append('}');
        break;
      default:
        sb.append("null");
        break;
    }
  }

  private static void quote(String s, StringBuilder sb) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\r':
          sb.append("\\r");
          break;
        case '\t':
          sb.append("\\t");
          break;
        default:
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    sb.append('"');
  }

  /** Reports a skipped data point where it was read: a byte offset in binary input, else a line. */
  private void error(String format, Object... args) {
    String message = String.format(Locale.ROOT, format, args);
    if (offset >= 0) {
      ctx.error(0, 0, offset, "message " + line + ": " + message);
    } else {
      ctx.error(line, 0, -1, message);
    }
  }
}
