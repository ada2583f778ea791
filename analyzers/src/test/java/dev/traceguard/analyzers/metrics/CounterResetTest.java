package dev.traceguard.analyzers.metrics;

import static dev.traceguard.analyzers.metrics.Dumps.T0;
import static dev.traceguard.analyzers.metrics.Dumps.analyze;
import static dev.traceguard.analyzers.metrics.Dumps.om;
import static dev.traceguard.analyzers.metrics.Dumps.rule;
import static dev.traceguard.analyzers.metrics.Dumps.series;
import static org.assertj.core.api.Assertions.assertThat;

import dev.traceguard.analyzers.report.Finding;
import dev.traceguard.analyzers.report.Report;
import dev.traceguard.analyzers.report.Severity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CounterResetTest {
  static final String TARGET = "instance=\"inference-0:8080\",job=\"inference\"";
  static final String REQUESTS = "inference_requests_total{" + TARGET + ",model=\"llama-3-8b\"}";
  static final String START = "process_start_time_seconds{" + TARGET + "}";

  @Test
  void decreaseWithSameProcessStartIsAReset() {
    Report r = analyze(om(
        series(REQUESTS, 100, 160, 220, 35, 90),
        series(START, T0 - 3600, T0 - 3600, T0 - 3600, T0 - 3600, T0 - 3600),
        series("up{" + TARGET + "}", 1, 1, 1, 1, 1)));
    List<Finding> f = rule(r, "counter-reset");
    assertThat(f).hasSize(1);
    Finding x = f.get(0);
    assertThat(x.severity()).isEqualTo(Severity.ERROR);
    assertThat(x.analyzer()).isEqualTo("metrics");
    assertThat(x.subject()).containsEntry("metric", "inference_requests_total").containsEntry("service", "inference");
    assertThat(x.message()).contains("fell from 220 to 35 at 2026-11-20T10:00:45Z")
        .contains("process_start_time_seconds, up unchanged");
    assertThat(x.evidence()).containsEntry("resets", 1);
    @SuppressWarnings("unchecked")
    Map<String, Object> first = ((List<Map<String, Object>>) x.evidence().get("listed")).get(0);
    assertThat(first).containsEntry("before", 220.0).containsEntry("after", 35.0)
        .containsEntry("previousTime", "2026-11-20T10:00:30Z");
    assertThat(r.findings()).hasSize(1);
  }

  @Test
  void decreaseAcrossAProcessRestartIsNotAFinding() {
    // The process restarted at T0+40 s: its start time changes between the two samples.
    Report r = analyze(om(
        series(REQUESTS, 100, 160, 220, 35, 90),
        series(START, T0 - 3600, T0 - 3600, T0 - 3600, T0 + 40, T0 + 40)));
    assertThat(rule(r, "counter-reset")).isEmpty();
  }

  @Test
  void aStartTimeInsideTheGapExplainsTheResetEvenWithoutAnEarlierSample() {
    // process_start_time_seconds only scraped after the restart, but it says the process began
    // between the two counter samples.
    String start = "process_start_time_seconds{" + TARGET + "} " + (T0 + 38) + " " + (T0 + 45) + ".000\n";
    Report r = analyze(om(series(REQUESTS, 100, 160, 220, 35, 90), start));
    assertThat(rule(r, "counter-reset")).isEmpty();
  }

  @Test
  void upAtZeroBetweenTheSamplesExplainsTheReset() {
    String up = "up{" + TARGET + "} 1 " + T0 + ".000\nup{" + TARGET + "} 0 " + (T0 + 37) + ".000\nup{" + TARGET
        + "} 1 " + (T0 + 45) + ".000\n";
    Report r = analyze(om(series(REQUESTS, 100, 160, 220, 35, 90), up));
    assertThat(rule(r, "counter-reset")).isEmpty();
  }

  @Test
  void createdTimestampChangeExplainsTheReset() {
    String text = "# TYPE tokens counter\n"
        + "tokens_total{model=\"llama-3-8b\"} 500 " + T0 + "\n"
        + "tokens_created{model=\"llama-3-8b\"} " + (T0 - 600) + " " + T0 + "\n"
        + "tokens_total{model=\"llama-3-8b\"} 20 " + (T0 + 15) + "\n"
        + "tokens_created{model=\"llama-3-8b\"} " + (T0 + 10) + " " + (T0 + 15) + "\n"
        + "# EOF\n";
    assertThat(rule(analyze(text), "counter-reset")).isEmpty();
    String unchanged = text.replace(" " + (T0 + 10) + " ", " " + (T0 - 600) + " ");
    Report r = analyze(unchanged);
    assertThat(rule(r, "counter-reset")).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("tokens_created unchanged"));
  }

  @Test
  void gaugesAndStalenessMarkersAreNotResets() {
    Report r = analyze(om(
        series("vllm:kv_cache_usage_perc{" + TARGET + ",model_name=\"m\"}", 0.9, 0.2, 0.7),
        series(REQUESTS, 10, 20, Double.NaN, 30)));
    assertThat(rule(r, "counter-reset")).isEmpty();
  }

  @Test
  void aHistogramResetIsOneFindingAboutItsCount() {
    String h = "latency_seconds";
    String l = "{" + TARGET + ",model=\"m\"";
    Report r = analyze(om(
        series(h + "_bucket" + l + ",le=\"0.5\"}", 10, 20, 5),
        series(h + "_bucket" + l + ",le=\"1\"}", 15, 30, 8),
        series(h + "_bucket" + l + ",le=\"+Inf\"}", 16, 31, 8),
        series(h + "_count" + l + "}", 16, 31, 8),
        series(h + "_sum" + l + "}", 7.5, 14, 3)));
    assertThat(rule(r, "counter-reset")).singleElement().satisfies(f -> {
      assertThat(f.subject()).containsEntry("metric", "latency_seconds_count");
      assertThat(f.evidence()).containsEntry("histogramSeriesWithResets", 4);
    });
  }

  @Test
  void pointsFromTwoFilesAreComparedInTimeOrder() {
    // The later half of the window comes first on the command line: no decrease in time order.
    String late = om(REQUESTS + " 300 " + (T0 + 60) + ".000\n" + REQUESTS + " 320 " + (T0 + 75) + ".000\n");
    String early = om(series(REQUESTS, 100, 160, 220));
    assertThat(rule(analyze(late, early), "counter-reset")).isEmpty();
  }

  @Test
  void twoScrapesWithoutTimestampsUseTheStartTimeSeries() {
    String before = "# TYPE requests_total counter\nrequests_total{model=\"m\"} 900\n"
        + "# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds 1.7e9\n";
    String sameProcess = "# TYPE requests_total counter\nrequests_total{model=\"m\"} 12\n"
        + "# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds 1.7e9\n";
    String restarted = sameProcess.replace("1.7e9", "1.7000001e9");
    assertThat(rule(analyze(before, sameProcess), "counter-reset")).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("between two scrapes"));
    assertThat(rule(analyze(before, restarted), "counter-reset")).isEmpty();
  }

  static String otlpSum(long startNs, long timeNs, int value, boolean delta) {
    return "{\"resourceMetrics\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":"
        + "\"inference\"}}]},\"scopeMetrics\":[{\"metrics\":[{\"name\":\"gen_ai.client.token.count\",\"sum\":{"
        + "\"aggregationTemporality\":" + (delta ? 1 : 2) + ",\"isMonotonic\":true,\"dataPoints\":[{\"attributes\":"
        + "[{\"key\":\"gen_ai.request.model\",\"value\":{\"stringValue\":\"llama-3-8b\"}}],\"startTimeUnixNano\":\""
        + startNs + "\",\"timeUnixNano\":\"" + timeNs + "\",\"asInt\":\"" + value + "\"}]}}]}]}]}\n";
  }

  @Test
  void otlpStartTimesTellRestartsAndDeltasFromResets() {
    long s = T0 * 1_000_000_000L;
    long step = 60_000_000_000L;
    String resetSameStart = otlpSum(s, s + step, 500, false) + otlpSum(s, s + 2 * step, 40, false);
    String newStart = otlpSum(s, s + step, 500, false) + otlpSum(s + step + 5, s + 2 * step, 40, false);
    String delta = otlpSum(s, s + step, 500, true) + otlpSum(s + step, s + 2 * step, 40, true);
    assertThat(rule(analyze(resetSameStart), "counter-reset")).singleElement().satisfies(f -> {
      assertThat(f.subject()).containsEntry("service", "inference").containsEntry("metric", "gen_ai.client.token.count");
      assertThat(f.message()).contains("OTLP start time unchanged");
    });
    assertThat(rule(analyze(newStart), "counter-reset")).isEmpty();
    assertThat(rule(analyze(delta), "counter-reset")).isEmpty();
  }

  @Test
  void twoReplicasWritingOneSeriesZigZagIntoOneFinding() {
    // Two pods without an instance label: the series alternates between their totals. 20 000
    // points and as many up samples; each decrease is one binary search, not a scan.
    int n = 20_000;
    double[] v = new double[n];
    double[] up = new double[n];
    double[] start = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = i % 2 == 0 ? 1000 + i : 10 + i;
      up[i] = 1;
      start[i] = T0 - 3600;
    }
    String series = "requests_total{job=\"inference\",model=\"m\"}";
    Report r = analyze(om(series(series, v), series("up{job=\"inference\"}", up),
        series("process_start_time_seconds{job=\"inference\"}", start)));
    assertThat(rule(r, "counter-reset")).singleElement().satisfies(f -> {
      assertThat(f.evidence()).containsEntry("resets", n / 2);
      assertThat((List<?>) f.evidence().get("listed")).hasSize(10);
      assertThat(f.message()).contains("and " + (n / 2 - 1) + " more times");
    });
  }
}
