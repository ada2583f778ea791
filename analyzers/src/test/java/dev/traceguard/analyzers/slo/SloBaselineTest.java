package dev.traceguard.analyzers.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.traceguard.analyzers.io.DumpReader;
import dev.traceguard.analyzers.model.Telemetry;
import dev.traceguard.analyzers.report.Finding;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Baselines, objectives and findings on the testdata/slo history and its broken variants. */
class SloBaselineTest {
  private static final Path DIR = Path.of("..", "testdata", "slo");
  private static Telemetry history;

  @BeforeAll
  static void read() {
    history = new Telemetry();
    assertThat(DumpReader.read(DIR.resolve("history.om.gz"), history).errors()).isEmpty();
  }

  private static SloOptions options(String selector, Duration window, BigDecimal objective) {
    SloOptions d = SloOptions.defaults();
    return new SloOptions(window, d.step(), d.rateWindow(), d.period(), d.objectiveWindow(), d.metShare(), d.k(), d.trim(),
        objective, d.latencyThreshold(), d.lowTrafficShare(), d.minCoverage(), null, null,
        selector == null ? Selector.all() : Selector.parse(selector));
  }

  private static SloBaseline.Outcome run(Telemetry t, SloOptions o) {
    OfflineRates.Result r = OfflineRates.compute(t.metrics(), o);
    return SloBaseline.run(r.groups(), r.problems(), o);
  }

  private static List<String> rules(SloBaseline.Outcome out) {
    return out.results().stream().flatMap(r -> r.findings().stream()).map(Finding::rule).collect(Collectors.toList());
  }

  private static SliResult find(SloBaseline.Outcome out, Sli.Kind kind, String model) {
    return out.results().stream().filter(r -> r.sli().kind() == kind && model.equals(r.group().get("model")))
        .findFirst().orElseThrow();
  }

  @Test
  void busyModelsWithTwoDaysOfHistoryAreClean() {
    SloBaseline.Outcome out = run(history, options("{model=~\"llama-3-8b|mistral-7b\"}", Duration.ofDays(2), null));
    assertThat(out.problems()).isEmpty();
    // Latency and errors per model; no mean latency where buckets exist.
    assertThat(out.results()).hasSize(4);
    assertThat(rules(out)).isEmpty();

    SliResult lat = find(out, Sli.Kind.LATENCY, "llama-3-8b");
    assertThat(lat.sli().groupBy()).containsExactly("model", "job");
    assertThat(lat.sli().les()).containsExactly("0.1", "0.25", "0.5", "1", "2.5", "5", "+Inf");
    assertThat(lat.coverage()).isEqualTo(1.0);
    Baseline p50 = lat.baselines().get("p50");
    // Generated medians swing between 0.24 and 0.36 s over the day.
    assertThat(p50.median()).isBetween(0.22, 0.4);
    assertThat(p50.bucketWidth()).isEqualTo(0.25);
    assertThat(p50.hourOfDay()).hasSize(24);
    assertThat(p50.dayOfWeek()).isNull();
    assertThat(p50.madLow()).isLessThanOrEqualTo(p50.median()).isGreaterThanOrEqualTo(0);
    assertThat(lat.thresholdLe()).isEqualTo("2.5");
    assertThat(lat.objective().suggested()).isNotNull();
    assertThat(lat.objective().metShare()).isGreaterThanOrEqualTo(0.9);
    assertThat(lat.objective().achieved()).hasSize(2);

    SliResult err = find(out, Sli.Kind.ERRORS, "llama-3-8b");
    assertThat(err.sli().statusLabel()).isEqualTo("code");
    // 0.2% errors were generated.
    assertThat(err.baselines().get("error-ratio").mean()).isCloseTo(0.002, within(0.0008));
    assertThat(err.objective().suggested()).isEqualByComparingTo("0.9975");
    assertThat(err.events()).isCloseTo(4.0 * 49 * 3600, within(4.0 * 49 * 3600 * 0.1));

    // The 20-minute slowdown of mistral-7b is trimmed from mean and σ.
    SliResult slow = find(out, Sli.Kind.LATENCY, "mistral-7b");
    assertThat(slow.baselines().get("p95").trimmed()).isGreaterThan(0);
  }

  @Test
  void sumAndCountAloneGiveTheMeanLatency() {
    SloBaseline.Outcome out = run(history, options("{__name__=~\".*_(sum|count)\",model=\"mistral-7b\"}",
        Duration.ofDays(2), null));
    assertThat(out.results()).singleElement().satisfies(r -> {
      assertThat(r.sli().kind()).isEqualTo(Sli.Kind.MEAN_LATENCY);
      // Lognormal with median ~0.6 s and sigma 0.5: mean ~0.68 s.
      assertThat(r.baselines().get("mean").median()).isBetween(0.45, 0.95);
      assertThat(r.objective()).isNull();
    });
  }

  @Test
  void shortHistoryForTheWindowIsInsufficient() {
    SloBaseline.Outcome out = run(history, options("{model=\"llama-3-8b\"}", Duration.ofDays(7), null));
    assertThat(rules(out)).containsOnly("slo-insufficient-history").hasSize(2);
    Finding f = out.results().get(0).findings().get(0);
    assertThat(f.subject()).containsEntry("model", "llama-3-8b").containsEntry("service", "inference");
    assertThat(f.evidence()).containsEntry("windowSeconds", 7 * 86400L);
  }

  @Test
  void aFewRequestsAnHourAreLowTraffic() {
    SloBaseline.Outcome out = run(history, options("{model=\"tiny-model\",code!=\"x\"}", Duration.ofDays(2),
        new BigDecimal("0.999")));
    SliResult err = find(out, Sli.Kind.ERRORS, "tiny-model");
    assertThat(err.findings()).extracting(Finding::rule).containsExactly("slo-low-traffic");
    assertThat((double) err.findings().get(0).evidence().get("oneErrorBudgetShare")).isGreaterThan(0.3);
  }

  @Test
  void anObjectiveTooLowForTheFastBurnMakesItUnreachable() {
    SloBaseline.Outcome out = run(history, options("{model=\"llama-3-8b\"}", Duration.ofDays(2), new BigDecimal("0.9")));
    SliResult err = find(out, Sli.Kind.ERRORS, "llama-3-8b");
    assertThat(err.findings()).extracting(Finding::rule).containsExactly("slo-unreachable-alert");
    assertThat(err.findings().get(0).evidence()).containsEntry("longWindow", "1h");
    assertThat(err.tiers()).extracting(SliResult.BurnTier::reachable).containsExactly(false, true, true, true);
  }

  private static SloBaseline.Outcome broken(String file, Duration window) {
    Telemetry t = new Telemetry();
    DumpReader.read(DIR.resolve(file), t);
    return run(t, options(null, window, null));
  }

  @Test
  void nonCumulativeBucketsAreLeftOutNotGuessed() {
    SloBaseline.Outcome out = broken("non-cumulative.om", Duration.ofHours(2));
    assertThat(out.results()).noneMatch(r -> r.sli().kind() == Sli.Kind.LATENCY);
    assertThat(out.problems()).anySatisfy(p -> assertThat(p.message()).contains("not cumulative"));
    // The error ratio from the request counter is still learned.
    assertThat(out.results()).anyMatch(r -> r.sli().kind() == Sli.Kind.ERRORS);
  }

  @Test
  void aHistogramWithoutInfIsLeftOut() {
    SloBaseline.Outcome out = broken("no-inf.om", Duration.ofHours(2));
    assertThat(out.results()).noneMatch(r -> r.sli().kind() == Sli.Kind.LATENCY);
    assertThat(out.problems()).anySatisfy(p -> assertThat(p.toString()).contains("+Inf").contains("inference_request_duration_seconds"));
  }

  @Test
  void nanCountersAreReportedAndSkipped() {
    Telemetry t = new Telemetry();
    var summary = DumpReader.read(DIR.resolve("nan-counter.om"), t);
    OfflineRates.Result r = OfflineRates.compute(t.metrics(), options(null, Duration.ofHours(2), null));
    SloBaseline.Outcome out = SloBaseline.run(r.groups(), r.problems(), options(null, Duration.ofHours(2), null));
    // Either the reader refuses NaN in a counter or the SLO step leaves the points out; both say so.
    boolean reported = summary.skipped() > 0
        || out.problems().stream().anyMatch(p -> p.message().contains("NaN"));
    assertThat(reported).isTrue();
    SliResult err = find(out, Sli.Kind.ERRORS, "llama-3-8b");
    for (double a : err.objective().achieved()) {
      assertThat(a).isBetween(0.0, 1.0);
    }
    assertThat(err.baselines().get("error-ratio").median()).isBetween(0.0, 0.02);
  }

  @Test
  void hugeGapsAreInsufficientHistory() {
    SloBaseline.Outcome out = broken("gaps.om", Duration.ofDays(1));
    SliResult err = find(out, Sli.Kind.ERRORS, "llama-3-8b");
    assertThat(err.coverage()).isLessThan(0.5);
    assertThat(err.largestGapMs()).isGreaterThan(19 * 3_600_000L);
    assertThat(err.findings()).extracting(Finding::rule).contains("slo-insufficient-history");
    assertThat(err.findings().get(0).message()).contains("largest gap");
  }
}
