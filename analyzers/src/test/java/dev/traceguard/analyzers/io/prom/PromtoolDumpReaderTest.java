package dev.traceguard.analyzers.io.prom;

import static dev.traceguard.analyzers.io.prom.PrometheusTextReaderTest.read;
import static dev.traceguard.analyzers.io.prom.PrometheusTextReaderTest.series;
import static dev.traceguard.analyzers.io.prom.PrometheusTextReaderTest.summary;
import static org.assertj.core.api.Assertions.assertThat;

import dev.traceguard.analyzers.model.MetricSeries;
import dev.traceguard.analyzers.model.Telemetry;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class PromtoolDumpReaderTest {
  private static Telemetry dump(String text) throws IOException {
    return read(new PromtoolDumpReader(), text);
  }

  @Test
  void linesAsPromtoolPrintsThem() throws IOException {
    Telemetry t = dump("{__name__=\"up\", instance=\"x:9090\", job=\"p\"} 1 1700000000000\n"
        + "{__name__=\"up\", instance=\"x:9090\", job=\"p\"} 0 1700000015000\n"
        + "{__name__=\"bytes\", job=\"p\"} 1e+06 1700000000000\n"
        + "{__name__=\"bytes\", job=\"q\"} +Inf 1700000000000\n"
        + "{__name__=\"bytes\", job=\"r\"} NaN 1700000000000\n");
    assertThat(summary(t).format()).isEqualTo("promtool-dump");
    assertThat(summary(t).errors()).isEmpty();
    MetricSeries up = series(t, "up", "instance", "x:9090", "job", "p");
    assertThat(up.size()).isEqualTo(2);
    assertThat(up.time(1)).isEqualTo(1_700_000_015_000_000_000L);
    assertThat(up.value(1)).isEqualTo(0.0);
    assertThat(series(t, "bytes", "job", "p").value(0)).isEqualTo(1e6);
    assertThat(series(t, "bytes", "job", "q").value(0)).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(series(t, "bytes", "job", "r").value(0)).isNaN();
  }

  @Test
  void goQuotedLabelValues() throws IOException {
    Telemetry t = dump("{__name__=\"m\", a=\"tab\\there\", b=\"nul\\x00\", c=\"caf\\u00e9\", d=\"q\\\"\\\\\"}"
        + " 2 1\n");
    assertThat(summary(t).errors()).isEmpty();
    MetricSeries s = t.metrics().seriesNamed("m").get(0);
    assertThat(s.labels().get("a")).isEqualTo("tab\there");
    assertThat(s.labels().get("b")).isEqualTo("nul\u0000");
    assertThat(s.labels().get("c")).isEqualTo("caf\u00e9");
    assertThat(s.labels().get("d")).isEqualTo("q\"\\");
  }

  @Test
  void badLinesAreReportedWithTheirNumber() throws IOException {
    Telemetry t = dump("{__name__=\"a\"} 1 1000\n"
        + "{__name__=\"a\"} 1d 2000\n"
        + "{__name__=\"a\"} 1 2.5\n"
        + "{__name__=\"a\", b=\"\\q\"} 1 3000\n"
        + "up 1 1000\n"
        + "{__name__=\"h\"} {count:2, sum:1.5} 1000\n"
        + "{__name__=\"a\"} 3 4000\n");
    assertThat(series(t, "a").size()).isEqualTo(2);
    assertThat(series(t, "a").value(1)).isEqualTo(3.0);
    assertThat(summary(t).errors()).extracting(e -> e.line()).containsExactly(2L, 3L, 4L, 5L);
    assertThat(summary(t).notes()).anyMatch(n -> n.contains("native histogram"));
  }
}
