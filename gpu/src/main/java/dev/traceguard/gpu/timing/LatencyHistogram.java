package dev.traceguard.gpu.timing;

/**
 * Durations in nanoseconds in fixed memory: 64 linear sub-buckets per power of two (relative
 * error under 1.6%), from 1 ns to 2^40 ns (about 18 minutes); longer values land in the last
 * bucket. Not thread-safe; {@link LaunchTimer} guards it.
 */
public final class LatencyHistogram {
  private static final int SUB_BITS = 6;
  private static final int SUB = 1 << SUB_BITS;
  private static final int MAX_EXP = 40;
  private final long[] counts = new long[(MAX_EXP - SUB_BITS + 2) * SUB];
  private long count;
  private long total;
  private long max;
  private long min = Long.MAX_VALUE;

  /** An empty histogram. */
  public LatencyHistogram() {}

  static int index(long v) {
    if (v < SUB) {
      return (int) Math.max(0, v);
    }
    int exp = 63 - Long.numberOfLeadingZeros(v);
    if (exp > MAX_EXP) {
      return (MAX_EXP - SUB_BITS + 2) * SUB - 1;
    }
    int shift = exp - SUB_BITS;
    int sub = (int) (v >>> shift) - SUB;
    return (shift + 1) * SUB + sub;
  }

  static long lowerBound(int index) {
    if (index < SUB) {
      return index;
    }
    int shift = index / SUB - 1;
    int sub = index % SUB;
    return (long) (SUB + sub) << shift;
  }

  static long upperBound(int index) {
    if (index < SUB) {
      return index;
    }
    int shift = index / SUB - 1;
    return lowerBound(index) + (1L << shift) - 1;
  }

  /** Adds one duration. */
  public void record(long nanos) {
    long v = Math.max(0, nanos);
    counts[index(v)]++;
    count++;
    total += v;
    max = Math.max(max, v);
    min = Math.min(min, v);
  }

  /** Values recorded. */
  public long count() {
    return count;
  }

  /** Sum of the values. */
  public long total() {
    return total;
  }

  /** Largest value, 0 when empty. */
  public long max() {
    return max;
  }

  /** Smallest value, 0 when empty. */
  public long min() {
    return count == 0 ? 0 : min;
  }

  /**
   * The value at quantile {@code q} (0..1): the midpoint of the bucket holding the rank, clamped
   * to the recorded min and max; 0 when empty.
   */
  public long quantile(double q) {
    if (count == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(q * count));
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        if (i == counts.length - 1) {
          return max;
        }
        long mid = (lowerBound(i) + upperBound(i)) / 2;
        return Math.max(min(), Math.min(max, mid));
      }
    }
    return max;
  }
}
