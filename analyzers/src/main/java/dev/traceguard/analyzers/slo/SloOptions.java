package dev.traceguard.analyzers.slo;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

/**
 * Settings of {@code slo baseline}.
 *
 * @param window the history a baseline should cover (coverage is checked against it)
 * @param step evaluation step
 * @param rateWindow the range of {@code rate()} at each step
 * @param period the SLO period the objective and burn rates are for
 * @param objectiveWindow length of the windows the suggested objective must be met in
 * @param metShare share of those windows the suggested objective must be met in
 * @param k width of the bands in σ or MAD
 * @param trim values further than this many MADs from the median are left out of mean and σ
 * @param objective objective to use instead of the suggested one, or null
 * @param latencyThreshold threshold in the histogram's unit for the latency SLI, or NaN for auto
 * @param lowTrafficShare one error burning more than this share of the budget makes a SLO low-traffic
 * @param minCoverage share of steps with data below which history counts as insufficient
 * @param groupBy labels to group by, or null for auto-detection
 * @param errorRegex status values that are errors, or null for the default
 * @param selector which series to use
 */
public record SloOptions(
    Duration window,
    Duration step,
    Duration rateWindow,
    Duration period,
    Duration objectiveWindow,
    double metShare,
    double k,
    double trim,
    BigDecimal objective,
    double latencyThreshold,
    double lowTrafficShare,
    double minCoverage,
    List<String> groupBy,
    String errorRegex,
    Selector selector) {

  /** The defaults: 7d window, 5m step and rate, 30d period, daily windows, 90%, k = 2. */
  public static SloOptions defaults() {
    return new SloOptions(Duration.ofDays(7), Duration.ofMinutes(5), Duration.ofMinutes(5), Duration.ofDays(30),
        Duration.ofDays(1), 0.9, 2, 5, null, Double.NaN, 0.05, 0.9, null, null, Selector.all());
  }
}
