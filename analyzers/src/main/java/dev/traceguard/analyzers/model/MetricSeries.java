package dev.traceguard.analyzers.model;

import java.util.Arrays;

/**
 * One time series: a sample name with its labels and points in the order they were read. A
 * classic histogram family {@code x} has series {@code x_bucket} (one per {@code le}), {@code
 * x_sum} and {@code x_count}, however it was read (OTLP histograms are stored the same way).
 */
public final class MetricSeries {
  /** Timestamp of a point that had none (a plain scrape). */
  public static final long NO_TIMESTAMP = Long.MIN_VALUE;

  private final String name;
  private final Labels labels;
  private MetricFamily family;
  private final Resource resource;
  private final int input;
  private final long line;
  private long[] times = new long[2];
  private double[] values = new double[2];
  /** Start times (OTLP {@code startTimeUnixNano}); null until a point carries one. */
  private long[] starts;
  private int size;

  MetricSeries(String name, Labels labels, MetricFamily family, Resource resource, int input, long line) {
    this.name = name;
    this.labels = labels;
    this.family = family;
    this.resource = resource;
    this.input = input;
    this.line = line;
  }

  /** Sample name, e.g. {@code http_request_duration_seconds_bucket}. */
  public String name() {
    return name;
  }

  /** Labels, without {@code __name__}. */
  public Labels labels() {
    return labels;
  }

  /** The family this series belongs to. */
  public MetricFamily family() {
    return family;
  }

  void family(MetricFamily f) {
    this.family = f;
  }

  /** Producing resource (OTLP), or {@link Resource#EMPTY}. */
  public Resource resource() {
    return resource;
  }

  /** Index of the input where the series was first read. */
  public int input() {
    return input;
  }

  /** Line where the series was first read. */
  public long line() {
    return line;
  }

  /** Number of points. */
  public int size() {
    return size;
  }

  /** Time of point {@code i}, ns since the epoch, or {@link #NO_TIMESTAMP}. */
  public long time(int i) {
    return times[i];
  }

  /** Value of point {@code i}. */
  public double value(int i) {
    return values[i];
  }

  /**
   * Start time of point {@code i} in ns since the epoch: when the cumulative value it belongs to
   * began counting (OTLP {@code startTimeUnixNano}), or 0 when not known. A new start time on a
   * counter means it was reset on purpose (a restart, or delta temporality).
   */
  public long startTime(int i) {
    return starts == null ? 0 : starts[i];
  }

  /** Appends a point. */
  public void add(long timeUnixNano, double value) {
    add(timeUnixNano, 0, value);
  }

  /** Appends a point with its start time ({@code 0} when not known). */
  public void add(long timeUnixNano, long startTimeUnixNano, double value) {
    if (size == times.length) {
      times = Arrays.copyOf(times, size * 2);
      values = Arrays.copyOf(values, size * 2);
      if (starts != null) {
        starts = Arrays.copyOf(starts, size * 2);
      }
    }
    if (startTimeUnixNano != 0 && starts == null) {
      // Allocated only for inputs that carry start times, so Prometheus series pay nothing.
      starts = new long[times.length];
    }
    times[size] = timeUnixNano;
    values[size] = value;
    if (starts != null) {
      starts[size] = startTimeUnixNano;
    }
    size++;
  }

  /** Sorts points by time (stable; points without time keep their place at the front). */
  public void sortByTime() {
    for (int i = 1; i < size; i++) {
      if (times[i] < times[i - 1]) {
        Integer[] order = new Integer[size];
        for (int k = 0; k < size; k++) {
          order[k] = k;
        }
        Arrays.sort(order, (a, b) -> Long.compare(times[a], times[b]));
        long[] t = new long[times.length];
        double[] v = new double[values.length];
        long[] st = starts == null ? null : new long[starts.length];
        for (int k = 0; k < size; k++) {
          t[k] = times[order[k]];
          v[k] = values[order[k]];
          if (st != null) {
            st[k] = starts[order[k]];
          }
        }
        times = t;
        values = v;
        starts = st;
        return;
      }
    }
  }

  @Override
  public String toString() {
    return name + labels;
  }
}
