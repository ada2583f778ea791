package dev.traceguard.analyzers.slo;

/**
 * Prometheus' {@code histogram_quantile} over classic cumulative buckets, as Prometheus 2.x
 * computes it ({@code bucketQuantile} in {@code promql/quantile.go}): buckets sorted by upper
 * bound, the last one must be {@code +Inf}; counts are made monotonic; the quantile is linearly
 * interpolated inside its bucket, the lowest bucket starting at 0 (when its bound is positive);
 * a quantile that falls into the {@code +Inf} bucket is the highest finite bound.
 */
public final class HistogramQuantile {
  private HistogramQuantile() {}

  /**
   * The {@code q} quantile; NaN when there are fewer than two buckets, no {@code +Inf} bucket,
   * or no observations.
   *
   * @param q the quantile, 0 to 1
   * @param bounds upper bounds, ascending, distinct
   * @param counts cumulative counts (or rates) per bound; not modified
   */
  public static double quantile(double q, double[] bounds, double[] counts) {
    if (Double.isNaN(q)) {
      return Double.NaN;
    }
    if (q < 0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (q > 1) {
      return Double.POSITIVE_INFINITY;
    }
    int n = bounds.length;
    if (n < 2 || bounds[n - 1] != Double.POSITIVE_INFINITY) {
      return Double.NaN;
    }
    double[] c = monotonic(counts);
    double observations = c[n - 1];
    if (observations == 0 || Double.isNaN(observations)) {
      return Double.NaN;
    }
    double rank = q * observations;
    // The first bucket among all but the last whose count reaches the rank (sort.Search).
    int b = 0;
    while (b < n - 1 && !(c[b] >= rank)) {
      b++;
    }
    if (b == n - 1) {
      return bounds[n - 2];
    }
    if (b == 0 && bounds[0] <= 0) {
      return bounds[0];
    }
    double start = 0;
    double end = bounds[b];
    double count = c[b];
    if (b > 0) {
      start = bounds[b - 1];
      count -= c[b - 1];
      rank -= c[b - 1];
    }
    return start + (end - start) * (rank / count);
  }

  /**
   * The width of the bucket the value {@code x} falls in (0 to the lowest bound for the lowest
   * bucket); NaN for values above the highest finite bound or NaN.
   */
  public static double bucketWidth(double x, double[] bounds) {
    if (Double.isNaN(x)) {
      return Double.NaN;
    }
    double lower = 0;
    for (double b : bounds) {
      if (b == Double.POSITIVE_INFINITY) {
        // A value equal to the highest finite bound came from the +Inf bucket or its own.
        return Double.NaN;
      }
      if (x <= b) {
        return b - Math.min(lower, b);
      }
      lower = b;
    }
    return Double.NaN;
  }

  /**
   * The share of observations at or below {@code x}: exact at a bucket bound, otherwise
   * interpolated linearly inside the bucket as {@link #quantile} does. NaN without observations.
   */
  public static double fractionBelow(double x, double[] bounds, double[] counts) {
    int n = bounds.length;
    if (n < 1 || bounds[n - 1] != Double.POSITIVE_INFINITY) {
      return Double.NaN;
    }
    double[] c = monotonic(counts);
    double total = c[n - 1];
    if (total == 0 || Double.isNaN(total)) {
      return Double.NaN;
    }
    double lower = 0;
    double below = 0;
    for (int i = 0; i < n; i++) {
      if (x == bounds[i]) {
        return c[i] / total;
      }
      if (x < bounds[i]) {
        if (bounds[i] == Double.POSITIVE_INFINITY) {
          return below / total;
        }
        double start = Math.min(lower, bounds[i]);
        if (x <= start) {
          return below / total;
        }
        return (below + (c[i] - below) * (x - start) / (bounds[i] - start)) / total;
      }
      lower = bounds[i];
      below = c[i];
    }
    return 1;
  }

  /** True when {@code x} is one of the finite bounds, so a rule can select it exactly. */
  public static boolean isBound(double x, double[] bounds) {
    for (double b : bounds) {
      if (b == x) {
        return true;
      }
    }
    return false;
  }

  private static double[] monotonic(double[] counts) {
    double[] c = counts.clone();
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < c.length; i++) {
      if (c[i] > max) {
        max = c[i];
      } else if (c[i] < max) {
        c[i] = max;
      }
    }
    return c;
  }
}
