package dev.traceguard.analyzers.oom;

import java.util.Arrays;

/**
 * The Theil–Sen estimator: the slope is the median of the slopes between every pair of points with
 * different x, the intercept the median of {@code y - slope * x} (scipy's {@code
 * theilslopes(method="joint")}). Exact and O(n²): callers pass a few hundred points at most.
 */
final class TheilSen {
  private TheilSen() {}

  /** A fitted line {@code y = intercept + slope * x}. */
  record Line(double slope, double intercept) {
    /** The line's value at {@code x}. */
    double at(double x) {
      return intercept + slope * x;
    }
  }

  /** The fit; slope 0 and intercept the median of y when no two x differ. */
  static Line fit(double[] x, double[] y) {
    int n = Math.min(x.length, y.length);
    double[] slopes = new double[n < 2 ? 0 : n * (n - 1) / 2];
    int k = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        double dx = x[j] - x[i];
        if (dx != 0) {
          slopes[k++] = (y[j] - y[i]) / dx;
        }
      }
    }
    double slope = k == 0 ? 0 : median(slopes, k);
    double[] r = new double[n];
    for (int i = 0; i < n; i++) {
      r[i] = y[i] - slope * x[i];
    }
    return new Line(slope, n == 0 ? Double.NaN : median(r, n));
  }

  /** The median of the first {@code n} values (sorts them in place). */
  static double median(double[] v, int n) {
    Arrays.sort(v, 0, n);
    return (n & 1) == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
}
