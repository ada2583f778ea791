package dev.traceguard.analyzers.oom;

import java.util.Arrays;
import org.apache.commons.statistics.distribution.NormalDistribution;

/**
 * The Mann–Kendall test for a monotone trend in a series taken in time order: {@code S} sums the
 * signs of every later-minus-earlier difference; its variance under "no trend" is corrected for
 * ties, {@code Var(S) = [n(n-1)(2n+5) - Σ t(t-1)(2t+5)] / 18}; {@code z = (S - sgn S) / √Var}
 * (continuity correction) and the two-sided p-value is {@code 2 (1 - Φ(|z|))}.
 */
final class MannKendall {
  private static final NormalDistribution STANDARD_NORMAL = NormalDistribution.of(0, 1);

  private MannKendall() {}

  /**
   * A test result.
   *
   * @param s the statistic S
   * @param variance Var(S), tie-corrected
   * @param z the normal score
   * @param p two-sided p-value
   */
  record Result(long s, double variance, double z, double p) {}

  /** Tests {@code y} (in time order); fewer than 3 values give S = 0 and p = 1. */
  static Result test(double[] y) {
    int n = y.length;
    if (n < 3) {
      return new Result(0, 0, 0, 1);
    }
    long s = 0;
    for (int i = 0; i < n - 1; i++) {
      double yi = y[i];
      for (int j = i + 1; j < n; j++) {
        s += Double.compare(y[j], yi) > 0 ? 1 : (y[j] == yi ? 0 : -1);
      }
    }
    double[] sorted = y.clone();
    Arrays.sort(sorted);
    double ties = 0;
    for (int i = 0; i < n; ) {
      int j = i;
      while (j < n && sorted[j] == sorted[i]) {
        j++;
      }
      double t = j - i;
      ties += t * (t - 1) * (2 * t + 5);
      i = j;
    }
    double nn = n;
    double var = (nn * (nn - 1) * (2 * nn + 5) - ties) / 18.0;
    if (var <= 0) {
      return new Result(s, var, 0, 1);
    }
    double z = s > 0 ? (s - 1) / Math.sqrt(var) : s < 0 ? (s + 1) / Math.sqrt(var) : 0;
    double p = Math.min(1, 2 * STANDARD_NORMAL.survivalProbability(Math.abs(z)));
    return new Result(s, var, z, p);
  }
}
