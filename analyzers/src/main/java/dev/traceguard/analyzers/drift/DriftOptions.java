package dev.traceguard.analyzers.drift;

import dev.traceguard.analyzers.model.Telemetry;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the {@code drift} analyzer, attached to the analysis options with {@code
 * AnalysisOptions.with(DriftOptions.class, ...)}.
 *
 * <pre>{@code
 * AnalysisOptions o = AnalysisOptions.defaults()
 *     .with(DriftOptions.class, DriftOptions.defaults().withBaseline(lastWeek));
 * }</pre>
 *
 * @param baseline telemetry to compare against (before/after mode), or null to compare the
 *     versions of each model within the analysed dump (A/B mode)
 * @param groupBy empty for the built-in model and version keys; otherwise the attribute or label
 *     naming the model, then optionally the one naming the version
 * @param alpha significance level after the Bonferroni correction
 * @param effectFloor smallest normed Wasserstein or Jensen–Shannon distance reported as drift
 * @param minSamples fewer values than this on either side is "not enough data"
 * @param largeSample reference sizes above this use the distance tests (Evidently's 1000)
 * @param maxSamples values kept per field and side (a uniform reservoir beyond that)
 * @param maxCategories distinct values per side above which a text field is not compared
 */
public record DriftOptions(
    Telemetry baseline,
    List<String> groupBy,
    double alpha,
    double effectFloor,
    int minSamples,
    int largeSample,
    int maxSamples,
    int maxCategories) {

  /** Validates and copies. */
  public DriftOptions {
    groupBy = List.copyOf(Objects.requireNonNull(groupBy, "groupBy"));
    if (groupBy.size() > 2) {
      throw new IllegalArgumentException("--group-by takes at most two keys: the model, then the version");
    }
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("alpha must be between 0 and 1");
    }
    if (!(effectFloor >= 0)) {
      throw new IllegalArgumentException("the effect floor must not be negative");
    }
    if (minSamples < 2) {
      throw new IllegalArgumentException("the minimum sample size must be at least 2");
    }
    if (maxSamples < minSamples || maxCategories < 2 || largeSample < 1) {
      throw new IllegalArgumentException("sample limits out of range");
    }
  }

  /**
   * Evidently's defaults: alpha 0.05, effect floor 0.1, at least 30 values per side, distance
   * tests above 1000 reference values, 10 000 values kept per field, 50 categories.
   */
  public static DriftOptions defaults() {
    return new DriftOptions(null, List.of(), 0.05, 0.1, 30, 1000, 10_000, 50);
  }

  /** With a baseline to compare against. */
  public DriftOptions withBaseline(Telemetry t) {
    return new DriftOptions(t, groupBy, alpha, effectFloor, minSamples, largeSample, maxSamples, maxCategories);
  }

  /** With grouping keys: the model key, then optionally the version key. */
  public DriftOptions withGroupBy(List<String> keys) {
    return new DriftOptions(baseline, keys, alpha, effectFloor, minSamples, largeSample, maxSamples, maxCategories);
  }

  /** With another significance level. */
  public DriftOptions withAlpha(double a) {
    return new DriftOptions(baseline, groupBy, a, effectFloor, minSamples, largeSample, maxSamples, maxCategories);
  }

  /** With another effect floor. */
  public DriftOptions withEffectFloor(double f) {
    return new DriftOptions(baseline, groupBy, alpha, f, minSamples, largeSample, maxSamples, maxCategories);
  }

  /** With another minimum sample size. */
  public DriftOptions withMinSamples(int n) {
    return new DriftOptions(baseline, groupBy, alpha, effectFloor, n, largeSample, Math.max(maxSamples, n), maxCategories);
  }
}
