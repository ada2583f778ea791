package dev.traceguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Dumps written by {@code traceguard profile --out} (testdata/profile), read back by {@code
 * analyze}: each fires its jvm rule and only it; the clean one none.
 */
class ProfileDumpTest {
  @ParameterizedTest
  @CsvSource({
    "clean.jsonl, '', 0",
    "direct-growth.jsonl, native-memory-growth, 0",
    "gc-pressure.jsonl, gc-pressure, 0",
    "container-memory-pressure.jsonl, container-memory-pressure, 0",
    "deadlock.jsonl, deadlock, 1",
  })
  void eachDumpFiresItsRule(String file, String rule, int code) {
    String[] r = TestdataTest.run("analyze", "--format", "json", TestdataTest.TESTDATA.resolve("profile").resolve(file).toString());
    assertThat(Integer.parseInt(r[0])).as(r[2]).isEqualTo(code);
    Map<String, Integer> rules = TestdataTest.ruleCounts(r[1]);
    if (rule.isEmpty()) {
      assertThat(rules).isEmpty();
    } else {
      assertThat(rules).containsExactly(Map.entry(rule, 1));
    }
    assertThat(r[1]).contains("\"format\" : \"otlp-json\"").contains("\"skipped\" : 0").contains("\"jvmProcesses\" : 1");
  }

  @Test
  void aGpuProfileCapturedOnAGpuReadsBackWithItsKernelFigures() {
    // profile --gpu --out on an H200 (testdata/README.md): one JCuda kernel of about 27 µs.
    String[] r = TestdataTest.run("analyze", "--format", "json",
        TestdataTest.TESTDATA.resolve("gpu").resolve("profile-gpu-h200.jsonl").toString());
    assertThat(Integer.parseInt(r[0])).as(r[2]).isZero();
    assertThat(TestdataTest.ruleCounts(r[1])).isEmpty();
    assertThat(r[1]).contains("\"gpuKernelSummaries\" : 1").contains("\"jvmProcesses\" : 1")
        .contains("\"skipped\" : 0");
  }

  @Test
  void profileAndPsHelpTeach() {
    String[] p = TestdataTest.run("profile", "--help");
    assertThat(p[0]).isEqualTo("0");
    assertThat(p[1]).contains("Examples:").contains("Exit codes:").contains("--duration 0").contains("17")
        .contains("docs/rules.md");
    String[] ps = TestdataTest.run("ps", "--help");
    assertThat(ps[1]).contains("Examples:").contains("Exit codes:").contains("--format");
    assertThat(TestdataTest.run()[1]).contains("profile").contains("ps");
    // A missing --pid is a usage error, not a stack trace.
    String[] noPid = TestdataTest.run("profile");
    assertThat(noPid[0]).isEqualTo("2");
    assertThat(noPid[2]).contains("--pid").doesNotContain("\tat ");
  }
}
