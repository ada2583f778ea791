package dev.traceguard.analyzers.metrics;

/**
 * Settings of the {@code metrics} analyzer, attached with {@code
 * AnalysisOptions.with(MetricsOptions.class, ...)}.
 *
 * @param cardinalityLimit distinct values of one label of one metric above which {@code
 *     high-cardinality} fires; counting stops one past it, so memory stays bounded
 * @param suspiciousMinValues distinct values a label needs before values that look like ids,
 *     prompts or user data make it a {@code high-cardinality} finding
 * @param suspiciousShare share of a label's distinct values (0..1) that must look like ids,
 *     prompts or user data
 * @param overflowShare share of a histogram's observations (0..1) above its largest finite bucket
 *     bound beyond which {@code histogram-overflow} fires
 * @param overflowMinObservations observations a histogram needs before {@code histogram-overflow}
 *     judges it
 */
public record MetricsOptions(
    int cardinalityLimit,
    int suspiciousMinValues,
    double suspiciousShare,
    double overflowShare,
    long overflowMinObservations) {

  /** Checks the ranges. */
  public MetricsOptions {
    if (cardinalityLimit < 1) {
      throw new IllegalArgumentException("cardinality limit must be at least 1");
    }
    if (suspiciousMinValues < 1) {
      throw new IllegalArgumentException("suspiciousMinValues must be at least 1");
    }
    if (!(suspiciousShare > 0 && suspiciousShare <= 1)) {
      throw new IllegalArgumentException("suspiciousShare must be in (0, 1]");
    }
    if (!(overflowShare >= 0 && overflowShare < 1)) {
      throw new IllegalArgumentException("overflow share must be in [0, 1)");
    }
    if (overflowMinObservations < 1) {
      throw new IllegalArgumentException("overflowMinObservations must be at least 1");
    }
  }

  /** The documented defaults: 1000 values, 10 values at 50%, 5% overflow of at least 20 observations. */
  public static MetricsOptions defaults() {
    return new MetricsOptions(1000, 10, 0.5, 0.05, 20);
  }

  /** With another cardinality limit. */
  public MetricsOptions withCardinalityLimit(int n) {
    return new MetricsOptions(n, suspiciousMinValues, suspiciousShare, overflowShare, overflowMinObservations);
  }

  /** With another overflow share (0..1). */
  public MetricsOptions withOverflowShare(double share) {
    return new MetricsOptions(cardinalityLimit, suspiciousMinValues, suspiciousShare, share, overflowMinObservations);
  }
}
