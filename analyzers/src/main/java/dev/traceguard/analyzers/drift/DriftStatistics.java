package dev.traceguard.analyzers.drift;

import java.util.Arrays;
import org.apache.commons.statistics.distribution.ChiSquaredDistribution;
import org.apache.commons.statistics.inference.ChiSquareTest;
import org.apache.commons.statistics.inference.KolmogorovSmirnovTest;
import org.apache.commons.statistics.inference.SignificanceResult;

/**
 * The statistics behind drift findings, each defined as scipy and Evidently define it so the
 * numbers can be checked against them: two-sample Kolmogorov–Smirnov ({@code scipy.stats.ks_2samp},
 * via commons-statistics), chi-square goodness of fit of current counts against reference
 * proportions ({@code scipy.stats.chisquare}), Wasserstein-1 ({@code
 * scipy.stats.wasserstein_distance}), Jensen–Shannon distance with the natural log ({@code
 * scipy.spatial.distance.jensenshannon}), PSI with empty shares taken as 0.0001, and quantiles
 * interpolated linearly ({@code numpy.quantile}).
 */
final class DriftStatistics {
  private static final KolmogorovSmirnovTest KS = KolmogorovSmirnovTest.withDefaults();
  private static final ChiSquareTest CHI2 = ChiSquareTest.withDefaults();
  private static final double PSI_EMPTY = 0.0001;

  private DriftStatistics() {}

  /** A statistic and its p-value. */
  record Test(double statistic, double pValue) {}

  /** Two-sided two-sample Kolmogorov–Smirnov test, p-value as scipy's ks_2samp 'auto'. */
  static Test ks(double[] ref, double[] cur) {
    KolmogorovSmirnovTest.TwoResult r = KS.test(ref, cur);
    return new Test(r.getStatistic(), r.getPValue());
  }

  /**
   * Chi-square goodness of fit of {@code cur} counts against {@code ref} proportions scaled to the
   * current total (Evidently's form). Categories empty on both sides are dropped; a category seen
   * only in the current data gives an infinite statistic and p = 0; fewer than two categories
   * give p = 1.
   */
  static Test chiSquare(long[] ref, long[] cur) {
    int k = 0;
    for (int i = 0; i < ref.length; i++) {
      if (ref[i] > 0) {
        k++;
      } else if (cur[i] > 0) {
        return new Test(Double.POSITIVE_INFINITY, 0);
      }
    }
    if (k < 2 || sum(cur) == 0) {
      return new Test(0, 1);
    }
    double[] expected = new double[k];
    long[] observed = new long[k];
    double refTotal = sum(ref);
    double curTotal = sum(cur);
    int j = 0;
    for (int i = 0; i < ref.length; i++) {
      if (ref[i] > 0) {
        expected[j] = ref[i] / refTotal * curTotal;
        observed[j] = cur[i];
        j++;
      }
    }
    SignificanceResult r = CHI2.test(expected, observed);
    return new Test(r.getStatistic(), r.getPValue());
  }

  /**
   * The goodness-of-fit statistic of {@link #chiSquare} divided by {@code 1 + n_cur / n_ref}, with
   * its p-value from the chi-square distribution with {@code k - 1} degrees of freedom. Evidently's
   * form takes the reference proportions as exact; when the reference is itself a sample of
   * similar size, its own noise inflates the statistic by that factor under the null hypothesis,
   * and the uncorrected test raises false alarms far more often than alpha. Equal to Evidently's
   * form when the reference is much larger than the current sample.
   */
  static Test chiSquareTwoSample(long[] ref, long[] cur) {
    Test gof = chiSquare(ref, cur);
    if (Double.isInfinite(gof.statistic()) || gof.pValue() == 1) {
      return gof;
    }
    int k = 0;
    for (long r : ref) {
      if (r > 0) {
        k++;
      }
    }
    double x = gof.statistic() / (1 + (double) sum(cur) / sum(ref));
    return new Test(x, ChiSquaredDistribution.of(k - 1).survivalProbability(x));
  }

  /** Wasserstein-1 distance between two empirical distributions given sorted. */
  static double wasserstein(double[] u, double[] v) {
    int n = u.length;
    int m = v.length;
    int i = 0;
    int j = 0;
    double prev = Math.min(u[0], v[0]);
    double total = 0;
    while (i < n || j < m) {
      double x = j >= m || (i < n && u[i] <= v[j]) ? u[i] : v[j];
      total += Math.abs((double) i / n - (double) j / m) * (x - prev);
      while (i < n && u[i] == x) {
        i++;
      }
      while (j < m && v[j] == x) {
        j++;
      }
      prev = x;
    }
    return total;
  }

  /** Wasserstein-1 divided by the reference's population standard deviation (at least 0.001). */
  static double normedWasserstein(double[] refSorted, double[] curSorted) {
    return wasserstein(refSorted, curSorted) / Math.max(std(refSorted), 0.001);
  }

  /**
   * Population stability index over bins cut at the reference deciles (duplicate edges merged;
   * bin {@code i} is {@code (edge[i-1], edge[i]]}).
   */
  static double psiDeciles(double[] refSorted, double[] curSorted) {
    double[] edges = new double[9];
    int e = 0;
    for (int d = 1; d <= 9; d++) {
      double q = quantile(refSorted, d / 10.0);
      if (e == 0 || q != edges[e - 1]) {
        edges[e++] = q;
      }
    }
    edges = Arrays.copyOf(edges, e);
    return psi(binCounts(refSorted, edges), binCounts(curSorted, edges));
  }

  private static long[] binCounts(double[] sorted, double[] edges) {
    long[] c = new long[edges.length + 1];
    int b = 0;
    for (double x : sorted) {
      while (b < edges.length && x > edges[b]) {
        b++;
      }
      c[b]++;
    }
    return c;
  }

  /** Population stability index of two count vectors over the same bins. */
  static double psi(long[] ref, long[] cur) {
    double rt = sum(ref);
    double ct = sum(cur);
    double psi = 0;
    for (int i = 0; i < ref.length; i++) {
      double r = ref[i] / rt;
      double c = cur[i] / ct;
      if (r == 0) {
        r = PSI_EMPTY;
      }
      if (c == 0) {
        c = PSI_EMPTY;
      }
      psi += (c - r) * Math.log(c / r);
    }
    return psi;
  }

  /** Jensen–Shannon distance (natural log) of two count vectors over the same categories. */
  static double jensenShannon(long[] ref, long[] cur) {
    double rt = sum(ref);
    double ct = sum(cur);
    double js = 0;
    for (int i = 0; i < ref.length; i++) {
      double p = ref[i] / rt;
      double q = cur[i] / ct;
      double m = (p + q) / 2;
      if (p > 0) {
        js += p * Math.log(p / m);
      }
      if (q > 0) {
        js += q * Math.log(q / m);
      }
    }
    return Math.sqrt(Math.max(0, js / 2));
  }

  /** The {@code q} quantile of sorted values, interpolated linearly (numpy's default). */
  static double quantile(double[] sorted, double q) {
    double h = (sorted.length - 1) * q;
    int lo = (int) Math.floor(h);
    if (lo + 1 >= sorted.length) {
      return sorted[sorted.length - 1];
    }
    return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
  }

  /** Mean of the values. */
  static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s / x.length;
  }

  /** Population standard deviation (numpy's {@code np.std}, ddof 0). */
  static double std(double[] x) {
    double mu = mean(x);
    double s = 0;
    for (double v : x) {
      s += (v - mu) * (v - mu);
    }
    return Math.sqrt(s / x.length);
  }

  static long sum(long[] c) {
    long s = 0;
    for (long v : c) {
      s += v;
    }
    return s;
  }

  /**
   * Bonferroni adjusted p-values: {@code min(1, p * m)} for {@code m} tests. A test is significant
   * at family-wise error rate alpha when its adjusted p is at most alpha: the chance of any false
   * alarm in the whole run stays at most alpha, however many of the other fields really changed.
   */
  static double[] bonferroni(double[] p) {
    double[] adj = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      adj[i] = Math.min(1, p[i] * p.length);
    }
    return adj;
  }
}
