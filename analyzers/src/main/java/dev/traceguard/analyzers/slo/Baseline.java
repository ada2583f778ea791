package dev.traceguard.analyzers.slo;

import java.util.Arrays;

/**
 * The learned baseline of one per-step quantity (a p95, an error ratio…).
 *
 * @param n steps with a value
 * @param trimmed values left out of mean and σ as outliers (further than {@code trim} MADs from the median)
 * @param mean mean of the values kept
 * @param sd standard deviation of the values kept
 * @param median median of all values
 * @param mad median absolute deviation, scaled by 1.4826 so it estimates σ for normal data
 * @param p50 50th percentile of the per-step values
 * @param p95 95th percentile of the per-step values
 * @param p99 99th percentile of the per-step values
 * @param meanLow mean − k·σ (not below zero when no value is negative)
 * @param meanHigh mean + k·σ
 * @param madLow median − k·MAD (not below zero when no value is negative)
 * @param madHigh median + k·MAD
 * @param bucketWidth for latency: the width of the histogram bucket the median falls in; NaN otherwise
 * @param hourOfDay median per UTC hour of day (NaN for hours without data), or null when the history covers
 *     fewer than two days
 * @param dayOfWeek median per UTC day of week, Monday first, or null when the history covers fewer than two weeks
 */
public record Baseline(
    int n,
    int trimmed,
    double mean,
    double sd,
    double median,
    double mad,
    double p50,
    double p95,
    double p99,
    double meanLow,
    double meanHigh,
    double madLow,
    double madHigh,
    double bucketWidth,
    double[] hourOfDay,
    double[] dayOfWeek) {

  /**
   * The baseline of {@code values} at {@code times} (ms).
   *
   * @param spanMs the history's length, which decides whether seasonality is computed
   */
  public static Baseline of(double[] values, long[] times, int n, double k, double trim, long spanMs, double[] bounds) {
    double[] sorted = Arrays.copyOf(values, n);
    Arrays.sort(sorted);
    double median = Stats.quantileSorted(sorted, n, 0.5);
    double mad = Stats.mad(values, n, median);
    double[] kept = new double[n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      if (!(mad > 0) || Math.abs(values[i] - median) <= trim * mad) {
        kept[m++] = values[i];
      }
    }
    double mean = Stats.mean(kept, m);
    double sd = Stats.sd(kept, m, mean);
    double width = bounds == null ? Double.NaN : HistogramQuantile.bucketWidth(median, bounds);
    double[] hours = spanMs >= 2 * 86_400_000L ? seasonal(values, times, n, 24, 3_600_000L, 0) : null;
    // The epoch began on a Thursday: shift by 3 days so index 0 is Monday.
    double[] days = spanMs >= 14 * 86_400_000L ? seasonal(values, times, n, 7, 86_400_000L, 3) : null;
    // Latencies and ratios are never negative: a band reaching below zero is cut at zero.
    double floor = sorted.length > 0 && sorted[0] >= 0 ? 0 : Double.NEGATIVE_INFINITY;
    return new Baseline(n, n - m, mean, sd, median, mad,
        Stats.quantileSorted(sorted, n, 0.5), Stats.quantileSorted(sorted, n, 0.95), Stats.quantileSorted(sorted, n, 0.99),
        Math.max(floor, mean - k * sd), mean + k * sd, Math.max(floor, median - k * mad), median + k * mad, width, hours,
        days);
  }

  private static double[] seasonal(double[] values, long[] times, int n, int slots, long slotMs, int shift) {
    double[][] per = new double[slots][];
    int[] count = new int[slots];
    for (int i = 0; i < n; i++) {
      int s = (int) Math.floorMod(Math.floorDiv(times[i], slotMs) + shift, (long) slots);
      if (per[s] == null) {
        per[s] = new double[16];
      } else if (count[s] == per[s].length) {
        per[s] = Arrays.copyOf(per[s], count[s] * 2);
      }
      per[s][count[s]++] = values[i];
    }
    double[] out = new double[slots];
    for (int s = 0; s < slots; s++) {
      out[s] = count[s] == 0 ? Double.NaN : Stats.median(per[s], count[s]);
    }
    return out;
  }

  /** Relative size of the seasonal swing: (max − min) of the hourly medians over the median; NaN when none. */
  public double hourlySwing() {
    if (hourOfDay == null || !(median != 0)) {
      return Double.NaN;
    }
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double h : hourOfDay) {
      if (!Double.isNaN(h)) {
        lo = Math.min(lo, h);
        hi = Math.max(hi, h);
      }
    }
    return hi < lo ? Double.NaN : (hi - lo) / Math.abs(median);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Baseline b && n == b.n && trimmed == b.trimmed && Double.compare(mean, b.mean) == 0
        && Double.compare(sd, b.sd) == 0 && Double.compare(median, b.median) == 0 && Double.compare(mad, b.mad) == 0
        && Double.compare(p95, b.p95) == 0 && Arrays.equals(hourOfDay, b.hourOfDay) && Arrays.equals(dayOfWeek, b.dayOfWeek);
  }

  @Override
  public int hashCode() {
    return Double.hashCode(median) * 31 + n;
  }

  @Override
  public String toString() {
    return "Baseline[n=" + n + ", median=" + median + ", mad=" + mad + ", mean=" + mean + ", sd=" + sd + "]";
  }
}
