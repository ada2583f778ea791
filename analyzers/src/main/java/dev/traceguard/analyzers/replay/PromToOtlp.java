package dev.traceguard.analyzers.replay;

import dev.traceguard.analyzers.model.Attributes;
import dev.traceguard.analyzers.model.Labels;
import dev.traceguard.analyzers.model.MetricFamily;
import dev.traceguard.analyzers.model.MetricSeries;
import dev.traceguard.analyzers.model.MetricStore;
import dev.traceguard.analyzers.model.Resource;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Prometheus-shaped series (Prometheus text, OpenMetrics, API JSON, promtool dumps) as OTLP
 * metrics, the way the collector's Prometheus receiver maps them: counters become cumulative
 * monotonic sums (start time from {@code _created} when present), gauges and untyped series
 * gauges, classic histograms ({@code _bucket}, {@code _sum}, {@code _count}) cumulative
 * histograms with their explicit bounds, summaries OTLP summaries. Labels become data point
 * attributes. Gauge histograms (which OTLP lacks) go out as gauges per sample name.
 *
 * <p>A point read without a timestamp (a plain scrape) gets {@code noTimestamp}; a histogram
 * point whose buckets are not cumulative cannot be an OTLP histogram and is skipped. Both are
 * counted for the summary.
 */
final class PromToOtlp {
  private static final String SCOPE = "traceguard-replay";

  private final long noTimestamp;
  private final int chunk;
  private final Consumer<ResourceMetrics> out;
  long stamped;
  long skipped;
  final List<String> skippedWhy = new ArrayList<>();

  PromToOtlp(long noTimestamp, int chunk, Consumer<ResourceMetrics> out) {
    this.noTimestamp = noTimestamp;
    this.chunk = Math.max(1, chunk);
    this.out = out;
  }

  private record Group(Resource resource, String family) {}

  void convert(MetricStore store) {
    Map<Group, List<MetricSeries>> groups = new LinkedHashMap<>();
    for (MetricSeries s : store.series()) {
      groups.computeIfAbsent(new Group(s.resource(), s.family().name()), g -> new ArrayList<>()).add(s);
    }
    for (Map.Entry<Group, List<MetricSeries>> g : groups.entrySet()) {
      List<MetricSeries> series = g.getValue();
      MetricFamily fam = series.get(0).family();
      switch (fam.type()) {
        case COUNTER:
          counter(g.getKey().resource(), fam, series);
          break;
        case HISTOGRAM:
          histogram(g.getKey().resource(), fam, series);
          break;
        case SUMMARY:
          summary(g.getKey().resource(), fam, series);
          break;
        default:
          gauges(g.getKey().resource(), fam, series);
          break;
      }
    }
  }

  private long time(long t) {
    if (t == MetricSeries.NO_TIMESTAMP) {
      stamped++;
      return noTimestamp;
    }
    return t;
  }

  private static List<KeyValue> attributes(Labels labels, String without) {
    List<KeyValue> kvs = new ArrayList<>(labels.size());
    for (int i = 0; i < labels.size(); i++) {
      if (!labels.name(i).equals(without)) {
        kvs.add(KeyValue.newBuilder()
            .setKey(labels.name(i))
            .setValue(AnyValue.newBuilder().setStringValue(labels.value(i)))
            .build());
      }
    }
    return kvs;
  }

  private static Metric.Builder metric(String name, MetricFamily fam) {
    return Metric.newBuilder().setName(name).setUnit(fam.unit()).setDescription(fam.help());
  }

  private void emit(Resource resource, Metric m) {
    ResourceMetrics.Builder rm = ResourceMetrics.newBuilder();
    rm.getResourceBuilder().addAllAttributes(resourceAttributes(resource.attributes()));
    ScopeMetrics.Builder sm = rm.addScopeMetricsBuilder();
    sm.getScopeBuilder().setName(SCOPE);
    sm.addMetrics(m);
    out.accept(rm.build());
  }

  private static List<KeyValue> resourceAttributes(Attributes a) {
    List<KeyValue> kvs = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      Object v = a.value(i);
      AnyValue.Builder av = AnyValue.newBuilder();
      if (v instanceof Long) {
        av.setIntValue((Long) v);
      } else if (v instanceof Double) {
        av.setDoubleValue((Double) v);
      } else if (v instanceof Boolean) {
        av.setBoolValue((Boolean) v);
      } else {
        av.setStringValue(String.valueOf(v));
      }
      kvs.add(KeyValue.newBuilder().setKey(a.key(i)).setValue(av).build());
    }
    return kvs;
  }

  private void gauges(Resource resource, MetricFamily fam, List<MetricSeries> series) {
    Map<String, List<NumberDataPoint>> byName = new LinkedHashMap<>();
    for (MetricSeries s : series) {
      List<NumberDataPoint> pts = byName.computeIfAbsent(s.name(), n -> new ArrayList<>());
      List<KeyValue> attrs = attributes(s.labels(), null);
      for (int i = 0; i < s.size(); i++) {
        pts.add(NumberDataPoint.newBuilder().addAllAttributes(attrs)
            .setTimeUnixNano(time(s.time(i))).setAsDouble(s.value(i)).build());
      }
    }
    for (Map.Entry<String, List<NumberDataPoint>> e : byName.entrySet()) {
      List<NumberDataPoint> pts = e.getValue();
      for (int from = 0; from < pts.size(); from += chunk) {
        Metric.Builder m = metric(e.getKey(), fam);
        m.getGaugeBuilder().addAllDataPoints(pts.subList(from, Math.min(pts.size(), from + chunk)));
        emit(resource, m.build());
      }
    }
  }

  private void counter(Resource resource, MetricFamily fam, List<MetricSeries> series) {
    Map<Labels, Long> created = new LinkedHashMap<>();
    for (MetricSeries s : series) {
      if (s.name().endsWith("_created") && s.size() > 0) {
        created.put(s.labels(), (long) (s.value(s.size() - 1) * 1e9));
      }
    }
    List<NumberDataPoint> pts = new ArrayList<>();
    for (MetricSeries s : series) {
      if (s.name().endsWith("_created")) {
        continue;
      }
      List<KeyValue> attrs = attributes(s.labels(), null);
      long start = created.getOrDefault(s.labels(), 0L);
      for (int i = 0; i < s.size(); i++) {
        pts.add(NumberDataPoint.newBuilder().addAllAttributes(attrs).setStartTimeUnixNano(start)
            .setTimeUnixNano(time(s.time(i))).setAsDouble(s.value(i)).build());
      }
    }
    for (int from = 0; from < pts.size(); from += chunk) {
      Metric.Builder m = metric(fam.name(), fam);
      m.getSumBuilder()
          .setIsMonotonic(true)
          .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
          .addAllDataPoints(pts.subList(from, Math.min(pts.size(), from + chunk)));
      emit(resource, m.build());
    }
  }

  /** One histogram or summary point being assembled from its series. */
  private static final class Acc {
    final TreeMap<Double, Double> buckets = new TreeMap<>();
    double sum = Double.NaN;
    boolean hasSum;
    double count = Double.NaN;
    long created;
  }

  private Map<Labels, TreeMap<Long, Acc>> assemble(List<MetricSeries> series, String fam, String split) {
    Map<Labels, TreeMap<Long, Acc>> points = new LinkedHashMap<>();
    for (MetricSeries s : series) {
      String suffix = s.name().startsWith(fam) ? s.name().substring(fam.length()) : s.name();
      Labels base = s.labels().without(split);
      TreeMap<Long, Acc> byTime = points.computeIfAbsent(base, k -> new TreeMap<>());
      for (int i = 0; i < s.size(); i++) {
        Acc a = byTime.computeIfAbsent(s.time(i), k -> new Acc());
        double v = s.value(i);
        switch (suffix) {
          case "_sum":
            a.sum = v;
            a.hasSum = true;
            break;
          case "_count":
            a.count = v;
            break;
          case "_created":
            a.created = (long) (v * 1e9);
            break;
          default:
            String le = s.labels().get(split);
            if (le != null) {
              a.buckets.put(bound(le), v);
            }
            break;
        }
      }
    }
    return points;
  }

  private static double bound(String s) {
    switch (s) {
      case "+Inf":
      case "Inf":
      case "inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      default:
        try {
          return Double.parseDouble(s);
        } catch (NumberFormatException e) {
          return Double.NaN;
        }
    }
  }

  private void histogram(Resource resource, MetricFamily fam, List<MetricSeries> series) {
    List<HistogramDataPoint> pts = new ArrayList<>();
    for (Map.Entry<Labels, TreeMap<Long, Acc>> e : assemble(series, fam.name(), "le").entrySet()) {
      List<KeyValue> attrs = attributes(e.getKey(), null);
      for (Map.Entry<Long, Acc> te : e.getValue().entrySet()) {
        Acc a = te.getValue();
        HistogramDataPoint.Builder p = HistogramDataPoint.newBuilder().addAllAttributes(attrs)
            .setStartTimeUnixNano(a.created).setTimeUnixNano(time(te.getKey()));
        double previous = 0;
        boolean ok = true;
        Double inf = a.buckets.get(Double.POSITIVE_INFINITY);
        for (Map.Entry<Double, Double> b : a.buckets.entrySet()) {
          double cum = b.getValue();
          if (b.getKey().isNaN() || cum < previous) {
            ok = false;
            break;
          }
          if (!b.getKey().isInfinite()) {
            p.addExplicitBounds(b.getKey());
            p.addBucketCounts(Math.round(cum - previous));
            previous = cum;
          }
        }
        double total = !Double.isNaN(a.count) ? a.count : inf != null ? inf : previous;
        if (!ok || total < previous) {
          skipped++;
          if (skippedWhy.size() < 5) {
            skippedWhy.add(fam.name() + e.getKey() + ": buckets are not cumulative");
          }
          continue;
        }
        p.addBucketCounts(Math.round((inf != null ? inf : total) - previous));
        p.setCount(Math.round(total));
        if (a.hasSum) {
          p.setSum(a.sum);
        }
        pts.add(p.build());
      }
    }
    for (int from = 0; from < pts.size(); from += chunk) {
      Metric.Builder m = metric(fam.name(), fam);
      m.getHistogramBuilder()
          .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
          .addAllDataPoints(pts.subList(from, Math.min(pts.size(), from + chunk)));
      emit(resource, m.build());
    }
  }

  private void summary(Resource resource, MetricFamily fam, List<MetricSeries> series) {
    List<SummaryDataPoint> pts = new ArrayList<>();
    for (Map.Entry<Labels, TreeMap<Long, Acc>> e : assemble(series, fam.name(), "quantile").entrySet()) {
      List<KeyValue> attrs = attributes(e.getKey(), null);
      for (Map.Entry<Long, Acc> te : e.getValue().entrySet()) {
        Acc a = te.getValue();
        SummaryDataPoint.Builder p = SummaryDataPoint.newBuilder().addAllAttributes(attrs)
            .setStartTimeUnixNano(a.created).setTimeUnixNano(time(te.getKey()));
        for (Map.Entry<Double, Double> q : a.buckets.entrySet()) {
          p.addQuantileValuesBuilder().setQuantile(q.getKey()).setValue(q.getValue());
        }
        if (!Double.isNaN(a.count)) {
          p.setCount(Math.round(a.count));
        }
        if (a.hasSum) {
          p.setSum(a.sum);
        }
        pts.add(p.build());
      }
    }
    for (int from = 0; from < pts.size(); from += chunk) {
      Metric.Builder m = metric(fam.name(), fam);
      m.getSummaryBuilder().addAllDataPoints(pts.subList(from, Math.min(pts.size(), from + chunk)));
      emit(resource, m.build());
    }
  }
}
