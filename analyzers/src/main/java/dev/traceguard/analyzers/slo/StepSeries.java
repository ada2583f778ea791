package dev.traceguard.analyzers.slo;

import java.util.Arrays;

/**
 * Values on the evaluation grid: step {@code k} is the instant {@code k * step} ms since the epoch.
 * NaN marks a step without a value (Prometheus returns no point there). Sums skip missing values
 * as PromQL's {@code sum} skips absent series.
 */
public final class StepSeries {
  private long first;
  private double[] values;

  /** An empty series. */
  public StepSeries() {
    this.first = 0;
    this.values = new double[0];
  }

  /** A series holding {@code values} from step {@code first}. */
  public StepSeries(long first, double[] values) {
    this.first = first;
    this.values = values;
  }

  /** First step held. */
  public long first() {
    return first;
  }

  /** One past the last step held. */
  public long end() {
    return first + values.length;
  }

  /** The value at step {@code k}, NaN when none. */
  public double at(long k) {
    long i = k - first;
    return i < 0 || i >= values.length ? Double.NaN : values[(int) i];
  }

  /** Sets the value at step {@code k}. */
  public void set(long k, double v) {
    cover(k, k + 1);
    values[(int) (k - first)] = v;
  }

  /** Adds {@code v} at step {@code k}; a missing value counts as absent, not zero. */
  public void add(long k, double v) {
    if (Double.isNaN(v)) {
      return;
    }
    cover(k, k + 1);
    int i = (int) (k - first);
    values[i] = Double.isNaN(values[i]) ? v : values[i] + v;
  }

  /** Adds every value of {@code other}. */
  public void addAll(StepSeries other) {
    if (other.values.length == 0) {
      return;
    }
    cover(other.first, other.end());
    for (int i = 0; i < other.values.length; i++) {
      add(other.first + i, other.values[i]);
    }
  }

  private void cover(long from, long to) {
    if (values.length == 0) {
      first = from;
      values = new double[(int) (to - from)];
      Arrays.fill(values, Double.NaN);
      return;
    }
    long nf = Math.min(first, from);
    long ne = Math.max(end(), to);
    if (nf == first && ne == end()) {
      return;
    }
    double[] v = new double[(int) (ne - nf)];
    Arrays.fill(v, Double.NaN);
    System.arraycopy(values, 0, v, (int) (first - nf), values.length);
    first = nf;
    values = v;
  }
}
