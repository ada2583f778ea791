package dev.traceguard.analyzers.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.traceguard.analyzers.model.Labels;
import org.junit.jupiter.api.Test;

/** rate(), histogram_quantile and number formatting, checked against hand-worked Prometheus results. */
class PromMathTest {
  private static final double INF = Double.POSITIVE_INFINITY;

  @Test
  void rateExtrapolatesToTheWindowEdges() {
    // Samples every 15 s inside [0, 60 s], first at 5 s: 4 samples 5..50, values 10..40.
    long[] t = {5_000, 20_000, 35_000, 50_000};
    double[] v = {10, 20, 30, 40};
    // Increase 30 over 45 s sampled; to start 5 s (< 1.1*15), to end 10 s (< 16.5): 30*(60/45) = 40.
    // Zero point: 45*(10/30) = 15 s > 5 s, so no clamp.
    assertThat(PromRate.increase(t, v, 0, 4, 0, 60_000)).isCloseTo(40.0, within(1e-12));
    assertThat(PromRate.rate(t, v, 0, 4, 0, 60_000)).isCloseTo(40.0 / 60, within(1e-12));
  }

  @Test
  void rateExtrapolatesHalfAnIntervalAcrossLargeGapsAndNeverBelowZero() {
    long[] t = {30_000, 40_000, 50_000};
    double[] v = {1, 11, 21};
    // Gap to start 30 s >= 11 s threshold: half an interval (5 s). Zero point: 20*(1/20) = 1 s < 30 s,
    // so the start extension is min(1 s, ...) -> 1 s, which is below the threshold: used as is.
    // End gap 10 s < 11 s: extend fully. 20 * (20+1+10)/20 = 31.
    assertThat(PromRate.increase(t, v, 0, 3, 0, 60_000)).isCloseTo(31.0, within(1e-12));
    long[] t2 = {30_000, 40_000, 50_000};
    double[] v2 = {100, 110, 120};
    // Zero point 200 s away: start gap 30 s >= 11 -> +5 s; end +10 s: 20*(35/20) = 35.
    assertThat(PromRate.increase(t2, v2, 0, 3, 0, 60_000)).isCloseTo(35.0, within(1e-12));
  }

  @Test
  void counterResetsAddThePreviousValue() {
    long[] t = {0, 10_000, 20_000, 30_000};
    double[] v = {5, 8, 2, 4};
    // 4 - 5 + 8 (reset after 8) = 7 over 30 s sampled in a [0, 30 s] range: no extrapolation.
    assertThat(PromRate.increase(t, v, 0, 4, 0, 30_000)).isCloseTo(7.0, within(1e-12));
    assertThat(PromRate.increase(t, v, 0, 1, 0, 30_000)).isNaN();
  }

  @Test
  void ratesOnAGridIncludeBothRangeEnds() {
    long[] t = {0, 60_000, 120_000, 180_000};
    double[] v = {0, 60, 120, 180};
    double[] out = new double[4];
    PromRate.rates(t, v, 4, 60_000, 60_000, 0, out);
    assertThat(out[0]).isNaN();
    // [0, 60 s] holds both samples 0 and 60 s: a rate of 1/s.
    assertThat(out[1]).isCloseTo(1.0, within(1e-12));
    assertThat(out[3]).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void histogramQuantileInterpolatesInsideTheBucket() {
    double[] b = {0.1, 0.5, 1, INF};
    double[] c = {10, 60, 90, 100};
    // rank 50 falls in (0.1, 0.5]: 0.1 + 0.4 * (40/50).
    assertThat(HistogramQuantile.quantile(0.5, b, c)).isCloseTo(0.42, within(1e-12));
    // Lowest bucket starts at 0: rank 5 -> 0.1 * 5/10.
    assertThat(HistogramQuantile.quantile(0.05, b, c)).isCloseTo(0.05, within(1e-12));
    // rank 95 lies in +Inf: the highest finite bound.
    assertThat(HistogramQuantile.quantile(0.95, b, c)).isEqualTo(1.0);
    assertThat(HistogramQuantile.quantile(0.5, new double[] {0.1, 1}, c)).isNaN();
    assertThat(HistogramQuantile.quantile(0.5, b, new double[] {0, 0, 0, 0})).isNaN();
    assertThat(HistogramQuantile.quantile(-1, b, c)).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(HistogramQuantile.quantile(2, b, c)).isEqualTo(INF);
  }

  @Test
  void histogramQuantileWithANonPositiveLowestBoundReturnsThatBound() {
    assertThat(HistogramQuantile.quantile(0.1, new double[] {-1, 1, INF}, new double[] {20, 50, 60})).isEqualTo(-1);
  }

  @Test
  void fractionBelowIsExactAtBoundsAndInterpolatedBetween() {
    double[] b = {0.1, 0.5, 1, INF};
    double[] c = {10, 60, 90, 100};
    assertThat(HistogramQuantile.fractionBelow(0.5, b, c)).isEqualTo(0.6);
    assertThat(HistogramQuantile.fractionBelow(0.3, b, c)).isCloseTo(0.35, within(1e-12));
    assertThat(HistogramQuantile.fractionBelow(0.05, b, c)).isCloseTo(0.05, within(1e-12));
    assertThat(HistogramQuantile.fractionBelow(5, b, c)).isEqualTo(0.9);
    assertThat(HistogramQuantile.bucketWidth(0.42, b)).isCloseTo(0.4, within(1e-12));
    assertThat(HistogramQuantile.bucketWidth(0.05, b)).isEqualTo(0.1);
  }

  @Test
  void floatsAreShortestRoundTrip() {
    // Java 17's Double.toString gives 9.999999999999999E22 and 2.82879384806159008E17 here.
    assertThat(Double.toString(1e23)).isNotEqualTo("1.0E23");
    assertThat(PromFloat.format(1e23)).isEqualTo("1e+23");
    assertThat(PromFloat.format(2.82879384806159E17)).isEqualTo("2.82879384806159e+17");
    assertThat(PromFloat.format(0.001)).isEqualTo("0.001");
    assertThat(PromFloat.format(1 - 0.999)).isEqualTo("0.0010000000000000009");
    assertThat(PromFloat.format(0.1 + 0.2)).isEqualTo("0.30000000000000004");
    assertThat(PromFloat.format(2e-5)).isEqualTo("2e-05");
    assertThat(PromFloat.format(5e-324)).isEqualTo("5e-324");
    assertThat(PromFloat.format(-1.5)).isEqualTo("-1.5");
    assertThat(PromFloat.format(60)).isEqualTo("60");
    assertThat(PromFloat.format(INF)).isEqualTo("+Inf");
    assertThat(PromFloat.format(Double.NaN)).isEqualTo("NaN");
    java.util.Random r = new java.util.Random(1);
    for (int i = 0; i < 2_000; i++) {
      double d = Double.longBitsToDouble(r.nextLong());
      if (Double.isFinite(d)) {
        assertThat(Double.parseDouble(PromFloat.format(d))).isEqualTo(d);
      }
    }
  }

  @Test
  void selectorsParseAndMatchLikePromql() {
    Selector s = Selector.parse("{job=\"inference\", model=~\"llama.*\",code!~\"4..\"}");
    assertThat(s.matches("x", Labels.of("job", "inference", "model", "llama-3", "code", "200"))).isTrue();
    assertThat(s.matches("x", Labels.of("job", "inference", "model", "xllama", "code", "200"))).isFalse();
    assertThat(s.matches("x", Labels.of("job", "inference", "model", "llama", "code", "404"))).isFalse();
    assertThat(s.promql("up")).isEqualTo("up{job=\"inference\",model=~\"llama.*\",code!~\"4..\"}");
    assertThatThrownBy(() -> Selector.parse("{job=inference}")).hasMessageContaining("double-quoted");
    assertThatThrownBy(() -> Selector.parse("{job=~\"(\"}")).hasMessageContaining("regular expression");
  }

  @Test
  void leStringsParseAsPrometheusDoes() {
    assertThat(Sli.parseLe("+Inf")).isInfinite();
    assertThat(Sli.parseLe("1e3")).isEqualTo(1000);
    assertThat(Sli.parseLe("0.1")).isEqualTo(0.1);
    assertThat(Sli.parseLe("1d")).isNaN();
    assertThat(Sli.parseLe("0x10")).isNaN();
  }

  @Test
  void stepSeriesSumsSkipMissingValues() {
    StepSeries a = new StepSeries();
    a.addAll(new StepSeries(10, new double[] {1, Double.NaN, 3}));
    a.addAll(new StepSeries(8, new double[] {5, Double.NaN, 1}));
    assertThat(a.first()).isEqualTo(8);
    assertThat(a.at(8)).isEqualTo(5);
    assertThat(a.at(9)).isNaN();
    assertThat(a.at(10)).isEqualTo(2);
    assertThat(a.at(11)).isNaN();
    assertThat(a.at(12)).isEqualTo(3);
  }

  @Test
  void burnRatesScaleToThePeriod() {
    var t30 = SloBaseline.tiers(java.time.Duration.ofDays(30), new java.math.BigDecimal("0.999"));
    assertThat(t30).extracting(x -> x.factor().toPlainString()).containsExactly("14.4", "6", "3", "1");
    assertThat(t30.get(0).threshold().toPlainString()).isEqualTo("0.0144");
    var t28 = SloBaseline.tiers(java.time.Duration.ofDays(28), new java.math.BigDecimal("0.999"));
    assertThat(t28).extracting(x -> x.factor().toPlainString()).containsExactly("13.44", "5.6", "2.8", "0.9333");
    var t7 = SloBaseline.tiers(java.time.Duration.ofDays(7), new java.math.BigDecimal("0.99"));
    assertThat(t7).extracting(x -> x.factor().toPlainString()).containsExactly("13.44", "3.5", "1.4", "0.98");
    var low = SloBaseline.tiers(java.time.Duration.ofDays(30), new java.math.BigDecimal("0.9"));
    assertThat(low).extracting(SliResult.BurnTier::reachable).containsExactly(false, true, true, true);
  }
}
