package dev.traceguard.analyzers.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traceguard.analyzers.model.InputSummary;
import dev.traceguard.analyzers.model.Telemetry;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code promtool query range -o json} prints the result array without the API envelope. */
class BareResultArraySniffTest {
  private static InputSummary read(String text, Telemetry t) {
    return DumpReader.read("x", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), t, null);
  }

  @Test
  void bareMatrixIsReadAsPrometheusApiJson() {
    Telemetry t = new Telemetry();
    InputSummary s = read("[{\"metric\":{\"__name__\":\"up\",\"job\":\"a\"},"
        + "\"values\":[[1700000000,\"1\"],[1700000015.5,\"+Inf\"]]}]\n", t);
    assertThat(s.format()).isEqualTo("prometheus-api-json");
    assertThat(s.errors()).isEmpty();
    assertThat(t.metrics().seriesNamed("up")).hasSize(1);
    assertThat(t.metrics().seriesNamed("up").get(0).value(1)).isInfinite();
    assertThat(t.metrics().seriesNamed("up").get(0).time(1)).isEqualTo(1_700_000_015_500_000_000L);
  }

  @Test
  void prettyPrintedBareArrayToo() {
    Telemetry t = new Telemetry();
    InputSummary s = read("[\n  {\n    \"metric\": {\"__name__\": \"x_total\"},\n    \"values\": [[1, \"2\"]]\n  }\n]", t);
    assertThat(s.format()).isEqualTo("prometheus-api-json");
    assertThat(t.metrics().sampleCount()).isEqualTo(1);
  }

  @Test
  void otherJsonArraysStayOtlp() {
    Telemetry t = new Telemetry();
    InputSummary s = read("[{\"resourceSpans\":[]}]", t);
    assertThat(s.format()).isEqualTo("otlp-json");
  }
}
