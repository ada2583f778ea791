package dev.traceguard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.traceguard.gpu.GpuProbe;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The gpu commands through the real CLI. On a machine without a CUDA driver: one line, exit 20. */
class GpuCommandsTest {
  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Result(code, out.toString(), err.toString());
  }

  private static void assumeNoDriver() {
    assumeFalse(GpuProbe.probe().ok(), "this machine has a CUDA device; the no-driver path needs one without");
  }

  private static void assertOneCleanLine(String err, String command) {
    assertThat(err.lines().toList()).hasSize(1);
    assertThat(err).startsWith("traceguard " + command + ": ")
        .doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("internal error");
  }

  @Test
  void infoWithoutDriverSaysSoAndExits20() {
    assumeNoDriver();
    Result r = run("gpu", "info");
    assertThat(r.code()).isEqualTo(20);
    assertThat(r.out()).isEmpty();
    assertOneCleanLine(r.err(), "gpu info");
    assertThat(r.err()).contains(GpuProbe.probe().reason());
    if (GpuProbe.probe().state() == dev.traceguard.gpu.GpuStatus.State.NO_DRIVER) {
      assertThat(r.err()).startsWith("traceguard gpu info: no CUDA driver found (");
    }
  }

  @Test
  void infoJsonWithoutDriverIsStillADocument() {
    assumeNoDriver();
    Result r = run("gpu", "info", "--format", "json");
    assertThat(r.code()).isEqualTo(20);
    assertThat(r.out()).contains("\"status\" : \"" + GpuProbe.probe().state().name().toLowerCase().replace('_', '-') + "\"")
        .contains("\"devices\" : [ ]").contains("\"reason\" : ");
    assertOneCleanLine(r.err(), "gpu info");
  }

  @Test
  void benchWithoutDriverSaysSoAndExits20() {
    assumeNoDriver();
    Result r = run("gpu", "bench", "--launches", "10");
    assertThat(r.code()).isEqualTo(20);
    assertThat(r.out()).isEmpty();
    assertOneCleanLine(r.err(), "gpu bench");
    Result v = run("gpu", "bench", "--verbose");
    assertThat(v.code()).isEqualTo(20);
    assertOneCleanLine(v.err(), "gpu bench");
  }

  @Test
  void usageErrorsComeBeforeTheProbe() {
    Result r = run("gpu", "bench", "--streams", "0");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--streams");
    Result t = run("gpu", "bench", "--kernel-time", "soon");
    assertThat(t.code()).isEqualTo(2);
    assertThat(t.err()).contains("not a duration");
  }

  @Test
  void helpTeachesEveryGpuCommand() {
    for (String c : new String[] {"info", "bench"}) {
      Result h = run("gpu", c, "--help");
      assertThat(h.code()).isZero();
      assertThat(h.out()).contains("Examples:").contains("Exit codes:").contains("20 ").contains("--format");
    }
    Result g = run("gpu", "--help");
    assertThat(g.out()).contains("info").contains("bench").contains("report.sqlite");
    assertThat(run("--help").out()).contains("gpu");
  }

  @Test
  void analyzeReadsNsightExportsAndGatesOnGpuRules() {
    String dir = TestdataTest.TESTDATA.resolve("gpu").toString();
    Result clean = run("analyze", "-f", "json", dir + "/clean.sqlite", dir + "/trace-clean.csv");
    assertThat(clean.code()).isZero();
    assertThat(clean.out()).contains("\"format\" : \"nsys-sqlite\"").contains("\"format\" : \"nsys-csv\"")
        .contains("\"gpuActivities\" : 880").contains("\"gpuActivities\" : 330");
    Result idle = run("analyze", "-f", "json", "--fail-on", "warning", dir + "/idle-gaps.sqlite");
    assertThat(idle.code()).isEqualTo(1);
    assertThat(TestdataTest.ruleCounts(idle.out())).containsExactly(java.util.Map.entry("gpu-idle-gaps", 1));
    Result all = run("analyze", "--fail-on", "never", dir + "/launch-bound.sqlite", dir + "/stream-serialization.sqlite",
        dir + "/idle-gaps.sqlite");
    assertThat(all.code()).isZero();
    assertThat(all.out()).contains("gpu-idle-gaps").contains("kernel-launch-bound").contains("stream-serialization");
    assertThat(run("analyze", "--analyzers", "gpu", dir + "/clean.sqlite").code()).isZero();
  }
}
