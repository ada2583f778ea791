package dev.traceguard.analyzers.slo;

import dev.traceguard.analyzers.model.MetricSeries;
import dev.traceguard.analyzers.model.MetricStore;
import dev.traceguard.analyzers.model.Telemetry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Computes per-series rates while a dump is read, keeping only the series being read as points:
 * dumps written series by series (promtool's OpenMetrics, query_range JSON) then need memory for
 * one series' points plus every series' per-step rates, not for all points. Input that comes
 * back to a series already finished is flagged {@link #unsorted()}; read it with {@link
 * OfflineRates#compute(Telemetry, SloOptions)} instead.
 *
 * <pre>{@code
 * StreamingRates stream = new StreamingRates(options, telemetry);
 * telemetry.metrics().pointSink(stream);
 * DumpReader.read(path, telemetry);
 * telemetry.metrics().pointSink(null);
 * OfflineRates.Result r = stream.result();
 * }</pre>
 */
public final class StreamingRates implements MetricStore.PointSink {
  private final SloOptions options;
  private final Telemetry telemetry;
  private final Set<MetricSeries> finished = Collections.newSetFromMap(new IdentityHashMap<>());
  private final List<OfflineRates.SeriesRates> all = new ArrayList<>();
  private final List<Problem> problems = new ArrayList<>();
  private MetricSeries current;
  private boolean wanted;
  private boolean unsorted;
  private long[] times = new long[1024];
  private double[] values = new double[1024];
  private int n;

  /** A consumer for series read into {@code telemetry}. */
  public StreamingRates(SloOptions options, Telemetry telemetry) {
    this.options = options;
    this.telemetry = telemetry;
  }

  @Override
  public void point(MetricSeries series, long timeUnixNano, double value) {
    if (series != current) {
      finish();
      current = series;
      if (!finished.add(series)) {
        unsorted = true;
      }
      wanted = OfflineRates.counterLike(series.name()) && options.selector().matches(series.name(), series.labels());
    }
    if (!wanted) {
      return;
    }
    if (n == times.length) {
      times = Arrays.copyOf(times, n * 2);
      values = Arrays.copyOf(values, n * 2);
    }
    times[n] = timeUnixNano;
    values[n] = value;
    n++;
  }

  private void finish() {
    if (current != null && wanted && n > 0) {
      all.add(OfflineRates.one(current, times, values, n, options, telemetry, problems));
    }
    current = null;
    n = 0;
  }

  /** Whether a series came back after another had started: the rates are then wrong and must be recomputed. */
  public boolean unsorted() {
    return unsorted;
  }

  /** The indicators and their per-group rates. */
  public OfflineRates.Result result() {
    finish();
    return OfflineRates.aggregate(all, options, problems);
  }
}
