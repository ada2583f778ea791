package dev.traceguard.analyzers.slo;

import java.util.Arrays;

/** Order statistics and moments over plain arrays; NaN values must be removed by the caller. */
public final class Stats {
  /** Scales the median absolute deviation to estimate σ for normal data. */
  public static final double MAD_SCALE = 1.4826;

  private Stats() {}

  /** The {@code p} quantile (0 to 1) of sorted values, interpolated linearly (R type 7); NaN when empty. */
  public static double quantileSorted(double[] sorted, int n, double p) {
    if (n == 0) {
      return Double.NaN;
    }
    double h = (n - 1) * p;
    int lo = (int) Math.floor(h);
    int hi = Math.min(n - 1, lo + 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }

  /** The median; NaN when empty. */
  public static double median(double[] values, int n) {
    double[] s = Arrays.copyOf(values, n);
    Arrays.sort(s);
    return quantileSorted(s, n, 0.5);
  }

  /** The median absolute deviation from {@code median}, scaled by {@link #MAD_SCALE}. */
  public static double mad(double[] values, int n, double median) {
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = Math.abs(values[i] - median);
    }
    return MAD_SCALE * median(d, n);
  }

  /** The mean; NaN when empty. */
  public static double mean(double[] values, int n) {
    if (n == 0) {
      return Double.NaN;
    }
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += values[i];
    }
    return s / n;
  }

  /** The sample standard deviation (n − 1); 0 for one value, NaN when empty. */
  public static double sd(double[] values, int n, double mean) {
    if (n == 0) {
      return Double.NaN;
    }
    if (n == 1) {
      return 0;
    }
    double s = 0;
    for (int i = 0; i < n; i++) {
      double d = values[i] - mean;
      s += d * d;
    }
    return Math.sqrt(s / (n - 1));
  }
}
