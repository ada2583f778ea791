package dev.traceguard.analyzers.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traceguard.analyzers.AnalysisOptions;
import dev.traceguard.analyzers.model.GpuActivityStore.KernelSummary;
import dev.traceguard.analyzers.model.Labels;
import dev.traceguard.analyzers.model.MetricSeries;
import dev.traceguard.analyzers.model.MetricStore;
import dev.traceguard.analyzers.model.Resource;
import dev.traceguard.analyzers.model.Telemetry;
import dev.traceguard.analyzers.report.Finding;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Kernel figures sampled by {@code profile --gpu} (as metrics) read back as per-kernel summaries,
 * and the gpu analyzer's {@code kernel-launch-bound} on them.
 */
class GpuAgentMetricsTest {
  /** Two samples of one kernel, as profile writes them (seconds); the later one counts. */
  static void kernel(MetricStore m, String name, long launches, double totalS, double p50S, double p99S) {
    long t = 1_000_000_000L;
    for (int i = 0; i < 2; i++) {
      double share = i == 0 ? 0.5 : 1;
      point(m, GpuAgentMetrics.KERNEL_LAUNCHES, name, t + i, Math.round(launches * share));
      point(m, GpuAgentMetrics.KERNEL_TIME, name, t + i, totalS * share);
      point(m, GpuAgentMetrics.KERNEL_P50, name, t + i, p50S);
      point(m, GpuAgentMetrics.KERNEL_P99, name, t + i, p99S);
    }
  }

  static void point(MetricStore m, String metric, String kernel, long time, double v) {
    MetricSeries s = m.series(metric, metric, Labels.of(GpuAgentMetrics.KERNEL, kernel), Resource.EMPTY, 0, 0);
    m.add(s, time, v);
  }

  @Test
  void latestPointOfEachKernelBecomesASummary() {
    MetricStore m = new MetricStore();
    kernel(m, "spin_ns", 2000, 0.04, 20e-6, 31e-6);
    List<KernelSummary> s = GpuAgentMetrics.summaries(m);
    assertThat(s).containsExactly(new KernelSummary("spin_ns", 2000, 40_000_000, 20_000, 20_000, 31_000, 0));
    assertThat(GpuAgentMetrics.summaries(new MetricStore())).isEmpty();
  }

  @Test
  void shortKernelsTimedByTheAgentAreLaunchBoundAndLongOnesAreNot() {
    Telemetry bound = new Telemetry();
    kernel(bound.metrics(), "add_bias", 5000, 0.01, 2e-6, 3e-6);
    kernel(bound.metrics(), "gemm", 100, 0.05, 500e-6, 600e-6);
    List<Finding> f = GpuAnalyzerTest.analyze(bound, AnalysisOptions.defaults());
    assertThat(f).extracting(Finding::rule).containsExactly("kernel-launch-bound");
    assertThat(f.get(0).evidence()).containsEntry("shortKernels", 5000L)
        .containsEntry("basis", "per-kernel medians timed in the JVM by traceguard's agent (profile --gpu)");

    Telemetry clean = new Telemetry();
    kernel(clean.metrics(), "gemm", 5000, 2.5, 500e-6, 600e-6);
    assertThat(GpuAnalyzerTest.analyze(clean, AnalysisOptions.defaults())).isEmpty();
  }
}
