package dev.traceguard.analyzers.jvm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traceguard.analyzers.AnalysisOptions;
import dev.traceguard.analyzers.Analyzers;
import dev.traceguard.analyzers.io.DumpReader;
import dev.traceguard.analyzers.io.otlp.OtlpJsonMetricsWriter;
import dev.traceguard.analyzers.model.Attributes;
import dev.traceguard.analyzers.model.InputSummary;
import dev.traceguard.analyzers.model.Labels;
import dev.traceguard.analyzers.model.MetricFamily;
import dev.traceguard.analyzers.model.MetricSeries;
import dev.traceguard.analyzers.model.MetricStore;
import dev.traceguard.analyzers.model.MetricType;
import dev.traceguard.analyzers.model.Resource;
import dev.traceguard.analyzers.model.Telemetry;
import dev.traceguard.analyzers.report.Finding;
import dev.traceguard.analyzers.report.Report;
import dev.traceguard.analyzers.report.Severity;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JvmAnalyzerTest {
  @TempDir Path dir;

  private static final long T0 = 1_760_000_000_000_000_000L;
  private static final long MIB = 1L << 20;
  private static final Resource PROC = new Resource(Attributes.of("process.pid", 4242L, "process.command", "ai.Server"));

  /** A profile-like store: n one-second samples; each metric given as a function of the sample index. */
  private static final class Samples {
    final Telemetry t = new Telemetry();
    final MetricStore m = t.metrics();

    Samples() {
      t.addInput("test");
    }

    void gauge(String name, Labels labels, double... values) {
      m.declare(new MetricFamily(name, MetricType.GAUGE, "By", ""));
      put(name, labels, values);
    }

    void counter(String name, Labels labels, double... values) {
      m.declare(new MetricFamily(name, MetricType.COUNTER, "s", ""));
      put(name, labels, values);
    }

    private void put(String name, Labels labels, double... values) {
      MetricSeries s = m.series(name, name, labels, PROC, 0, 1);
      for (int i = 0; i < values.length; i++) {
        m.add(s, T0 + i * 1_000_000_000L, values[i]);
      }
    }

    List<Finding> findings() {
      return Analyzers.run(List.of(new JvmAnalyzer()), t, AnalysisOptions.defaults(), "test").findings();
    }
  }

  private static double[] repeat(double v, int n) {
    double[] a = new double[n];
    java.util.Arrays.fill(a, v);
    return a;
  }

  private static Samples healthy() {
    return healthy(900);
  }

  private static Samples healthy(long workingSetMib) {
    Samples s = new Samples();
    s.gauge(JvmMetrics.HEAP_USED, Labels.empty(), 100 * MIB, 180 * MIB, 120 * MIB, 200 * MIB, 110 * MIB, 150 * MIB);
    s.gauge(JvmMetrics.HEAP_COMMITTED, Labels.empty(), repeat(512 * MIB, 6));
    s.gauge(JvmMetrics.HEAP_LIMIT, Labels.empty(), repeat(1024 * MIB, 6));
    s.counter(JvmMetrics.GC_TIME, Labels.of(JvmMetrics.GC_NAME, "G1 Young Generation"), 1.0, 1.01, 1.02, 1.03, 1.04, 1.05);
    s.gauge(JvmMetrics.BUFFER_USED, Labels.of(JvmMetrics.BUFFER_POOL, "direct"),
        64 * MIB, 70 * MIB, 64 * MIB, 66 * MIB, 64 * MIB, 65 * MIB);
    s.gauge(JvmMetrics.RSS, Labels.empty(), repeat(800 * MIB, 6));
    s.gauge(JvmMetrics.CONTAINER_WORKING_SET, Labels.empty(), repeat(workingSetMib * MIB, 6));
    s.gauge(JvmMetrics.CONTAINER_LIMIT, Labels.empty(), repeat(2048 * MIB, 6));
    s.gauge(JvmMetrics.THREAD_DEADLOCKED, Labels.of(JvmMetrics.THREAD_NAME, "none"), repeat(0, 6));
    return s;
  }

  @Test
  void healthyProcessHasNoFindings() {
    assertThat(healthy().findings()).isEmpty();
  }

  @Test
  void gcPressureNeedsBothFullHeapAndGcOverhead() {
    Samples s = new Samples();
    s.gauge(JvmMetrics.HEAP_USED, Labels.empty(), 900 * MIB, 950 * MIB, 940 * MIB, 960 * MIB);
    s.gauge(JvmMetrics.HEAP_LIMIT, Labels.empty(), repeat(1000 * MIB, 4));
    s.counter(JvmMetrics.GC_TIME, Labels.of(JvmMetrics.GC_NAME, "G1 Young Generation"), 5.0, 5.2, 5.4, 5.5);
    s.counter(JvmMetrics.GC_TIME, Labels.of(JvmMetrics.GC_NAME, "G1 Old Generation"), 0, 0.1, 0.1, 0.2);
    List<Finding> f = s.findings();
    assertThat(f).hasSize(1);
    Finding g = f.get(0);
    assertThat(g.rule()).isEqualTo("gc-pressure");
    assertThat(g.severity()).isEqualTo(Severity.WARNING);
    assertThat(g.subject()).containsEntry("pid", 4242L);
    // (5.7 - 5.0) s of GC over 3 s.
    assertThat((double) g.evidence().get("gcOverhead")).isCloseTo(0.2333, org.assertj.core.data.Offset.offset(1e-3));
    assertThat(g.evidence()).containsEntry("heapUsedPeakBytes", 960 * MIB);

    Samples light = new Samples();
    light.gauge(JvmMetrics.HEAP_USED, Labels.empty(), 900 * MIB, 950 * MIB, 940 * MIB, 960 * MIB);
    light.gauge(JvmMetrics.HEAP_LIMIT, Labels.empty(), repeat(1000 * MIB, 4));
    light.counter(JvmMetrics.GC_TIME, Labels.empty(), 5.0, 5.05, 5.1, 5.15);
    assertThat(light.findings()).isEmpty();
  }

  @Test
  void steadyDirectGrowthFiresAndNoisyOrSmallDoesNot() {
    Samples s = healthy();
    s.gauge(JvmMetrics.BUFFER_USED, Labels.of(JvmMetrics.BUFFER_POOL, "mapped"),
        0, 8 * MIB, 16 * MIB, 24 * MIB, 30 * MIB, 40 * MIB);
    List<Finding> f = s.findings();
    assertThat(f).extracting(Finding::rule).containsExactly("native-memory-growth");
    assertThat(f.get(0).subject()).containsEntry("field", "mapped-buffers");
    assertThat(f.get(0).evidence()).containsEntry("growthBytes", 40 * MIB).containsEntry("points", 6);

    Samples small = healthy();
    small.gauge(JvmMetrics.BUFFER_USED, Labels.of(JvmMetrics.BUFFER_POOL, "mapped"), 0, 1 * MIB, 2 * MIB, 3 * MIB);
    assertThat(small.findings()).isEmpty();

    Samples sawtooth = healthy();
    sawtooth.gauge(JvmMetrics.BUFFER_USED, Labels.of(JvmMetrics.BUFFER_POOL, "mapped"),
        0, 80 * MIB, 0, 80 * MIB, 0, 40 * MIB);
    assertThat(sawtooth.findings()).isEmpty();
  }

  @Test
  void rssGrowthOutsideTheHeapFiresWhenNoBufferExplainsIt() {
    Samples s = new Samples();
    s.gauge(JvmMetrics.HEAP_USED, Labels.empty(), repeat(100 * MIB, 5));
    s.gauge(JvmMetrics.HEAP_COMMITTED, Labels.empty(), 256 * MIB, 256 * MIB, 300 * MIB, 300 * MIB, 300 * MIB);
    s.gauge(JvmMetrics.RSS, Labels.empty(), 600 * MIB, 650 * MIB, 744 * MIB, 790 * MIB, 840 * MIB);
    List<Finding> f = s.findings();
    assertThat(f).extracting(Finding::rule).containsExactly("native-memory-growth");
    assertThat(f.get(0).subject()).containsEntry("field", "rss-outside-heap");
    assertThat(f.get(0).evidence()).containsEntry("growthBytes", 196 * MIB);
  }

  @Test
  void containerPressureUsesWorkingSetAgainstLimit() {
    Samples s = healthy(1900);
    List<Finding> f = s.findings();
    assertThat(f).extracting(Finding::rule).containsExactly("container-memory-pressure");
    assertThat(f.get(0).evidence()).containsEntry("limitBytes", 2048 * MIB).containsEntry("measure", "working set");
  }

  @Test
  void deadlockListsTheThreads() {
    Samples s = healthy();
    s.gauge(JvmMetrics.THREAD_DEADLOCKED, Labels.of(JvmMetrics.THREAD_NAME, "worker-b"), 0, 0, 1, 1, 1, 1);
    s.gauge(JvmMetrics.THREAD_DEADLOCKED, Labels.of(JvmMetrics.THREAD_NAME, "worker-a"), 0, 0, 1, 1, 1, 1);
    List<Finding> f = s.findings();
    assertThat(f).extracting(Finding::rule).containsExactly("deadlock");
    assertThat(f.get(0).severity()).isEqualTo(Severity.ERROR);
    assertThat(f.get(0).evidence().get("threads")).isEqualTo(List.of("worker-a", "worker-b"));
  }

  @Test
  void dumpRoundTripsThroughTheOtlpReaderWithTheSameFindings() throws IOException {
    Samples s = healthy();
    s.gauge(JvmMetrics.THREAD_DEADLOCKED, Labels.of(JvmMetrics.THREAD_NAME, "worker-a"), 0, 0, 1, 1, 1, 1);
    s.gauge(JvmMetrics.BUFFER_USED, Labels.of(JvmMetrics.BUFFER_POOL, "mapped"),
        0, 8 * MIB, 16 * MIB, 24 * MIB, 30 * MIB, 40 * MIB);
    StringWriter w = new StringWriter();
    new OtlpJsonMetricsWriter("traceguard", "test").write(s.m, w);
    Path p = dir.resolve("profile.jsonl");
    Files.writeString(p, w.toString(), StandardCharsets.UTF_8);

    Telemetry back = new Telemetry();
    InputSummary in = DumpReader.read(p, back, null);
    assertThat(in.format()).isEqualTo("otlp-json");
    assertThat(in.skipped()).isZero();
    assertThat(back.metrics().seriesCount()).isEqualTo(s.m.seriesCount());
    assertThat(back.metrics().sampleCount()).isEqualTo(s.m.sampleCount());
    MetricSeries gc = back.metrics().seriesNamed(JvmMetrics.GC_TIME).get(0);
    assertThat(gc.family().type()).isEqualTo(MetricType.COUNTER);
    assertThat(gc.labels().get(JvmMetrics.GC_NAME)).isEqualTo("G1 Young Generation");
    assertThat(gc.time(5)).isEqualTo(T0 + 5_000_000_000L);
    assertThat(gc.value(5)).isEqualTo(1.05);
    assertThat(gc.resource().attributes().get("process.pid")).isEqualTo(4242L);

    Report original = Analyzers.run(List.of(new JvmAnalyzer()), s.t, AnalysisOptions.defaults(), "t");
    Report read = Analyzers.run(List.of(new JvmAnalyzer()), back, AnalysisOptions.defaults(), "t");
    assertThat(read.findings()).isEqualTo(original.findings());
    assertThat(read.findings()).extracting(Finding::rule).containsExactly("deadlock", "native-memory-growth");
  }

  @Test
  void thresholdsComeFromJvmOptions() {
    Samples s = healthy(1200);
    AnalysisOptions strict = AnalysisOptions.defaults().with(JvmOptions.class, new JvmOptions(0.1, 0.85, 16 << 20, 0.8, 0.7, 0.5));
    assertThat(Analyzers.run(List.of(new JvmAnalyzer()), s.t, strict, "t").findings())
        .extracting(Finding::rule).containsExactly("container-memory-pressure");
    assertThat(s.findings()).isEmpty();
  }
}
