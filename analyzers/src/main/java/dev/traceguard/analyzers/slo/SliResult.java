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
    List<Finding> findings) {

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
}
