package dev.traceguard.analyzers.slo;

import dev.traceguard.analyzers.model.Labels;
import dev.traceguard.analyzers.report.Finding;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * What was learned for one indicator in one group.
 *
 * @param sli the indicator
 * @param group the group's labels
 * @param firstStepMs time of the first step with data
 * @param lastStepMs time of the last step with data
 * @param steps steps from the first to the last with data
 * @param stepsWithData steps that had a value
 * @param largestGapMs longest run of steps without data
 * @param events events (requests) counted over the history: the sum of rate × step
 * @param baselines per quantity ({@code p50}, {@code p95}, {@code p99}, {@code good-ratio},
 *     {@code error-ratio}, {@code mean}) its baseline
 * @param threshold for latency: the threshold of the good-ratio SLI; NaN otherwise
 * @param thresholdLe the {@code le} string of the threshold when it is a bucket bound, else null
 *     (the share is then interpolated)
 * @param objective the suggested and used objective, or null for indicators without one
 * @param tiers the burn-rate alert tiers for the used objective
 * @param findings problems found with this SLO
 * @param observed the per-step series the main baseline was learned from, downsampled to at most
 *     {@link Observed#MAX_POINTS} points (for charts; not in the JSON document)
 */
public record SliResult(
    Sli sli,
    Labels group,
    long firstStepMs,
    long lastStepMs,
    int steps,
    int stepsWithData,
    long largestGapMs,
    double events,
    Map<String, Baseline> baselines,
    double threshold,
    String thresholdLe,
    Objective objective,
    List<BurnTier> tiers,
    List<Finding> findings,
    Observed observed) {

  /** Share of steps with data. */
  public double coverage() {
    return steps == 0 ? 0 : (double) stepsWithData / steps;
  }

  /** Length of the history, ms. */
  public long spanMs() {
    return lastStepMs - firstStepMs;
  }

  /**
   * The objective.
   *
   * @param suggested the highest objective met in at least {@code metShareRequired} of the
   *     windows, or null when none was
   * @param used the objective the rules use ({@code --objective}, else the suggested one), or null
   * @param metShare share of windows in which {@code used} was met
   * @param margin the 10th percentile of the achieved ratios minus {@code used}
   * @param achieved the good ratio achieved in each window
   */
  public record Objective(BigDecimal suggested, BigDecimal used, double metShare, double margin, double[] achieved) {}

  /**
   * One multiwindow burn-rate alert.
   *
   * @param severity {@code page} or {@code ticket}
   * @param longWindow e.g. {@code 1h}
   * @param shortWindow e.g. {@code 5m}
   * @param budgetShare share of the budget burnt when it fires
   * @param factor the burn rate
   * @param threshold factor × (1 − objective): the error ratio above which it fires
   * @param forDuration how long the condition must hold
   * @param reachable false when the threshold is 1 or more, so the alert can never fire
   */
  public record BurnTier(String severity, String longWindow, String shortWindow, BigDecimal budgetShare,
      BigDecimal factor, BigDecimal threshold, String forDuration, boolean reachable) {}

  /**
   * A compact view of one per-step series: steps without a value are left out and runs of steps
   * are averaged into at most {@link #MAX_POINTS} points, so its size does not grow with the history.
   *
   * @param quantity the baseline it belongs to ({@code p99}, {@code error-ratio}, {@code mean})
   * @param timesMs time of each point, ms since the epoch (the mean time of the steps averaged), ascending
   * @param values the mean of the steps' values
   */
  public record Observed(String quantity, long[] timesMs, double[] values) {
    /** The most points kept. */
    public static final int MAX_POINTS = 120;

    /**
     * Downsamples {@code series}, whose step {@code i} lies at {@code (lo + i) × stepMs}, into at most
     * {@link #MAX_POINTS} points; NaN steps are skipped.
     */
    public static Observed of(String quantity, double[] series, long lo, long stepMs) {
      int n = series.length;
      int per = Math.max(1, (n + MAX_POINTS - 1) / MAX_POINTS);
      long[] t = new long[Math.min(n, MAX_POINTS)];
      double[] v = new double[t.length];
      int m = 0;
      for (int start = 0; start < n; start += per) {
        double sum = 0;
        double tsum = 0;
        int c = 0;
        for (int i = start; i < Math.min(n, start + per); i++) {
          if (!Double.isNaN(series[i])) {
            sum += series[i];
            tsum += (double) (lo + i) * stepMs;
            c++;
          }
        }
        if (c > 0) {
          t[m] = Math.round(tsum / c);
          v[m] = sum / c;
          m++;
        }
      }
      return new Observed(quantity, java.util.Arrays.copyOf(t, m), java.util.Arrays.copyOf(v, m));
    }

    /** Number of points. */
    public int size() {
      return values.length;
    }
  }
}
