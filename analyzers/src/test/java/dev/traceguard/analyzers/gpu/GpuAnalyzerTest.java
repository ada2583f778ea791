package dev.traceguard.analyzers.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traceguard.analyzers.AnalysisOptions;
import dev.traceguard.analyzers.Analyzers;
import dev.traceguard.analyzers.io.DumpReader;
import dev.traceguard.analyzers.model.GpuActivityStore.Kind;
import dev.traceguard.analyzers.model.Telemetry;
import dev.traceguard.analyzers.report.Finding;
import dev.traceguard.analyzers.report.Report;
import dev.traceguard.analyzers.report.Severity;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The gpu analyzer on the samples in testdata/gpu (written by generate_nsys.py) and on small cases. */
class GpuAnalyzerTest {
  static final Path TESTDATA = Path.of("..", "testdata", "gpu");

  static List<Finding> analyze(Telemetry t, AnalysisOptions o) {
    Report r = Analyzers.run(List.of(new GpuAnalyzer()), t, o, "test");
    return r.findings();
  }

  static List<Finding> analyzeFile(String name) {
    Telemetry t = new Telemetry();
    assertThat(DumpReader.read(TESTDATA.resolve(name), t).skipped()).isZero();
    return analyze(t, AnalysisOptions.defaults());
  }

  @ParameterizedTest
  @CsvSource({"clean.sqlite", "trace-clean.csv"})
  void cleanSamplesHaveNoFindings(String file) {
    assertThat(analyzeFile(file)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "idle-gaps.sqlite, gpu-idle-gaps",
    "launch-bound.sqlite, kernel-launch-bound",
    "stream-serialization.sqlite, stream-serialization",
    "kern-sum-launch-bound.csv, kernel-launch-bound"
  })
  void eachSampleFiresItsRuleOnly(String file, String rule) {
    List<Finding> f = analyzeFile(file);
    assertThat(f).extracting(Finding::rule).containsExactly(rule);
    assertThat(f.get(0).severity()).isEqualTo(Severity.WARNING);
    assertThat(f.get(0).analyzer()).isEqualTo("gpu");
  }

  @Test
  void idleGapsEvidenceNamesTheHostWork() {
    Finding f = analyzeFile("idle-gaps.sqlite").get(0);
    assertThat(f.subject()).containsEntry("device", "0");
    assertThat((double) f.evidence().get("idleShare")).isBetween(0.6, 0.7);
    assertThat(f.evidence().get("longGaps")).isEqualTo(59);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> top = (List<Map<String, Object>>) f.evidence().get("longestGaps");
    assertThat(top).hasSize(3).allSatisfy(g -> assertThat(g).containsEntry("nvtxRange", "tokenize")
        .containsEntry("durationNs", 600_000L));
    assertThat(f.message()).startsWith("device 0 was idle 66% of ");
  }

  @Test
  void launchOverheadIsMeasuredFromLaunchCalls() {
    Finding f = analyzeFile("launch-bound.sqlite").get(0);
    assertThat(f.evidence()).containsEntry("launchOverheadNs", 4_500L).containsEntry("shortKernels", 2000L)
        .containsEntry("kernelMedianNs", 2_000L);
    assertThat(f.evidence().get("launchOverheadSource").toString()).startsWith("median of 2000 kernel launch API calls");
    assertThat(f.message()).contains("(4.5 µs, measured)");
  }

  @Test
  void serializationNamesTheStreamAndTheIndependentWork() {
    Finding f = analyzeFile("stream-serialization.sqlite").get(0);
    assertThat(f.evidence()).containsEntry("stream", 7L).containsEntry("kernels", 200L)
        .containsEntry("copiesOnStream", 100L).containsEntry("concurrentHostThreads", 2);
    assertThat(f.message()).contains("ran on stream 7");
  }

  @Test
  void thresholdsComeFromGpuOptions() {
    Telemetry t = new Telemetry();
    DumpReader.read(TESTDATA.resolve("idle-gaps.sqlite"), t);
    GpuOptions d = GpuOptions.defaults();
    GpuOptions lenient = new GpuOptions(0.9, d.minGapNanos(), d.minWindowNanos(), d.minKernels(),
        d.launchOverheadNanos(), d.shortShare(), d.minShortKernels(), d.minSerialKernels(), d.copyShare());
    assertThat(analyze(t, AnalysisOptions.defaults().with(GpuOptions.class, lenient))).isEmpty();
    assertThat(analyze(t, AnalysisOptions.defaults())).hasSize(1);
  }

  @Test
  void shortGapsAreLaunchLatencyNotIdling() {
    Telemetry t = new Telemetry();
    long at = 0;
    for (int i = 0; i < 1000; i++) {
      // 50 µs kernels with 15 µs between them: 23% idle, all in gaps under 20 µs.
      t.gpu().add(Kind.KERNEL, 0, 13 + i % 2, at, at + 50_000, "k", i, 0, 0);
      at += 65_000;
    }
    assertThat(analyze(t, AnalysisOptions.defaults())).isEmpty();
  }

  @Test
  void oneStreamWithoutIndependentWorkIsNotSerialization() {
    Telemetry t = new Telemetry();
    long at = 0;
    for (int i = 0; i < 100; i++) {
      t.gpu().add(Kind.KERNEL, 0, 7, at, at + 100_000, "k", i, 0, 0);
      at += 101_000;
    }
    // One host thread's ranges, one after another: nothing could run beside the stream's work.
    t.gpu().add(Kind.NVTX, 0, 1, 0, 5_000_000, "step", 0, 0, 0);
    t.gpu().add(Kind.NVTX, 0, 1, 5_000_000, 10_000_000, "step", 0, 0, 0);
    assertThat(analyze(t, AnalysisOptions.defaults())).isEmpty();
    t.gpu().add(Kind.NVTX, 0, 2, 1_000_000, 2_000_000, "step", 0, 0, 0);
    assertThat(analyze(t, AnalysisOptions.defaults())).extracting(Finding::rule).containsExactly("stream-serialization");
  }

  @Test
  void devicesAreJudgedApart() {
    Telemetry t = new Telemetry();
    long at = 0;
    for (int i = 0; i < 200; i++) {
      t.gpu().add(Kind.KERNEL, 0, 13, at, at + 1_000, "tiny", i, 0, 0);
      t.gpu().add(Kind.KERNEL, 1, 13, at, at + 900_000, "big", i, 0, 0);
      at += 2_000;
    }
    List<Finding> f = analyze(t, AnalysisOptions.defaults());
    assertThat(f).extracting(Finding::rule).containsExactly("kernel-launch-bound");
    assertThat(f.get(0).subject()).containsEntry("device", "0");
  }
}
