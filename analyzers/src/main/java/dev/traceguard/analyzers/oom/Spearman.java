package dev.traceguard.analyzers.oom;

import java.util.Arrays;

/** Spearman's rank correlation: Pearson's correlation of the ranks, ties given their mean rank. */
final class Spearman {
  private Spearman() {}

  /** The coefficient, or NaN when either side is constant or fewer than 3 pairs are given. */
  static double rho(double[] x, double[] y) {
    int n = Math.min(x.length, y.length);
    if (n < 3) {
      return Double.NaN;
    }
    double[] rx = ranks(x, n);
    double[] ry = ranks(y, n);
    double mx = (n + 1) / 2.0;
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < n; i++) {
      double a = rx[i] - mx;
      double b = ry[i] - mx;
      sxy += a * b;
      sxx += a * a;
      syy += b * b;
    }
    if (sxx == 0 || syy == 0) {
      return Double.NaN;
    }
    return sxy / Math.sqrt(sxx * syy);
  }

  /** 1-based ranks of the first {@code n} values, ties sharing their mean rank. */
  static double[] ranks(double[] v, int n) {
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(v[a], v[b]));
    double[] r = new double[n];
    for (int i = 0; i < n; ) {
      int j = i;
      while (j + 1 < n && v[order[j + 1]] == v[order[i]]) {
        j++;
      }
      double mean = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        r[order[k]] = mean;
      }
      i = j + 1;
    }
    return r;
  }
}
