package dev.traceguard.analyzers.metrics;

import dev.traceguard.analyzers.FindingSink;
import dev.traceguard.analyzers.model.Labels;
import dev.traceguard.analyzers.model.MetricSeries;
import dev.traceguard.analyzers.model.MetricType;
import dev.traceguard.analyzers.model.Resource;
import dev.traceguard.analyzers.report.Finding;
import dev.traceguard.analyzers.report.Severity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code counter-reset}: a counter that goes down while nothing says its process restarted.
 *
 * <p>Restart signals, any of which explains a decrease between two points at {@code tp} and
 * {@code tc}: the series' own start time (OTLP {@code startTimeUnixNano}) changed or lies after
 * {@code tp}; its OpenMetrics {@code _created} series changed or announces a start in {@code (tp,
 * tc]}; the target's {@code process_start_time_seconds} did the same; the target's {@code up} was
 * 0 in between. A target is the series' resource plus its {@code job} and {@code instance} labels.
 * Points without timestamps (plain scrapes) are compared in the order read, and a restart signal
 * then is any change of the start-time series at all.
 *
 * <p>The members of one histogram ({@code _bucket} per {@code le}, {@code _count}) reset together,
 * so they give one finding, about {@code _count} when it is among them.
 */
final class CounterResets {
  static final String RULE = "counter-reset";
  private static final long SLACK_NS = 1_000_000_000L;
  private static final int LISTED_RESETS = 10;

  private record Target(Resource resource, String job, String instance) {}

  private record SeriesKey(Resource resource, String name, Labels labels) {}

  private record GroupKey(Resource resource, String metric, Labels labels) {}

  private record Reset(long previousTime, long time, double before, double after) {}

  private static final class Group {
    MetricSeries shown;
    List<Reset> resets;
    int seriesWithResets;
  }

  private final Map<Target, List<MetricSeries>> processStarts = new HashMap<>();
  private final Map<Target, List<MetricSeries>> ups = new HashMap<>();
  private final Map<SeriesKey, MetricSeries> created = new HashMap<>();
  private final Set<String> names = new HashSet<>();
  private final Map<GroupKey, Group> groups = new LinkedHashMap<>();
  private final Map<MetricSeries, Signal> signals = new java.util.IdentityHashMap<>();
  private long countersChecked;

  /** First pass: remembers the series that carry restart signals. */
  void index(MetricSeries s) {
    String n = s.name();
    names.add(n);
    if (n.equals("process_start_time_seconds")) {
      processStarts.computeIfAbsent(target(s), k -> new ArrayList<>(1)).add(s);
    } else if (n.equals("up")) {
      ups.computeIfAbsent(target(s), k -> new ArrayList<>(1)).add(s);
    } else if (n.endsWith("_created") && s.family().type() != MetricType.GAUGE) {
      // A gauge that happens to be named *_created is a value, not a start time.
      created.put(new SeriesKey(s.resource(), n, s.labels()), s);
    }
  }

  /** Second pass: checks one series when it is a counter. */
  void check(MetricSeries s) {
    if (!isCounter(s) || s.size() < 2) {
      return;
    }
    countersChecked++;
    int[] order = timeOrder(s);
    List<Reset> found = null;
    int prev = -1;
    for (int k = 0; k < s.size(); k++) {
      int i = order == null ? k : order[k];
      double v = s.value(i);
      if (Double.isNaN(v)) {
        continue; // a staleness marker or a missing value: no point to compare
      }
      if (prev >= 0) {
        double before = s.value(prev);
        long tp = s.time(prev);
        long tc = s.time(i);
        boolean sameTime = tp == tc && tc != MetricSeries.NO_TIMESTAMP;
        if (v < before && before - v > 1e-9 * Math.abs(before) && !sameTime && !restarted(s, prev, i)) {
          if (found == null) {
            found = new ArrayList<>(2);
          }
          found.add(new Reset(tp, tc, before, v));
        }
      }
      prev = i;
    }
    if (found == null) {
      return;
    }
    String name = s.name();
    String base = base(s);
    GroupKey key = new GroupKey(s.resource(), base, s.labels().without("le"));
    Group g = groups.computeIfAbsent(key, k -> new Group());
    g.seriesWithResets++;
    if (g.shown == null || name.endsWith("_count") && !g.shown.name().endsWith("_count")) {
      g.shown = s;
      g.resets = found;
    }
  }

  /** Reports one finding per counter (or histogram) with unexplained decreases. */
  void report(FindingSink out) {
    out.stat("counterSeries", countersChecked);
    for (Group g : groups.values()) {
      MetricSeries s = g.shown;
      Reset first = g.resets.get(0);
      List<Map<String, Object>> listed = new ArrayList<>();
      for (Reset r : g.resets.subList(0, Math.min(LISTED_RESETS, g.resets.size()))) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("previousTime", MetricNames.time(r.previousTime()));
        m.put("time", MetricNames.time(r.time()));
        m.put("before", r.before());
        m.put("after", r.after());
        listed.add(m);
      }
      List<String> signals = signalsSeen(s);
      String when = first.time() == MetricSeries.NO_TIMESTAMP
          ? "between two scrapes"
          : "at " + MetricNames.time(first.time());
      String more = g.resets.size() > 1 ? " (and " + (g.resets.size() - 1) + " more times)" : "";
      Finding.Builder f = Finding.builder(MetricsAnalyzer.NAME, RULE, Severity.ERROR)
          .message("counter " + s.name() + s.labels() + " fell from " + MetricNames.num(first.before())
              + " to " + MetricNames.num(first.after()) + " " + when + more + " with no sign of a restart ("
              + (signals.isEmpty() ? "no restart signal in the dump" : String.join(", ", signals) + " unchanged")
              + "): rate() and increase() read it as a reset and count the whole new value as new events")
          .subject("service", serviceOf(s))
          .subject("metric", s.name())
          .subject("labels", s.labels().asMap())
          .evidence("resets", g.resets.size())
          .evidence("listed", listed)
          .evidence("restartSignalsChecked", signals);
      if (g.seriesWithResets > 1) {
        f.evidence("histogramSeriesWithResets", g.seriesWithResets);
      }
      f.hint("A counter may only go down when its process restarts: look for code that sets, decrements or"
          + " re-creates it (use a gauge for values that go down), or for two processes writing the same series"
          + " (give each an instance label); if the process did restart, export process_start_time_seconds"
          + " or _created so the restart is visible.");
      out.add(f.build());
    }
  }

  private static String serviceOf(MetricSeries s) {
    if (s.resource().attributes().getString("service.name") != null) {
      return s.resource().serviceName();
    }
    return s.labels().get("job");
  }

  private List<String> signalsSeen(MetricSeries s) {
    List<String> out = new ArrayList<>();
    Target t = target(s);
    if (processStarts.containsKey(t)) {
      out.add("process_start_time_seconds");
    }
    if (createdOf(s) != null) {
      out.add(base(s) + "_created");
    }
    if (ups.containsKey(t)) {
      out.add("up");
    }
    if (s.startTime(0) != 0) {
      out.add("OTLP start time");
    }
    return out;
  }

  /** Whether the counter restarted between points {@code p} and {@code c}. */
  private boolean restarted(MetricSeries s, int p, int c) {
    long tp = s.time(p);
    long tc = s.time(c);
    long sp = s.startTime(p);
    long sc = s.startTime(c);
    if (sc != 0 && (sc != sp || (tp != MetricSeries.NO_TIMESTAMP && sc > tp))) {
      return true;
    }
    MetricSeries cr = createdOf(s);
    if (cr != null && announcesStart(cr, tp, tc)) {
      return true;
    }
    Target t = target(s);
    for (MetricSeries ps : processStarts.getOrDefault(t, List.of())) {
      if (announcesStart(ps, tp, tc)) {
        return true;
      }
    }
    for (MetricSeries up : ups.getOrDefault(t, List.of())) {
      if (Signal.of(signals, up).zeroBetween(tp, tc)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a start-time series (values in seconds since the epoch) shows a start between {@code
   * tp} and {@code tc}: a value inside that interval (±1 s), or a different value in effect at
   * {@code tc} than at {@code tp}. Without timestamps: whether it ever changed.
   */
  boolean announcesStart(MetricSeries st, long tp, long tc) {
    return Signal.of(signals, st).announcesStart(tp, tc);
  }

  /**
   * A restart-signal series prepared once for fast questions: its points in time order, its
   * distinct values and the times it was 0, so a zig-zagging counter with thousands of decreases
   * costs a binary search per decrease, not a scan.
   */
  private static final class Signal {
    final long[] times;
    final double[] values;
    final double[] distinct;
    final long[] zeroTimes;
    final boolean anyUntimedZero;

    private Signal(MetricSeries s) {
      int[] order = timeOrder(s);
      int n = 0;
      for (int k = 0; k < s.size(); k++) {
        if (!Double.isNaN(s.value(k))) {
          n++;
        }
      }
      times = new long[n];
      values = new double[n];
      java.util.TreeSet<Double> d = new java.util.TreeSet<>();
      List<Long> zeros = new ArrayList<>();
      boolean untimedZero = false;
      int j = 0;
      for (int k = 0; k < s.size(); k++) {
        int i = order == null ? k : order[k];
        double v = s.value(i);
        if (Double.isNaN(v)) {
          continue;
        }
        times[j] = s.time(i);
        values[j++] = v;
        if (d.size() < 64) {
          d.add(v);
        }
        if (v == 0) {
          if (s.time(i) == MetricSeries.NO_TIMESTAMP) {
            untimedZero = true;
          } else {
            zeros.add(s.time(i));
          }
        }
      }
      distinct = d.stream().mapToDouble(Double::doubleValue).toArray();
      zeroTimes = zeros.stream().mapToLong(Long::longValue).toArray();
      anyUntimedZero = untimedZero;
    }

    static Signal of(Map<MetricSeries, Signal> cache, MetricSeries s) {
      return cache.computeIfAbsent(s, Signal::new);
    }

    boolean announcesStart(long tp, long tc) {
      if (tp == MetricSeries.NO_TIMESTAMP || tc == MetricSeries.NO_TIMESTAMP) {
        return distinct.length > 1;
      }
      for (double v : distinct) {
        double startNs = v * 1e9;
        if (startNs > tp - SLACK_NS && startNs <= tc + SLACK_NS) {
          return true;
        }
      }
      int p = lastAtOrBefore(times, tp);
      int c = lastAtOrBefore(times, tc);
      return p >= 0 && c >= 0 && times[p] != MetricSeries.NO_TIMESTAMP && values[p] != values[c];
    }

    /** Whether the series was 0 in {@code (tp, tc]}; without timestamps, whether it ever was. */
    boolean zeroBetween(long tp, long tc) {
      if (tp == MetricSeries.NO_TIMESTAMP || tc == MetricSeries.NO_TIMESTAMP) {
        return anyUntimedZero || zeroTimes.length > 0;
      }
      int i = lastAtOrBefore(zeroTimes, tc);
      return i >= 0 && zeroTimes[i] > tp;
    }

    private static int lastAtOrBefore(long[] a, long t) {
      int lo = 0;
      int hi = a.length - 1;
      int found = -1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        if (a[mid] <= t) {
          found = mid;
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      return found;
    }
  }

  private MetricSeries createdOf(MetricSeries s) {
    if (created.isEmpty()) {
      return null;
    }
    return created.get(new SeriesKey(s.resource(), base(s) + "_created", s.labels().without("le")));
  }

  private static Target target(MetricSeries s) {
    Labels l = s.labels();
    return new Target(s.resource(), nz(l.get("job")), nz(l.get("instance")));
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  /** The family base of a counter-like sample name: without _total, _bucket or _count. */
  private static String base(MetricSeries s) {
    String n = s.name();
    for (String suffix : new String[] {"_total", "_bucket", "_count"}) {
      String b = MetricNames.strip(n, suffix);
      if (b != null) {
        return b;
      }
    }
    return n;
  }

  /** Counters, and the cumulative members of histograms and summaries. */
  private boolean isCounter(MetricSeries s) {
    String n = s.name();
    if (n.endsWith("_created")) {
      return false;
    }
    MetricType t = s.family().type();
    switch (t) {
      case COUNTER:
        return true;
      case HISTOGRAM:
        return n.endsWith("_bucket") || n.endsWith("_count");
      case SUMMARY:
        return n.endsWith("_count");
      case UNKNOWN:
        if (n.endsWith("_total")) {
          return true;
        }
        if (n.endsWith("_bucket")) {
          return s.labels().get("le") != null;
        }
        String b = MetricNames.strip(n, "_count");
        return b != null && names.contains(b + "_sum");
      default:
        return false;
    }
  }

  /** Indexes of the points in time order, or null when they already are in order. */
  static int[] timeOrder(MetricSeries s) {
    boolean sorted = true;
    for (int i = 1; i < s.size() && sorted; i++) {
      sorted = s.time(i) >= s.time(i - 1);
    }
    if (sorted) {
      return null;
    }
    Integer[] boxed = new Integer[s.size()];
    for (int i = 0; i < boxed.length; i++) {
      boxed[i] = i;
    }
    java.util.Arrays.sort(boxed, (a, b) -> Long.compare(s.time(a), s.time(b)));
    int[] order = new int[boxed.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = boxed[i];
    }
    return order;
  }
}
