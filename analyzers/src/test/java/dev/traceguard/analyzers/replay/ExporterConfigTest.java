package dev.traceguard.analyzers.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The OTEL_EXPORTER_OTLP_* settings, with flags over them. */
class ExporterConfigTest {
  private static ExporterConfig resolve(Map<String, String> env, ExporterConfig.Flags f) {
    return ExporterConfig.resolve(env, f);
  }

  @Test
  void defaultsFollowTheProtocol() {
    ExporterConfig grpc = resolve(Map.of(), new ExporterConfig.Flags());
    assertThat(grpc.protocol()).isEqualTo(ExporterConfig.Protocol.GRPC);
    assertThat(grpc.endpoint(Signal.TRACES)).hasToString("http://localhost:4317");
    assertThat(grpc.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(grpc.gzip()).isFalse();

    ExporterConfig http = resolve(Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"), new ExporterConfig.Flags());
    assertThat(http.endpoint(Signal.TRACES)).hasToString("http://localhost:4318/v1/traces");
    assertThat(http.endpoint(Signal.LOGS)).hasToString("http://localhost:4318/v1/logs");
  }

  @Test
  void baseEndpointGetsSignalPathsAndPerSignalEndpointsAreTakenAsTheyAre() {
    Map<String, String> env = Map.of(
        "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
        "OTEL_EXPORTER_OTLP_ENDPOINT", "https://otlp.example.com/base/",
        "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "https://m.example.com/custom",
        "OTEL_EXPORTER_OTLP_COMPRESSION", "gzip",
        "OTEL_EXPORTER_OTLP_TIMEOUT", "2500");
    ExporterConfig c = resolve(env, new ExporterConfig.Flags());
    assertThat(c.endpoint(Signal.TRACES)).hasToString("https://otlp.example.com/base/v1/traces");
    assertThat(c.endpoint(Signal.METRICS)).hasToString("https://m.example.com/custom");
    assertThat(c.gzip()).isTrue();
    assertThat(c.timeout()).isEqualTo(Duration.ofMillis(2500));

    ExporterConfig.Flags f = new ExporterConfig.Flags();
    f.endpoint = "http://127.0.0.1:9999";
    f.compression = "none";
    f.timeout = Duration.ofSeconds(1);
    ExporterConfig o = resolve(env, f);
    assertThat(o.endpoint(Signal.METRICS)).hasToString("http://127.0.0.1:9999/v1/metrics");
    assertThat(o.gzip()).isFalse();
    assertThat(o.timeout()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void headersMergeDecodeAndAreNeverDescribed() {
    Map<String, String> env = Map.of(
        "OTEL_EXPORTER_OTLP_HEADERS", "api-key=abc%3D%3D,X-Team=ml",
        "OTEL_EXPORTER_OTLP_TRACES_HEADERS", "x-team=traces");
    ExporterConfig.Flags f = new ExporterConfig.Flags();
    f.headers.add("Authorization=Bearer%20tok+en");
    ExporterConfig c = resolve(env, f);
    assertThat(c.headers(Signal.TRACES)).containsExactly(
        Map.entry("api-key", "abc=="), Map.entry("x-team", "traces"), Map.entry("authorization", "Bearer tok+en"));
    assertThat(c.headers(Signal.LOGS)).containsEntry("x-team", "ml");
    assertThat(c.describe()).isEqualTo("grpc to http://localhost:4317, timeout 10000 ms, 3 headers set (not shown)")
        .doesNotContain("abc").doesNotContain("tok");
    assertThat(c.secretValues()).contains("abc==", "Bearer tok+en");
  }

  @Test
  void badSettingsSayWhereWithoutValues() {
    ExporterConfig.Flags f = new ExporterConfig.Flags();
    f.headers.add("ok=1,secretwithoutequals");
    assertThatThrownBy(() -> resolve(Map.of(), f))
        .hasMessage("--headers: entry 2 is not key=value (values are not shown)");
    assertThatThrownBy(() -> resolve(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "localhost:4317"), new ExporterConfig.Flags()))
        .hasMessageStartingWith("OTEL_EXPORTER_OTLP_ENDPOINT: expected an http:// or https:// URL");
    assertThatThrownBy(() -> resolve(Map.of("OTEL_EXPORTER_OTLP_COMPRESSION", "zstd"), new ExporterConfig.Flags()))
        .hasMessage("OTEL_EXPORTER_OTLP_COMPRESSION: 'zstd' is not one of gzip, none");
    assertThatThrownBy(() -> resolve(Map.of("OTEL_EXPORTER_OTLP_TIMEOUT", "10s"), new ExporterConfig.Flags()))
        .hasMessage("OTEL_EXPORTER_OTLP_TIMEOUT: '10s' is not a number of milliseconds");
  }

  @Test
  void printableUrlsDropUserInfoAndQuery() {
    assertThat(ExporterConfig.printable(java.net.URI.create("https://user:pw@h.example:443/v1/traces?token=x")))
        .isEqualTo("https://h.example:443/v1/traces");
  }

  @Test
  void redactorPatterns() {
    Redactor r = Redactor.defaults(java.util.List.of("http.request.header.*", "*.secret"));
    assertThat(r.matches("gen_ai.prompt")).isTrue();
    assertThat(r.matches("http.request.header.authorization")).isTrue();
    assertThat(r.matches("db.secret")).isTrue();
    assertThat(r.matches("http.request.method")).isFalse();
    assertThat(Redactor.none().active()).isFalse();
  }
}
