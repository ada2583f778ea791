package dev.traceguard.analyzers.slo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traceguard.analyzers.io.DumpReader;
import dev.traceguard.analyzers.model.MetricSeries;
import dev.traceguard.analyzers.model.MetricStore;
import dev.traceguard.analyzers.model.SpanKind;
import dev.traceguard.analyzers.model.SpanStore;
import dev.traceguard.analyzers.model.StatusCode;
import dev.traceguard.analyzers.model.Telemetry;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Traces without metrics: SERVER span durations and status become the indicators. */
class SpanIndicatorsTest {
  private static double last(MetricStore m, String name, String service, String key, String value) {
    for (MetricSeries s : m.seriesNamed(name)) {
      if (service.equals(s.labels().get("service")) && value.equals(s.labels().get(key))) {
        return s.value(s.size() - 1);
      }
    }
    return 0;
  }

  @Test
  void serverSpansBecomeCountersThatTheSloPipelineReads() {
    Telemetry t = new Telemetry();
    DumpReader.read(Path.of("..", "testdata", "clean", "pipeline.jsonl"), t);
    SpanStore spans = t.spans();
    long server = 0;
    long errors = 0;
    long fast = 0;
    for (int i = 0; i < spans.size(); i++) {
      if (spans.kind(i) == SpanKind.SERVER && "inference".equals(spans.serviceName(i))) {
        server++;
        errors += spans.status(i) == StatusCode.ERROR ? 1 : 0;
        fast += spans.end(i) - spans.start(i) <= 5_000_000_000L ? 1 : 0;
      }
    }
    assertThat(server).isPositive();
    assertThat(errors).isPositive();
    MetricStore m = SpanIndicators.metrics(spans);
    assertThat(last(m, SpanIndicators.HISTOGRAM + "_bucket", "inference", "le", "+Inf")).isEqualTo(server);
    assertThat(last(m, SpanIndicators.HISTOGRAM + "_bucket", "inference", "le", "5")).isEqualTo(fast);
    assertThat(last(m, SpanIndicators.COUNTER, "inference", "status", "ERROR")).isEqualTo(errors);

    SloOptions d = SloOptions.defaults();
    SloOptions o = new SloOptions(Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofMinutes(1), d.period(),
        Duration.ofMinutes(1), d.metShare(), d.k(), d.trim(), null, d.latencyThreshold(), d.lowTrafficShare(),
        d.minCoverage(), null, null, d.selector());
    OfflineRates.Result r = OfflineRates.compute(m, o);
    assertThat(r.slis()).extracting(Sli::kind).containsExactlyInAnyOrder(Sli.Kind.LATENCY, Sli.Kind.ERRORS);
    SloBaseline.Outcome out = SloBaseline.run(r.groups(), r.problems(), o);
    SliResult err = out.results().stream()
        .filter(x -> x.sli().kind() == Sli.Kind.ERRORS && "inference".equals(x.group().get("service")))
        .findFirst().orElseThrow();
    assertThat(err.sli().statusLabel()).isEqualTo("status");
    assertThat(err.baselines().get("error-ratio").mean()).isBetween(0.0, (double) errors / server * 3);
  }
}
