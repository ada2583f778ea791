package dev.traceguard.analyzers.slo;

import dev.traceguard.analyzers.model.Labels;
import dev.traceguard.analyzers.model.MetricSeries;
import dev.traceguard.analyzers.model.MetricStore;
import dev.traceguard.analyzers.model.Resource;
import dev.traceguard.analyzers.model.SpanKind;
import dev.traceguard.analyzers.model.SpanStore;
import dev.traceguard.analyzers.model.StatusCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Indicators from traces when a dump has no metrics: each SERVER span (every span when there is
 * none) is an event with its duration and status. They are turned into the counters a server
 * would export, sampled on a 15-second grid, so the same rate and quantile arithmetic applies:
 * {@code traceguard_span_duration_seconds_bucket{service, model, le}} and {@code
 * traceguard_spans_total{service, model, status}} ({@code status} UNSET, OK or ERROR).
 */
public final class SpanIndicators {
  /** Name of the synthetic latency histogram. */
  public static final String HISTOGRAM = "traceguard_span_duration_seconds";
  /** Name of the synthetic span counter. */
  public static final String COUNTER = "traceguard_spans_total";
  private static final String[] LES = {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10",
    "30", "60", "+Inf"};
  private static final long GRID_NS = 15_000_000_000L;

  private SpanIndicators() {}

  /** The synthetic counters of the spans' events; an empty store when there are no spans. */
  public static MetricStore metrics(SpanStore spans) {
    boolean anyServer = false;
    for (int i = 0; i < spans.size(); i++) {
      if (spans.kind(i) == SpanKind.SERVER) {
        anyServer = true;
        break;
      }
    }
    // Per group: end times, durations and statuses of its events.
    Map<Labels, List<long[]>> events = new LinkedHashMap<>();
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int i = 0; i < spans.size(); i++) {
      if (anyServer && spans.kind(i) != SpanKind.SERVER) {
        continue;
      }
      long end = spans.end(i);
      long start = spans.start(i);
      if (end <= 0 || end < start) {
        continue;
      }
      Map<String, String> g = new TreeMap<>();
      String service = spans.serviceName(i);
      g.put("service", service == null || service.isEmpty() ? "unknown" : service);
      Object model = spans.attribute(i, "gen_ai.request.model");
      if (model != null) {
        g.put("model", model.toString());
      }
      events.computeIfAbsent(Labels.of(g), k -> new ArrayList<>())
          .add(new long[] {end, end - start, spans.status(i).ordinal()});
      min = Math.min(min, end);
      max = Math.max(max, end);
    }
    MetricStore store = new MetricStore();
    if (events.isEmpty()) {
      return store;
    }
    long first = Math.floorDiv(min, GRID_NS) * GRID_NS;
    int points = (int) Math.min(1_000_000, (max - first) / GRID_NS + 2);
    double[] bounds = new double[LES.length];
    for (int b = 0; b < LES.length; b++) {
      bounds[b] = Sli.parseLe(LES[b]);
    }
    for (Map.Entry<Labels, List<long[]>> e : events.entrySet()) {
      List<long[]> ev = e.getValue();
      ev.sort((a, b) -> Long.compare(a[0], b[0]));
      double[][] buckets = new double[LES.length][points];
      double[][] status = new double[StatusCode.values().length][points];
      long[] cumB = new long[LES.length];
      long[] cumS = new long[status.length];
      int k = 0;
      for (int p = 0; p < points; p++) {
        long t = first + p * GRID_NS;
        while (k < ev.size() && ev.get(k)[0] <= t) {
          double seconds = ev.get(k)[1] / 1e9;
          for (int b = 0; b < LES.length; b++) {
            if (seconds <= bounds[b]) {
              cumB[b]++;
            }
          }
          cumS[(int) ev.get(k)[2]]++;
          k++;
        }
        for (int b = 0; b < LES.length; b++) {
          buckets[b][p] = cumB[b];
        }
        for (int s = 0; s < status.length; s++) {
          status[s][p] = cumS[s];
        }
      }
      for (int b = 0; b < LES.length; b++) {
        add(store, HISTOGRAM, HISTOGRAM + "_bucket", e.getKey().with("le", LES[b]), first, buckets[b]);
      }
      for (int s = 0; s < status.length; s++) {
        if (cumS[s] > 0) {
          add(store, COUNTER, COUNTER, e.getKey().with("status", StatusCode.values()[s].name()), first, status[s]);
        }
      }
    }
    return store;
  }

  private static void add(MetricStore store, String family, String name, Labels labels, long first, double[] values) {
    MetricSeries s = store.series(family, name, labels, Resource.EMPTY, -1, 0);
    if (s == null) {
      return;
    }
    for (int p = 0; p < values.length; p++) {
      store.add(s, first + p * GRID_NS, values[p]);
    }
  }
}
