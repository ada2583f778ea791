package dev.traceguard.analyzers.gpu;

import dev.traceguard.analyzers.model.GpuActivityStore.KernelSummary;
import dev.traceguard.analyzers.model.MetricSeries;
import dev.traceguard.analyzers.model.MetricStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Metric names of the in-process kernel timing that {@code traceguard profile --gpu} reads from its
 * agent and writes to its samples and OTLP dump, and their reading back as per-kernel summaries for
 * the {@code gpu} analyzer. Times are in seconds (OpenTelemetry's unit for durations).
 */
public final class GpuAgentMetrics {
  /** Launches timed per kernel (counter; attribute {@link #KERNEL}). */
  public static final String KERNEL_LAUNCHES = "traceguard.gpu.kernel.launches";
  /** Summed kernel time per kernel, s (counter; attribute {@link #KERNEL}). */
  public static final String KERNEL_TIME = "traceguard.gpu.kernel.time";
  /** Median kernel time, s (gauge; attribute {@link #KERNEL}). */
  public static final String KERNEL_P50 = "traceguard.gpu.kernel.time.p50";
  /** 99th percentile of kernel time, s (gauge; attribute {@link #KERNEL}). */
  public static final String KERNEL_P99 = "traceguard.gpu.kernel.time.p99";
  /** Launches timed per stream (counter; attribute {@link #STREAM}). */
  public static final String STREAM_LAUNCHES = "traceguard.gpu.stream.launches";
  /** Summed kernel time per stream, s (counter; attribute {@link #STREAM}). */
  public static final String STREAM_BUSY = "traceguard.gpu.stream.busy_time";
  /** Busy time over the time since the stream's first timed launch, 0..1 (gauge; {@link #STREAM}). */
  public static final String STREAM_UTILIZATION = "traceguard.gpu.stream.utilization";
  /** Share of stream-state samples ({@code cuStreamQuery}) that found the stream busy, 0..1 (gauge). */
  public static final String STREAM_BUSY_SAMPLES = "traceguard.gpu.stream.busy_share";
  /** Launches timed in all (counter). */
  public static final String TIMED = "traceguard.gpu.launches.timed";
  /** Launches not timed: every event pair in flight, or an event call failed (counter). */
  public static final String UNTIMED = "traceguard.gpu.launches.untimed";
  /** Launches left untimed by the sampling budget (counter). */
  public static final String UNSAMPLED = "traceguard.gpu.launches.unsampled";
  /** Mean host time the timing adds to one launch, s (gauge). */
  public static final String OVERHEAD = "traceguard.gpu.timing.overhead";
  /** CPU time of the agent's harvest thread, s (counter). */
  public static final String HARVEST_CPU = "traceguard.gpu.harvest.cpu_time";
  /** Kernel name attribute. */
  public static final String KERNEL = "gpu.kernel.name";
  /** Stream attribute. */
  public static final String STREAM = "gpu.stream";

  private GpuAgentMetrics() {}

  /**
   * Per-kernel summaries from the latest point of each kernel's series: launches, total and median
   * time (min and max unknown: the median stands in for the minimum, the p99 for the maximum).
   *
   * @param metrics the store holding the series written by {@code profile --gpu}
   * @return one summary per (input, kernel), empty when the store has none
   */
  public static List<KernelSummary> summaries(MetricStore metrics) {
    Map<String, long[]> byKernel = new LinkedHashMap<>();
    Map<String, Integer> inputs = new LinkedHashMap<>();
    collect(metrics, KERNEL_LAUNCHES, 0, 1, byKernel, inputs);
    collect(metrics, KERNEL_TIME, 1, 1e9, byKernel, inputs);
    collect(metrics, KERNEL_P50, 2, 1e9, byKernel, inputs);
    collect(metrics, KERNEL_P99, 3, 1e9, byKernel, inputs);
    List<KernelSummary> out = new ArrayList<>();
    for (Map.Entry<String, long[]> e : byKernel.entrySet()) {
      long[] v = e.getValue();
      if (v[0] <= 0) {
        continue;
      }
      String name = e.getKey().substring(e.getKey().indexOf('\u0000') + 1);
      out.add(new KernelSummary(name, v[0], v[1], v[2], v[2], Math.max(v[2], v[3]), inputs.get(e.getKey())));
    }
    return out;
  }

  private static void collect(MetricStore metrics, String name, int slot, double scale, Map<String, long[]> byKernel,
      Map<String, Integer> inputs) {
    for (MetricSeries s : metrics.seriesNamed(name)) {
      String kernel = s.labels().get(KERNEL);
      if (kernel == null || s.size() == 0) {
        continue;
      }
      int last = 0;
      for (int i = 1; i < s.size(); i++) {
        if (s.time(i) >= s.time(last)) {
          last = i;
        }
      }
      String key = s.input() + "\u0000" + kernel;
      inputs.putIfAbsent(key, s.input());
      byKernel.computeIfAbsent(key, k -> new long[4])[slot] = Math.round(s.value(last) * scale);
    }
  }
}
