package dev.traceguard.analyzers.oom;

import dev.traceguard.analyzers.model.MetricSeries;
import java.util.Arrays;

/**
 * A series' timed points as sorted arrays (points without a timestamp dropped), scaled to a common
 * unit. Immutable; the model's series are never reordered.
 */
final class Timeline {
  static final Timeline EMPTY = new Timeline(new long[0], new double[0]);

  final long[] t;
  final double[] v;

  Timeline(long[] t, double[] v) {
    this.t = t;
    this.v = v;
  }

  /** The points of {@code s} with a timestamp and a finite value, sorted by time, times {@code scale}. */
  static Timeline of(MetricSeries s, double scale) {
    int n = s.size();
    long[] t = new long[n];
    double[] v = new double[n];
    int k = 0;
    boolean sorted = true;
    for (int i = 0; i < n; i++) {
      long ti = s.time(i);
      double vi = s.value(i);
      if (ti == MetricSeries.NO_TIMESTAMP || !Double.isFinite(vi)) {
        continue;
      }
      if (k > 0 && ti < t[k - 1]) {
        sorted = false;
      }
      t[k] = ti;
      v[k] = vi * scale;
      k++;
    }
    t = Arrays.copyOf(t, k);
    v = Arrays.copyOf(v, k);
    if (!sorted) {
      Integer[] order = new Integer[k];
      for (int i = 0; i < k; i++) {
        order[i] = i;
      }
      long[] tt = t;
      Arrays.sort(order, (a, b) -> Long.compare(tt[a], tt[b]));
      long[] t2 = new long[k];
      double[] v2 = new double[k];
      for (int i = 0; i < k; i++) {
        t2[i] = t[order[i]];
        v2[i] = v[order[i]];
      }
      t = t2;
      v = v2;
    }
    return new Timeline(t, v);
  }

  int size() {
    return t.length;
  }

  boolean isEmpty() {
    return t.length == 0;
  }

  long first() {
    return t[0];
  }

  long last() {
    return t[t.length - 1];
  }

  /** Index of the last point at or before {@code time}, or -1. */
  int indexAtOrBefore(long time) {
    int i = Arrays.binarySearch(t, time);
    if (i >= 0) {
      while (i + 1 < t.length && t[i + 1] == time) {
        i++;
      }
      return i;
    }
    return -i - 2;
  }

  /** Index of the first point at or after {@code time}, or size() when none. */
  int indexAtOrAfter(long time) {
    int i = Arrays.binarySearch(t, time);
    if (i >= 0) {
      while (i > 0 && t[i - 1] == time) {
        i--;
      }
      return i;
    }
    return -i - 1;
  }

  /** The last value at or before {@code time}, or NaN. */
  double valueAt(long time) {
    int i = indexAtOrBefore(time);
    return i < 0 ? Double.NaN : v[i];
  }

  /** The points in {@code [from, to]}. */
  Timeline slice(long from, long to) {
    int a = indexAtOrAfter(from);
    int b = indexAtOrBefore(to) + 1;
    if (b <= a) {
      return EMPTY;
    }
    return new Timeline(Arrays.copyOfRange(t, a, b), Arrays.copyOfRange(v, a, b));
  }

  /** Values at the given times (last at or before each; NaN before the first point). */
  double[] sampleAt(long[] times) {
    double[] out = new double[times.length];
    int j = -1;
    for (int i = 0; i < times.length; i++) {
      while (j + 1 < t.length && t[j + 1] <= times[i]) {
        j++;
      }
      out[i] = j < 0 ? Double.NaN : v[j];
    }
    return out;
  }

  /** Point-wise sum of timelines over the union of their times (each held at its last value). */
  static Timeline sum(java.util.List<Timeline> parts) {
    if (parts.isEmpty()) {
      return EMPTY;
    }
    if (parts.size() == 1) {
      return parts.get(0);
    }
    long[] all = parts.stream().flatMapToLong(p -> Arrays.stream(p.t)).sorted().distinct().toArray();
    double[] sum = new double[all.length];
    boolean[] valid = new boolean[all.length];
    Arrays.fill(valid, true);
    for (Timeline p : parts) {
      double[] s = p.sampleAt(all);
      for (int i = 0; i < all.length; i++) {
        if (Double.isNaN(s[i])) {
          valid[i] = false;
        } else {
          sum[i] += s[i];
        }
      }
    }
    int k = 0;
    for (int i = 0; i < all.length; i++) {
      if (valid[i]) {
        all[k] = all[i];
        sum[k] = sum[i];
        k++;
      }
    }
    return new Timeline(Arrays.copyOf(all, k), Arrays.copyOf(sum, k));
  }

  /** This minus {@code other}, at this timeline's times. */
  Timeline minus(Timeline other) {
    double[] o = other.sampleAt(t);
    double[] d = new double[t.length];
    for (int i = 0; i < t.length; i++) {
      d[i] = v[i] - (Double.isNaN(o[i]) ? 0 : o[i]);
    }
    return new Timeline(t, d);
  }

  /**
   * The series cut into at most {@code buckets} consecutive runs of equal point count; per run its
   * time (the run's middle point) and its minimum ({@code min = true}) or maximum. Troughs (minima)
   * show what stays when load and garbage come and go; peaks what a limit sees.
   */
  Timeline extremes(int buckets, boolean min) {
    int n = t.length;
    if (n == 0) {
      return EMPTY;
    }
    int b = Math.max(1, Math.min(buckets, n / 3));
    long[] bt = new long[b];
    double[] bv = new double[b];
    for (int k = 0; k < b; k++) {
      int from = (int) ((long) k * n / b);
      int to = (int) ((long) (k + 1) * n / b);
      double e = v[from];
      for (int i = from + 1; i < to; i++) {
        e = min ? Math.min(e, v[i]) : Math.max(e, v[i]);
      }
      bt[k] = t[(from + to - 1) / 2];
      bv[k] = e;
    }
    return new Timeline(bt, bv);
  }

  /** At most {@code max} points: bucket means when longer. */
  Timeline thin(int max) {
    int n = t.length;
    if (n <= max) {
      return this;
    }
    long[] bt = new long[max];
    double[] bv = new double[max];
    for (int k = 0; k < max; k++) {
      int from = (int) ((long) k * n / max);
      int to = (int) ((long) (k + 1) * n / max);
      double s = 0;
      for (int i = from; i < to; i++) {
        s += v[i];
      }
      bt[k] = t[(from + to - 1) / 2];
      bv[k] = s / (to - from);
    }
    return new Timeline(bt, bv);
  }

  /** Times in hours relative to {@code origin}, for fitting. */
  double[] hours(long origin) {
    double[] h = new double[t.length];
    for (int i = 0; i < t.length; i++) {
      h[i] = (t[i] - origin) / 3.6e12;
    }
    return h;
  }

  double max() {
    double m = Double.NEGATIVE_INFINITY;
    for (double x : v) {
      m = Math.max(m, x);
    }
    return m;
  }

  /** Rate per second of a counter between consecutive points (resets read as a restart from 0). */
  Timeline rate() {
    int n = t.length;
    if (n < 2) {
      return EMPTY;
    }
    long[] rt = new long[n - 1];
    double[] rv = new double[n - 1];
    for (int i = 1; i < n; i++) {
      double d = v[i] - v[i - 1];
      if (d < 0) {
        d = v[i];
      }
      double dt = (t[i] - t[i - 1]) / 1e9;
      rt[i - 1] = t[i];
      rv[i - 1] = dt > 0 ? d / dt : 0;
    }
    return new Timeline(rt, rv);
  }
}
