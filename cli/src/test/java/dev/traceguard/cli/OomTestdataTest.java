package dev.traceguard.cli;

import static dev.traceguard.cli.TestdataTest.ruleCounts;
import static dev.traceguard.cli.TestdataTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The OOM sample histories in testdata/oom through the real CLI: each fires what it should and only that. */
class OomTestdataTest {
  static final Path OOM = TestdataTest.TESTDATA.resolve("oom");

  static String file(String name) {
    return OOM.resolve(name).toString();
  }

  @Test
  void vllmKilledByKvCacheGrowth() {
    String[] r = run("analyze", "-f", "json", "--analyzers", "oom", file("vllm-kv-oomkill.om.txt"));
    assertThat(r[0]).isEqualTo("1");
    assertThat(ruleCounts(r[1])).containsExactly(Map.entry("oom-attribution", 1));
    assertThat(r[1])
        .contains("\"format\" : \"openmetrics\"")
        .contains("\"memory\" : \"container\"")
        .contains("\"cause\" : \"kv-cache-growth\"")
        .contains("\"time\" : \"2026-11-20T10:44:30Z\"")
        .contains("\"limit\" : 21474836480")
        .contains("\"service\" : \"vllm\"")
        .contains("\"reason\" : \"OOMKilled\"")
        .contains("\"exitCode\" : 137");
    // the top contributor is the vLLM process, following the requests in flight
    assertThat(r[1].indexOf("\"metric\" : \"process_resident_memory_bytes\""))
        .isLessThan(r[1].indexOf("\"metric\" : \"vllm:kv_cache_usage_perc\""));
    // the sidecar and the pause container are not part of it
    assertThat(r[1]).doesNotContain("envoy").doesNotContain("\"container\" : \"POD\"");
  }

  @Test
  void jvmDirectBufferLeakFromQueryRangeAndOtlpLogs() {
    // The OutOfMemoryError logs also make an error-taxonomy (metrics) finding; not this test's subject.
    String[] r = run("analyze", "-f", "json", "--analyzers", "oom,context", file("jvm-direct-leak.json"),
        file("jvm-direct-leak-logs.jsonl"));
    assertThat(r[0]).isEqualTo("1");
    assertThat(ruleCounts(r[1])).containsExactly(Map.entry("oom-attribution", 1));
    assertThat(r[1])
        .contains("\"format\" : \"prometheus-api-json\"")
        .contains("\"format\" : \"otlp-json\"")
        .contains("\"memory\" : \"jvm-native\"")
        .contains("\"kind\" : \"Direct buffer memory\"")
        .contains("\"cause\" : \"leak\"")
        .contains("\"limit\" : 1073741824")
        .contains("\"limitSource\" : \"OutOfMemoryError message\"")
        .contains("\"occurrences\" : 3");
    int direct = r[1].indexOf("\"id\" : \"direct\"");
    assertThat(direct).isPositive();
    assertThat(direct).isLessThan(r[1].indexOf("\"id\" : \"Metaspace\""));
  }

  @Test
  void heapRiskFromOtlpMetricsWithinTheHorizonOnly() {
    String[] r = run("analyze", "-f", "json", file("heap-risk-otlp.jsonl"));
    assertThat(r[0]).isEqualTo("0");
    assertThat(ruleCounts(r[1])).containsExactly(Map.entry("oom-risk", 1));
    assertThat(r[1]).contains("\"memory\" : \"jvm-heap\"").contains("\"likelyCause\" : \"leak\"")
        .contains("\"reachesLimitAt\" : \"2026-11-20T12:");
    String[] warn = run("analyze", "--fail-on", "warning", file("heap-risk-otlp.jsonl"));
    assertThat(warn[0]).isEqualTo("1");
    assertThat(warn[1]).contains("oom-risk").contains("reaches its 4.0 GiB limit");
    String[] shorter = run("analyze", "-f", "json", "--oom-horizon", "30m", file("heap-risk-otlp.jsonl"));
    assertThat(ruleCounts(shorter[1])).isEmpty();
    String[] bad = run("analyze", "--oom-horizon", "0s", file("heap-risk-otlp.jsonl"));
    assertThat(bad[0]).isEqualTo("2");
    assertThat(bad[2]).contains("--oom-horizon must be positive");
  }

  @Test
  void steadyHistoryHasNoFinding() {
    String[] r = run("analyze", "-f", "json", file("steady-clean.om.txt"));
    assertThat(r[0]).isEqualTo("0");
    assertThat(ruleCounts(r[1])).isEmpty();
    assertThat(r[1]).contains("\"oomMemorySeries\" : 14").contains("\"oomEvents\" : 0");
  }

  @Test
  void otherSampleMetricsHaveNoOomFinding() {
    String[] r = run("analyze", "-f", "json", "--analyzers", "oom", TestdataTest.TESTDATA.resolve("metrics").toString());
    assertThat(r[0]).isEqualTo("0");
    assertThat(ruleCounts(r[1])).isEmpty();
  }

  /** The clean trace samples record the model server's CUDA out-of-memory errors: one event, no metric history. */
  @Test
  void cudaErrorsInTheTraceSamplesAreOneEvent() {
    String[] r = run("analyze", "-f", "json", "--analyzers", "oom", TestdataTest.TESTDATA.resolve("clean").toString());
    assertThat(ruleCounts(r[1])).containsExactly(Map.entry("oom-attribution", 1));
    assertThat(r[1]).contains("\"memory\" : \"gpu\"").contains("\"kind\" : \"CUDA out of memory\"")
        .contains("\"requested\" : 2147483648").contains("\"cause\" : \"unknown\"");
  }
}
