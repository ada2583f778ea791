package dev.traceguard.analyzers.drift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traceguard.analyzers.AnalysisOptions;
import dev.traceguard.analyzers.FindingSink;
import dev.traceguard.analyzers.model.Attributes;
import dev.traceguard.analyzers.model.Labels;
import dev.traceguard.analyzers.model.MetricSeries;
import dev.traceguard.analyzers.model.MutableSpan;
import dev.traceguard.analyzers.model.Resource;
import dev.traceguard.analyzers.model.Telemetry;
import dev.traceguard.analyzers.report.Finding;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DriftAnalyzerTest {
  private static final long BASE = 1_795_168_800_000_000_000L;

  /** Writes spans into a telemetry the way readers do. */
  static final class Spans {
    final Telemetry t = new Telemetry();
    private final MutableSpan s = new MutableSpan();
    private long n;

    Spans() {
      t.addInput("test");
    }

    void add(String service, String serviceVersion, String name, double ms, Object... attrs) {
      s.clear();
      n++;
      s.traceId.set(n, n * 31);
      s.spanId.set(0, n);
      s.name = name;
      s.startUnixNano = BASE + n * 1_000_000L;
      s.endUnixNano = s.startUnixNano + Math.round(ms * 1e6);
      s.resource = new Resource(serviceVersion == null
          ? Attributes.of("service.name", service)
          : Attributes.of("service.name", service, "service.version", serviceVersion));
      for (int i = 0; i < attrs.length; i += 2) {
        s.attributes.put((String) attrs[i], attrs[i + 1]);
      }
      t.spans().add(s, 0);
    }
  }

  static List<Finding> analyze(Telemetry t, DriftOptions o) {
    return run(t, o).findings();
  }

  static FindingSink run(Telemetry t, DriftOptions o) {
    FindingSink sink = new FindingSink(1000);
    new DriftAnalyzer().analyze(t, AnalysisOptions.defaults().with(DriftOptions.class, o), sink);
    return sink;
  }

  static Map<String, Long> rules(List<Finding> f) {
    return f.stream().collect(Collectors.groupingBy(Finding::rule, Collectors.counting()));
  }

  /** A classifier behind one service: v1 confident and fast, v2 (when {@code drift}) less so. */
  static void rollout(Spans sp, SplittableRandom r, int perVersion, boolean drift) {
    for (String v : new String[] {"v1", "v2"}) {
      boolean changed = drift && v.equals("v2");
      for (int i = 0; i < perVersion; i++) {
        double latency = Math.exp(5 + 0.3 * r.nextGaussian() + (changed ? 0.5 : 0));
        double conf = beta(r, changed ? 5 : 8, changed ? 4 : 2);
        String label = r.nextDouble() < (changed ? 0.45 : 0.15) ? "spam" : r.nextDouble() < 0.5 ? "ham" : "promo";
        sp.add("classifier", "2.3.1", "chat llama-3-8b", latency,
            "gen_ai.request.model", "llama-3-8b",
            "model.version", v,
            "gen_ai.response.confidence", conf,
            "gen_ai.usage.input_tokens", (long) (200 + 40 * r.nextGaussian()),
            "predicted.label", label,
            "thread.id", (long) (changed ? 900 + r.nextInt(50) : 20 + r.nextInt(50)));
      }
    }
  }

  static double beta(SplittableRandom r, int a, int b) {
    double x = gamma(r, a);
    return x / (x + gamma(r, b));
  }

  private static double gamma(SplittableRandom r, int k) {
    double s = 0;
    for (int i = 0; i < k; i++) {
      s -= Math.log(1 - r.nextDouble());
    }
    return s;
  }

  @Test
  void abRolloutFindsSlowerLessConfidentAndRelabellingVersion() {
    Spans sp = new Spans();
    rollout(sp, new SplittableRandom(1), 400, true);
    List<Finding> f = analyze(sp.t, DriftOptions.defaults());
    assertThat(rules(f)).containsOnly(
        Map.entry("latency-drift", 1L), Map.entry("numeric-drift", 1L), Map.entry("categorical-drift", 1L));
    Finding conf = f.stream().filter(x -> x.rule().equals("numeric-drift")).findFirst().orElseThrow();
    assertThat(conf.subject()).containsEntry("model", "llama-3-8b").containsEntry("version", "v2")
        .containsEntry("field", "gen_ai.response.confidence").containsEntry("service", "classifier");
    assertThat(conf.message()).startsWith("v2 of llama-3-8b is less confident than v1").contains("KS D=")
        .contains("n=400/400");
    assertThat(conf.evidence()).containsEntry("test", "ks").containsEntry("correction", "bonferroni")
        .containsKeys("pValue", "pValueAdjusted", "distance", "psi", "referenceStats", "currentStats", "n");
    assertThat((double) conf.evidence().get("pValueAdjusted")).isLessThanOrEqualTo(0.05);
    Finding lat = f.stream().filter(x -> x.rule().equals("latency-drift")).findFirst().orElseThrow();
    assertThat(lat.message()).contains("is slower than v1").contains("median");
    Finding cat = f.stream().filter(x -> x.rule().equals("categorical-drift")).findFirst().orElseThrow();
    assertThat(cat.subject()).containsEntry("field", "predicted.label");
    assertThat(cat.message()).contains("'spam' more often");
    assertThat(cat.evidence()).containsKeys("referenceDistribution", "currentDistribution", "counts");
    // the grouping keys and identifiers are never compared, however much they differ
    assertThat(f).noneMatch(x -> List.of("model.version", "gen_ai.request.model", "thread.id")
        .contains(String.valueOf(x.subject().get("field"))));
  }

  @Test
  void tooFewSpansIsNotEnoughDataNeverAFinding() {
    Spans sp = new Spans();
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < 200; i++) {
      sp.add("inference", null, "chat m", 100 + r.nextDouble(), "gen_ai.request.model", "m", "model.version", "v1");
    }
    for (int i = 0; i < 12; i++) {
      sp.add("inference", null, "chat m", 900 + r.nextDouble(), "gen_ai.request.model", "m", "model.version", "v2");
    }
    FindingSink s = run(sp.t, DriftOptions.defaults());
    assertThat(s.findings()).isEmpty();
    assertThat(s.stats()).containsEntry("driftNotEnoughData", 1L);
    assertThat(s.stats().get("driftNotEnoughDataFields").toString()).contains("200/12 values, need 30 each");
    // with a lower minimum the same data is a finding
    assertThat(rules(analyze(sp.t, DriftOptions.defaults().withMinSamples(10)))).containsOnlyKeys("latency-drift");
  }

  @Test
  void aLargeSamplesNegligibleWiggleIsNotMaterial() {
    Spans sp = new Spans();
    SplittableRandom r = new SplittableRandom(5);
    for (String v : new String[] {"1.4.0", "1.10.0"}) {
      for (int i = 0; i < 20_000; i++) {
        sp.add("inference", v, "chat m", 100 + 10 * r.nextGaussian() + (v.equals("1.10.0") ? 0.5 : 0),
            "gen_ai.request.model", "m");
      }
    }
    DriftOptions o = DriftOptions.defaults();
    FindingSink s = run(sp.t, o);
    assertThat(s.findings()).isEmpty();
    assertThat(s.stats()).containsEntry("driftTests", 1);
    // a 0.05 sd shift over 20 000 spans is significant, so the effect floor is what stops it
    FindingSink noFloor = run(sp.t, o.withEffectFloor(0));
    assertThat(noFloor.findings()).hasSize(1);
    Finding f = noFloor.findings().get(0);
    assertThat(f.subject()).containsEntry("version", "1.10.0");
    assertThat(f.evidence()).containsEntry("test", "wasserstein").containsEntry("referenceVersion", "1.4.0")
        .containsKey("sampled");
    @SuppressWarnings("unchecked")
    Map<String, Object> sampled = (Map<String, Object>) f.evidence().get("sampled");
    assertThat(sampled).containsEntry("reference", 10_000L);
    assertThat(f.message()).startsWith("version 1.10.0 of m is slower than 1.4.0").contains("normed Wasserstein");
  }

  /**
   * Precision: two samples from one distribution must not raise drift more often than alpha. With
   * the effect floor there should be none at all; with the floor off, the rate must stay within
   * alpha plus three binomial standard errors.
   */
  @Test
  void falseAlarmRateOnSameDistributionStaysAtOrBelowAlpha() {
    int seeds = 300;
    int withFloor = 0;
    int noFloor = 0;
    DriftOptions o = DriftOptions.defaults();
    for (int seed = 0; seed < seeds; seed++) {
      Spans sp = new Spans();
      rollout(sp, new SplittableRandom(1000 + seed), 150, false);
      if (!analyze(sp.t, o).isEmpty()) {
        withFloor++;
      }
      if (!analyze(sp.t, o.withEffectFloor(0)).isEmpty()) {
        noFloor++;
      }
    }
    double alpha = o.alpha();
    assertThat((double) withFloor / seeds).isLessThanOrEqualTo(alpha);
    assertThat((double) noFloor / seeds).isLessThanOrEqualTo(alpha + 3 * Math.sqrt(alpha * (1 - alpha) / seeds));
    // and the same harness does see a real change (the test above cannot pass by never reporting)
    int detected = 0;
    for (int seed = 0; seed < 20; seed++) {
      Spans sp = new Spans();
      rollout(sp, new SplittableRandom(5000 + seed), 150, true);
      if (rules(analyze(sp.t, o)).size() == 3) {
        detected++;
      }
    }
    assertThat(detected).isGreaterThanOrEqualTo(19);
  }

  @Test
  void baselineModeComparesTheSameModelBeforeAndAfter() {
    Spans before = new Spans();
    Spans after = new Spans();
    SplittableRandom r = new SplittableRandom(9);
    for (int i = 0; i < 300; i++) {
      before.add("inference", "1.0", "chat m", 50 + 5 * r.nextGaussian(), "gen_ai.request.model", "m",
          "gen_ai.response.finish_reasons", "[\"stop\"]");
      after.add("inference", "1.1", "chat m", 50 + 5 * r.nextGaussian(), "gen_ai.request.model", "m",
          "gen_ai.response.finish_reasons", r.nextDouble() < 0.4 ? "[\"length\"]" : "[\"stop\"]");
    }
    FindingSink s = run(after.t, DriftOptions.defaults().withBaseline(before.t));
    assertThat(rules(s.findings())).containsOnly(Map.entry("categorical-drift", 1L));
    Finding f = s.findings().get(0);
    assertThat(f.subject()).doesNotContainKey("version").containsEntry("field", "gen_ai.response.finish_reasons");
    assertThat(f.evidence()).containsEntry("reference", "baseline");
    assertThat(f.message()).startsWith("m gives gen_ai.response.finish_reasons '[\"length\"]' more often than in the baseline");
    assertThat(s.stats()).containsEntry("driftBaselineSpans", 300);
    // the same dump against itself: nothing
    assertThat(analyze(after.t, DriftOptions.defaults().withBaseline(after.t))).isEmpty();
  }

  @Test
  void groupByNamesTheModelAndVersionKeys() {
    Spans sp = new Spans();
    SplittableRandom r = new SplittableRandom(11);
    for (String d : new String[] {"blue", "green"}) {
      for (int i = 0; i < 200; i++) {
        sp.add("ranker", null, "rank", d.equals("green") ? 30 + r.nextDouble() * 5 : 10 + r.nextDouble() * 5,
            "ranker.model", "bm25x", "deploy.color", d);
      }
    }
    // no gen_ai.request.model: nothing to compare by default
    assertThat(analyze(sp.t, DriftOptions.defaults())).isEmpty();
    List<Finding> f = analyze(sp.t, DriftOptions.defaults().withGroupBy(List.of("ranker.model", "deploy.color")));
    assertThat(rules(f)).containsOnly(Map.entry("latency-drift", 1L));
    assertThat(f.get(0).subject()).containsEntry("model", "bm25x").containsEntry("version", "green");
  }

  @Test
  void histogramBucketsPerModelVersion() {
    Telemetry t = new Telemetry();
    t.addInput("metrics");
    double[] bounds = {0.1, 0.25, 0.5, 1, 2.5, Double.POSITIVE_INFINITY};
    long[][] perVersion = {{100, 900, 1600, 1900, 1990, 2000}, {20, 200, 700, 1500, 1950, 2000}};
    String[] versions = {"v1", "v2"};
    for (int v = 0; v < 2; v++) {
      for (String pod : new String[] {"a", "b"}) {
        for (int b = 0; b < bounds.length; b++) {
          String le = Double.isInfinite(bounds[b]) ? "+Inf" : DriftAnalyzer.numberText(bounds[b]);
          MetricSeries s = t.metrics().series("vllm:e2e_request_latency_seconds",
              "vllm:e2e_request_latency_seconds_bucket",
              Labels.of("le", le, "model_name", "llama-3-8b", "version", versions[v], "pod", versions[v] + pod),
              Resource.EMPTY, 0, 1);
          // two scrapes: the window adds perVersion[v][b] observations per pod
          t.metrics().add(s, BASE, 5000);
          t.metrics().add(s, BASE + 60_000_000_000L, 5000 + perVersion[v][b]);
        }
      }
    }
    List<Finding> f = analyze(t, DriftOptions.defaults());
    assertThat(rules(f)).containsOnly(Map.entry("histogram-drift", 1L));
    assertThat(f.get(0).subject()).containsEntry("metric", "vllm:e2e_request_latency_seconds")
        .containsEntry("version", "v2").containsEntry("model", "llama-3-8b");
    assertThat(f.get(0).message()).startsWith("v2 of llama-3-8b moves vllm:e2e_request_latency_seconds up compared with v1")
        .contains("n=4000/4000");
  }

  @Test
  void responseModelThatDiffersFromTheRequestIsTheVersion() {
    Spans sp = new Spans();
    SplittableRandom r = new SplittableRandom(21);
    for (String resp : new String[] {"gpt-4o-2024-05-13", "gpt-4o-2024-08-06"}) {
      boolean late = resp.endsWith("08-06");
      for (int i = 0; i < 200; i++) {
        sp.add("assistant", "3.0.0", "chat gpt-4o", 400 + 50 * r.nextGaussian(),
            "gen_ai.request.model", "gpt-4o", "gen_ai.response.model", resp,
            "gen_ai.usage.output_tokens", (long) ((late ? 300 : 180) + 30 * r.nextGaussian()));
      }
    }
    List<Finding> f = analyze(sp.t, DriftOptions.defaults());
    assertThat(rules(f)).containsOnly(Map.entry("numeric-drift", 1L));
    assertThat(f.get(0).subject()).containsEntry("model", "gpt-4o").containsEntry("version", "gpt-4o-2024-08-06")
        .containsEntry("field", "gen_ai.usage.output_tokens");
    assertThat(f.get(0).message()).startsWith("version gpt-4o-2024-08-06 of gpt-4o gives higher gen_ai.usage.output_tokens"
        + " than gpt-4o-2024-05-13");
  }

  @Test
  void histogramWindowCountsResetsAndComparesOnSharedBounds() {
    Telemetry t = new Telemetry();
    t.addInput("metrics");
    // v1 exposes an extra 0.75 bound; only the bounds both versions have are compared
    String[][] bounds = {{"0.25", "0.5", "0.75", "1", "+Inf"}, {"0.25", "0.5", "1", "+Inf"}};
    long[][] adds = {{50, 400, 700, 900, 1000}, {50, 380, 880, 1000}};
    for (int v = 0; v < 2; v++) {
      for (int b = 0; b < bounds[v].length; b++) {
        MetricSeries s = t.metrics().series("tokens_per_request", "tokens_per_request_bucket",
            Labels.of("le", bounds[v][b], "model", "m", "version", "v" + (v + 1)), Resource.EMPTY, 0, 1);
        // 100 before the window, a restart to 0 in the middle, then the rest
        t.metrics().add(s, BASE, 100);
        t.metrics().add(s, BASE + 1_000_000_000L, 100 + adds[v][b] / 2);
        t.metrics().add(s, BASE + 2_000_000_000L, 0);
        t.metrics().add(s, BASE + 3_000_000_000L, adds[v][b] - adds[v][b] / 2);
        assertThat(HistogramCollector.increase(s)).isEqualTo(adds[v][b]);
      }
    }
    FindingSink sink = run(t, DriftOptions.defaults());
    assertThat(sink.findings()).isEmpty();
    assertThat(sink.stats()).containsEntry("driftComparisons", 1L).containsEntry("driftTests", 1);
  }

  @Test
  void aVersionPerSpanIsBoundedNotAFlood() {
    Spans sp = new Spans();
    int n = SpanCollector.MAX_GROUPS + 50;
    for (int i = 0; i < n; i++) {
      sp.add("inference", null, "chat m", 10 + i % 7, "gen_ai.request.model", "m", "model.version", (long) i,
          "gen_ai.usage.input_tokens", (long) i);
    }
    FindingSink s = run(sp.t, DriftOptions.defaults());
    assertThat(s.findings()).isEmpty();
    assertThat(s.stats()).containsEntry("driftSpansNotGrouped", 50L)
        .containsEntry("driftComparisons", (long) SpanCollector.MAX_GROUPS - 1);
    assertThat((List<?>) s.stats().get("driftNotEnoughDataFields")).hasSize(20);
  }

  @Test
  void naturalVersionOrder() {
    assertThat(DriftAnalyzer.naturalOrder("v2", "v10")).isNegative();
    assertThat(DriftAnalyzer.naturalOrder("1.4.0", "1.10.0")).isNegative();
    assertThat(DriftAnalyzer.naturalOrder("2024-08-06", "2024-05-01")).isPositive();
  }
}
