package dev.traceguard.analyzers.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** All metric series read, keyed by sample name, labels and resource. */
public final class MetricStore {
  /** More distinct series than this is treated as hostile input. */
  public static final int DEFAULT_MAX_SERIES = 2_000_000;

  private final Map<Key, MetricSeries> series = new LinkedHashMap<>();
  private final Map<String, MetricFamily> families = new HashMap<>();
  /** Families that series refer to while nothing has been declared about them. */
  private final Set<String> undeclaredInUse = new HashSet<>();
  private final int maxSeries;
  private long samples;
  private PointSink sink;

  /**
   * Receives points instead of the series keeping them, for consumers that process a series
   * as it is read (a 7-day history of thousands of series does not fit in memory as points).
   */
  @FunctionalInterface
  public interface PointSink {
    /** One point of {@code series}, in input order. */
    void point(MetricSeries series, long timeUnixNano, double value);
  }

  /** Sends every point added from now on to {@code sink} instead of its series (null: keep them again). */
  public void pointSink(PointSink sink) {
    this.sink = sink;
  }

  /** A store that holds at most {@link #DEFAULT_MAX_SERIES} series. */
  public MetricStore() {
    this(DEFAULT_MAX_SERIES);
  }

  /** A store that holds at most {@code maxSeries} series. */
  public MetricStore(int maxSeries) {
    this.maxSeries = maxSeries;
  }

  private record Key(String name, Labels labels, Resource resource) {
    // equals and hashCode are written out: a record's own are bootstrapped through method handles on
    // first use, tens of milliseconds of a short command such as a one-snapshot profile.
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && name.equals(k.name) && labels.equals(k.labels) && resource.equals(k.resource);
    }

    @Override
    public int hashCode() {
      return (name.hashCode() * 31 + labels.hashCode()) * 31 + resource.hashCode();
    }
  }

  /**
   * Records what is known about a family. A declared type replaces {@link MetricType#UNKNOWN};
   * series already read are updated.
   */
  public void declare(MetricFamily family) {
    MetricFamily old = families.get(family.name());
    if (old != null && old.equals(family)) {
      return;
    }
    if (old != null) {
      family =
          new MetricFamily(
              family.name(),
              family.type() == MetricType.UNKNOWN ? old.type() : family.type(),
              family.unit().isEmpty() ? old.unit() : family.unit(),
              family.help().isEmpty() ? old.help() : family.help());
    }
    families.put(family.name(), family);
    if (old == null && !undeclaredInUse.remove(family.name())) {
      // No series refers to a family never seen before: skip the scan, or declaring n families
      // over n series takes n^2 steps (minutes for 100k families).
      return;
    }
    for (MetricSeries s : series.values()) {
      if (s.family().name().equals(family.name())) {
        s.family(family);
      }
    }
  }

  /** The family of that name, or one with type unknown. */
  public MetricFamily family(String name) {
    MetricFamily f = families.get(name);
    return f == null ? MetricFamily.unknown(name) : f;
  }

  /** Every declared family. */
  public Collection<MetricFamily> families() {
    return Collections.unmodifiableCollection(families.values());
  }

  /**
   * The series for a sample name and labels, created when new.
   *
   * @param family family name (the sample name without {@code _bucket}, {@code _total}…)
   * @param name sample name
   * @param labels labels without {@code __name__}
   * @param resource producing resource, or {@link Resource#EMPTY}
   * @param input index of the input being read
   * @param line line being read
   * @return the series, or null when the store already holds its maximum number of series
   */
  public MetricSeries series(
      String family, String name, Labels labels, Resource resource, int input, long line) {
    Key k = new Key(name, labels, Objects.requireNonNull(resource));
    MetricSeries s = series.get(k);
    if (s == null) {
      if (series.size() >= maxSeries) {
        return null;
      }
      if (!families.containsKey(family)) {
        undeclaredInUse.add(family);
      }
      s = new MetricSeries(name, labels, family(family), resource, input, line);
      series.put(k, s);
    }
    return s;
  }

  /** Appends a point to a series, counting it. */
  public void add(MetricSeries s, long timeUnixNano, double value) {
    if (sink != null) {
      sink.point(s, timeUnixNano, value);
    } else {
      s.add(timeUnixNano, value);
    }
    samples++;
  }

  /** Appends a point with its start time (OTLP {@code startTimeUnixNano}, 0 if none), counting it. */
  public void add(MetricSeries s, long timeUnixNano, long startTimeUnixNano, double value) {
    s.add(timeUnixNano, startTimeUnixNano, value);
    samples++;
  }

  /** Every series in the order first read. */
  public Collection<MetricSeries> series() {
    return Collections.unmodifiableCollection(series.values());
  }

  /** Series whose sample name is {@code name}. */
  public List<MetricSeries> seriesNamed(String name) {
    List<MetricSeries> out = new ArrayList<>();
    for (MetricSeries s : series.values()) {
      if (s.name().equals(name)) {
        out.add(s);
      }
    }
    return out;
  }

  /** Number of series. */
  public int seriesCount() {
    return series.size();
  }

  /** Number of points in all series. */
  public long sampleCount() {
    return samples;
  }
}
