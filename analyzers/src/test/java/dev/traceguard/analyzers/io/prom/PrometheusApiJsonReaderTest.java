package dev.traceguard.analyzers.io.prom;

import static dev.traceguard.analyzers.io.prom.PrometheusTextReaderTest.read;
import static dev.traceguard.analyzers.io.prom.PrometheusTextReaderTest.series;
import static dev.traceguard.analyzers.io.prom.PrometheusTextReaderTest.summary;
import static org.assertj.core.api.Assertions.assertThat;

import dev.traceguard.analyzers.model.MetricSeries;
import dev.traceguard.analyzers.model.MetricType;
import dev.traceguard.analyzers.model.ReadError;
import dev.traceguard.analyzers.model.Telemetry;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class PrometheusApiJsonReaderTest {
  private static Telemetry json(String text) throws IOException {
    return read(new PrometheusApiJsonReader(), text);
  }

  @Test
  void queryRangeMatrix() throws IOException {
    Telemetry t = json("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
        + "{\"metric\":{\"__name__\":\"vllm:num_requests_waiting\",\"model_name\":\"llama\"},"
        + "\"values\":[[1700000000,\"1\"],[1700000015.5,\"+Inf\"],[1700000030.781,\"NaN\"]]},"
        + "{\"metric\":{\"__name__\":\"vllm:num_requests_waiting\",\"model_name\":\"qwen\"},"
        + "\"values\":[[1700000000,\"-2.5e-3\"]]}]}}");
    assertThat(summary(t).format()).isEqualTo("prometheus-api-json");
    assertThat(summary(t).errors()).isEmpty();
    MetricSeries s = series(t, "vllm:num_requests_waiting", "model_name", "llama");
    assertThat(s.size()).isEqualTo(3);
    assertThat(s.time(1)).isEqualTo(1_700_000_015_500_000_000L);
    assertThat(s.time(2)).isEqualTo(1_700_000_030_781_000_000L);
    assertThat(s.value(1)).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(s.value(2)).isNaN();
    assertThat(series(t, "vllm:num_requests_waiting", "model_name", "qwen").value(0)).isEqualTo(-0.0025);
    assertThat(summary(t).samples()).isEqualTo(4);
  }

  @Test
  void instantVectorAndFieldsInAnyOrder() throws IOException {
    Telemetry t = json("{\"data\":{\"result\":[{\"value\":[1435781451.781,\"1\"],"
        + "\"metric\":{\"job\":\"prometheus\",\"__name__\":\"up\"}}],\"resultType\":\"vector\"},"
        + "\"status\":\"success\"}");
    assertThat(summary(t).errors()).isEmpty();
    assertThat(series(t, "up", "job", "prometheus").time(0)).isEqualTo(1_435_781_451_781_000_000L);
  }

  @Test
  void scalarAndSeriesWithoutName() throws IOException {
    Telemetry t = json("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1700000000,\"42\"]}}");
    assertThat(series(t, "").value(0)).isEqualTo(42.0);
    Telemetry u = json("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":"
        + "[{\"metric\":{\"job\":\"a\"},\"value\":[1,\"3\"]}]}}");
    assertThat(series(u, "", "job", "a").value(0)).isEqualTo(3.0);
    assertThat(summary(u).notes()).anyMatch(n -> n.contains("__name__"));
  }

  @Test
  void apiErrorIsReportedWithItsText() throws IOException {
    Telemetry t = json("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse error at char 4\"}");
    assertThat(summary(t).errors()).singleElement()
        .satisfies(e -> assertThat(e.message()).contains("bad_data").contains("parse error at char 4"));
  }

  @Test
  void bareResultArrayAsPromtoolPrintsIt() throws IOException {
    Telemetry t = json("[{\"metric\":{\"__name__\":\"up\"},\"values\":[[1,\"1\"],[2,\"0\"]]}]");
    assertThat(series(t, "up").size()).isEqualTo(2);
  }

  @Test
  void badPointsAreSkippedAndTheRestRead() throws IOException {
    Telemetry t = json("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[\n"
        + "{\"metric\":{\"__name__\":\"a\"},\"values\":[[1,\"1\"],[2,\"1d\"],[3,\"0x1p-3\"],[\"x\",\"1\"],[4],"
        + "[5,\"5\",6],[7,{\"a\":1}],[8,\"8\"]]}]}}");
    assertThat(series(t, "a").size()).isEqualTo(2);
    assertThat(series(t, "a").value(1)).isEqualTo(8.0);
    assertThat(summary(t).errors()).hasSize(6).allSatisfy(e -> assertThat(e.line()).isEqualTo(2));
  }

  @Test
  void malformedOrHostileJsonStopsWithAnErrorNotAnException() throws IOException {
    Telemetry t = json("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
        + "{\"metric\":{\"__name__\":\"a\"},\"values\":[[1,\"1\"]]},\n{\"metric\":");
    assertThat(series(t, "a").size()).isEqualTo(1);
    assertThat(summary(t).errors()).singleElement().satisfies(e -> assertThat(e.line()).isEqualTo(2));

    Telemetry deep = json("[".repeat(10_000));
    assertThat(summary(deep).errors()).last()
        .satisfies(e -> assertThat(e.message()).contains("nesting depth"));
  }

  @Test
  void familiesDeclaredByAnotherInputAreUsed() throws IOException {
    Telemetry t = new Telemetry();
    t.metrics().declare(new dev.traceguard.analyzers.model.MetricFamily("lat", MetricType.HISTOGRAM, "", ""));
    read(new PrometheusApiJsonReader(), ("[{\"metric\":{\"__name__\":\"lat_bucket\",\"le\":\"+Inf\"},"
        + "\"values\":[[1,\"1\"]]}]").getBytes(java.nio.charset.StandardCharsets.UTF_8), t);
    assertThat(series(t, "lat_bucket", "le", "+Inf").family().type()).isEqualTo(MetricType.HISTOGRAM);
    assertThat(summary(t).errors()).extracting(ReadError::message).isEmpty();
  }
}
