package dev.traceguard.analyzers.slo;

/**
 * Prometheus' {@code rate()} and {@code increase()} over one counter series, as Prometheus 2.x
 * computes them ({@code extrapolatedRate} in {@code promql/functions.go}): a range {@code [t - w,
 * t]} takes the samples with timestamps (milliseconds) inside it, both ends included; any decrease
 * counts as a counter reset; the increase seen between the first and last sample is extrapolated
 * to the range edges when the gap to an edge is below 1.1 times the average sample interval
 * (otherwise by half an interval), and never back past the counter's zero point.
 */
public final class PromRate {
  private PromRate() {}

  /**
   * The extrapolated increase of the samples {@code [from, to)} over the range
   * {@code [rangeStartMs, rangeEndMs]}, or NaN when fewer than two samples.
   *
   * @param t sample times, ms, ascending
   * @param v sample values
   * @param from first sample index inside the range
   * @param to one past the last sample index inside the range
   */
  public static double increase(long[] t, double[] v, int from, int to, long rangeStartMs, long rangeEndMs) {
    if (to - from < 2) {
      return Double.NaN;
    }
    double first = v[from];
    double last = v[to - 1];
    double result = last - first;
    double prev = first;
    for (int i = from + 1; i < to; i++) {
      double cur = v[i];
      if (cur < prev) {
        result += prev;
      }
      prev = cur;
    }
    double durationToStart = (t[from] - rangeStartMs) / 1000.0;
    double durationToEnd = (rangeEndMs - t[to - 1]) / 1000.0;
    double sampledInterval = (t[to - 1] - t[from]) / 1000.0;
    double averageBetween = sampledInterval / (to - from - 1);
    if (result > 0 && first >= 0) {
      double durationToZero = sampledInterval * (first / result);
      if (durationToZero < durationToStart) {
        durationToStart = durationToZero;
      }
    }
    double threshold = averageBetween * 1.1;
    double extrapolateTo = sampledInterval;
    extrapolateTo += durationToStart < threshold ? durationToStart : averageBetween / 2;
    extrapolateTo += durationToEnd < threshold ? durationToEnd : averageBetween / 2;
    return result * (extrapolateTo / sampledInterval);
  }

  /** {@code rate()}: {@link #increase} divided by the range length in seconds. */
  public static double rate(long[] t, double[] v, int from, int to, long rangeStartMs, long rangeEndMs) {
    return increase(t, v, from, to, rangeStartMs, rangeEndMs) / ((rangeEndMs - rangeStartMs) / 1000.0);
  }

  /**
   * {@code rate(x[window])} evaluated at every step of a grid: steps {@code k} with times {@code k
   * * stepMs} for k in {@code [firstStep, firstStep + out.length)}. Samples must be sorted by time
   * and hold no NaN. Steps with fewer than two samples in range get NaN (Prometheus returns no
   * point there).
   */
  public static void rates(long[] t, double[] v, int n, long windowMs, long stepMs, long firstStep, double[] out) {
    int lo = 0;
    int hi = 0;
    double seconds = windowMs / 1000.0;
    for (int k = 0; k < out.length; k++) {
      long end = (firstStep + k) * stepMs;
      long start = end - windowMs;
      while (lo < n && t[lo] < start) {
        lo++;
      }
      if (hi < lo) {
        hi = lo;
      }
      while (hi < n && t[hi] <= end) {
        hi++;
      }
      out[k] = increase(t, v, lo, hi, start, end) / seconds;
    }
  }
}
