package dev.traceguard.analyzers.metrics;

import static dev.traceguard.analyzers.metrics.Dumps.analyze;
import static dev.traceguard.analyzers.metrics.Dumps.om;
import static dev.traceguard.analyzers.metrics.Dumps.rule;
import static dev.traceguard.analyzers.metrics.Dumps.series;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.traceguard.analyzers.report.Finding;
import dev.traceguard.analyzers.report.Report;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistogramOverflowTest {
  static final double[] LES = {0.5, 1, 2.5, 5, 10};

  /** A text-format histogram scrape with these cumulative finite counts, +Inf count and sum. */
  static String scrape(String name, double[] cumulative, double count, double sum) {
    StringBuilder sb = new StringBuilder("# TYPE " + name + " histogram\n");
    for (int i = 0; i < LES.length; i++) {
      sb.append(name).append("_bucket{model_name=\"llama-3-8b\",le=\"").append(LES[i]).append("\"} ")
          .append(cumulative[i]).append('\n');
    }
    sb.append(name).append("_bucket{model_name=\"llama-3-8b\",le=\"+Inf\"} ").append(count).append('\n');
    sb.append(name).append("_sum{model_name=\"llama-3-8b\"} ").append(sum).append('\n');
    sb.append(name).append("_count{model_name=\"llama-3-8b\"} ").append(count).append('\n');
    return sb.toString();
  }

  @Test
  void aThirdAboveTheLargestBoundIsAFindingWithSuggestedBounds() {
    // 1000 requests; 700 at or below 10 s, 300 above (long generations of 20-60 s).
    Report r = analyze(scrape("vllm:e2e_request_latency_seconds", new double[] {40, 150, 420, 610, 700}, 1000,
        700 * 3.1 + 300 * 34.0));
    List<Finding> f = rule(r, "histogram-overflow");
    assertThat(f).hasSize(1);
    Finding x = f.get(0);
    assertThat(x.subject()).containsEntry("metric", "vllm:e2e_request_latency_seconds");
    assertThat(x.evidence()).containsEntry("observations", 1000.0).containsEntry("aboveLargestBound", 300.0)
        .containsEntry("share", 0.3).containsEntry("largestBound", 10.0);
    assertThat((Double) x.evidence().get("mean")).isCloseTo(12.37, within(0.01));
    // The finite buckets hold at most 40*0.5 + 110*1 + 270*2.5 + 190*5 + 90*10 = 2655 of the
    // 12370 summed: the 300 above 10 s average at least (12370 - 2655) / 300 = 32.38 s.
    assertThat((Double) x.evidence().get("overflowMeanAtLeast")).isCloseTo(32.38, within(0.01));
    @SuppressWarnings("unchecked")
    List<Double> bounds = (List<Double>) x.evidence().get("suggestedBounds");
    assertThat(bounds).startsWith(0.5, 1.0, 2.5, 5.0, 10.0, 25.0);
    assertThat(bounds.get(bounds.size() - 1)).isGreaterThanOrEqualTo(32.38);
    assertThat(bounds).isSorted();
    assertThat(x.message()).contains("30% of 1000 observations are above the largest bucket bound 10")
        .contains("above p70");
    assertThat(x.hint()).contains("le = 0.5, 1, 2.5, 5, 10, 25");
  }

  @Test
  void aFewObservationsInPlusInfAreFine() {
    // 3% above the top bound: below the 5% threshold.
    Report r = analyze(scrape("vllm:e2e_request_latency_seconds", new double[] {40, 150, 420, 610, 970}, 1000,
        5000));
    assertThat(rule(r, "histogram-overflow")).isEmpty();
    MetricsOptions strict = MetricsOptions.defaults().withOverflowShare(0.02);
    assertThat(rule(analyze(strict, scrape("vllm:e2e_request_latency_seconds",
        new double[] {40, 150, 420, 610, 970}, 1000, 5000)), "histogram-overflow")).hasSize(1);
  }

  @Test
  void tooFewObservationsAreNotJudged() {
    Report r = analyze(scrape("x_seconds", new double[] {1, 2, 3, 4, 5}, 10, 80));
    assertThat(rule(r, "histogram-overflow")).isEmpty();
  }

  @Test
  void observationsOverTheDumpCountResetsAsNewObservations() {
    String l = "{model=\"m\"";
    // +Inf: 100 -> 140, reset to 30, then 50: 140 + 30 + 20 = 190 observations in all;
    // le=1: 100 -> 110, reset to 10, then 20: 110 + 10 + 10 = 130; 60 of 190 above 1.
    Report r = analyze(om(
        series("t_seconds_bucket" + l + ",le=\"1\"}", 100, 110, 10, 20),
        series("t_seconds_bucket" + l + ",le=\"+Inf\"}", 100, 140, 30, 50),
        series("t_seconds_count" + l + "}", 100, 140, 30, 50),
        series("t_seconds_sum" + l + "}", 50, 200, 60, 90)));
    assertThat(rule(r, "histogram-overflow")).singleElement().satisfies(f -> {
      assertThat(f.evidence()).containsEntry("observations", 190.0).containsEntry("aboveLargestBound", 60.0);
    });
  }

  static String otlpHistogram(String bounds, String counts, long count, double sum) {
    return "{\"resourceMetrics\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":"
        + "\"inference\"}}]},\"scopeMetrics\":[{\"metrics\":[{\"name\":\"gen_ai.server.request.duration\",\"unit\":\"s\","
        + "\"histogram\":{\"aggregationTemporality\":2,\"dataPoints\":[{\"attributes\":[{\"key\":\"gen_ai.request.model\","
        + "\"value\":{\"stringValue\":\"llama-3-8b\"}}],\"startTimeUnixNano\":\"1795168800000000000\",\"timeUnixNano\":"
        + "\"1795170600000000000\",\"count\":\"" + count + "\",\"sum\":" + sum + ",\"bucketCounts\":[" + counts
        + "],\"explicitBounds\":[" + bounds + "]}]}}]}]}]}\n";
  }

  @Test
  void otlpHistogramsAreJudgedTheSameWay() {
    Report r = analyze(otlpHistogram("0.1,0.5,1", "\"10\",\"30\",\"20\",\"40\"", 100, 210));
    assertThat(rule(r, "histogram-overflow")).singleElement().satisfies(f -> {
      assertThat(f.subject()).containsEntry("service", "inference").containsEntry("metric",
          "gen_ai.server.request.duration");
      assertThat(f.evidence()).containsEntry("share", 0.4).containsEntry("largestBound", 1.0);
    });
    assertThat(rule(analyze(otlpHistogram("0.1,0.5,1", "\"10\",\"30\",\"58\",\"2\"", 100, 60)),
        "histogram-overflow")).isEmpty();
  }

  @Test
  void inverseNormalMatchesKnownQuantiles() {
    assertThat(BucketAdvice.inverseNormal(0.5)).isCloseTo(0, within(1e-9));
    assertThat(BucketAdvice.inverseNormal(0.975)).isCloseTo(1.959963984540054, within(1e-8));
    assertThat(BucketAdvice.inverseNormal(0.01)).isCloseTo(-2.3263478740408408, within(1e-8));
    assertThat(BucketAdvice.inverseNormal(0.7)).isCloseTo(0.5244005127080407, within(1e-8));
  }

  @Test
  void theLogNormalFitRecoversAKnownDistribution() {
    // Log-normal with median 4 and sigma 1: mean 4*e^0.5 = 6.5949; P(X <= 10) = Phi(ln(2.5)) = 0.8202.
    double mean = 4 * Math.exp(0.5);
    double share = 1 - 0.8202;
    BucketAdvice a = BucketAdvice.suggest(new double[] {1, 2.5, 5, 10, Double.POSITIVE_INFINITY}, mean, share,
        Double.NaN);
    assertThat(a.sigma()).isCloseTo(1.0, within(0.01));
    assertThat(a.median()).isCloseTo(4.0, within(0.05));
    assertThat(a.p99()).isCloseTo(4 * Math.exp(2.3263), within(0.5));
    assertThat(a.bounds()).containsExactly(1.0, 2.5, 5.0, 10.0, 25.0, 50.0);
    assertThat(a.bounds().get(a.bounds().size() - 1)).isGreaterThanOrEqualTo(a.p99());
  }
}
