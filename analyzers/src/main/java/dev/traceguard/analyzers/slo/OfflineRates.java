package dev.traceguard.analyzers.slo;

import dev.traceguard.analyzers.model.Labels;
import dev.traceguard.analyzers.model.MetricSeries;
import dev.traceguard.analyzers.model.MetricStore;
import dev.traceguard.analyzers.model.Telemetry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Computes {@code sum by (group) (rate(x[w]))} for every indicator from raw counter samples, as
 * Prometheus evaluates it at each step of a query_range.
 */
public final class OfflineRates {
  /** Everything needed from raw samples: the indicators and their per-group rates. */
  public record Result(List<Sli> slis, List<GroupRates> groups, List<Problem> problems) {}

  /** A series' per-step rates, computed once. */
  public record SeriesRates(SliCatalog.SeriesInfo info, StepSeries rates) {}

  private OfflineRates() {}

  /**
   * Steps one series may span: a year at 30 s steps. More (timestamps decades apart, or a tiny
   * step over a long history) would take memory out of all proportion, so such a series is left
   * out with a problem rather than risk running out of memory.
   */
  public static final int MAX_STEPS = 1 << 20;

  /**
   * The per-step rates of one series with {@code n} samples (times in ms, ascending), or null
   * when it has fewer than two or spans more than {@link #MAX_STEPS} steps.
   */
  public static StepSeries rates(long[] tMs, double[] v, int n, long windowMs, long stepMs) {
    if (n < 2) {
      return null;
    }
    long first = Math.floorDiv(tMs[0] + stepMs - 1, stepMs);
    long last = Math.floorDiv(tMs[n - 1] + windowMs, stepMs);
    if (last < first || last - first >= MAX_STEPS) {
      return null;
    }
    double[] out = new double[(int) (last - first + 1)];
    PromRate.rates(tMs, v, n, windowMs, stepMs, first, out);
    return new StepSeries(first, out);
  }

  /** Reads the rates of every counter-like series selected in {@code store}. */
  public static Result compute(MetricStore store, SloOptions o) {
    return compute(store, o, null);
  }

  /** As {@link #compute(MetricStore, SloOptions)}, naming inputs and lines in problems. */
  public static Result compute(Telemetry telemetry, SloOptions o) {
    return compute(telemetry.metrics(), o, telemetry);
  }

  private static Result compute(MetricStore store, SloOptions o, Telemetry telemetry) {
    List<Problem> problems = new ArrayList<>();
    List<SeriesRates> all = new ArrayList<>();
    long[] t = new long[16];
    double[] v = new double[16];
    for (MetricSeries s : store.series()) {
      if (!counterLike(s.name()) || !o.selector().matches(s.name(), s.labels())) {
        continue;
      }
      if (t.length < s.size()) {
        t = new long[s.size()];
        v = new double[s.size()];
      }
      for (int i = 0; i < s.size(); i++) {
        t[i] = s.time(i);
        v[i] = s.value(i);
      }
      all.add(one(s, t, v, s.size(), o, telemetry, problems));
    }
    return aggregate(all, o, problems);
  }

  /**
   * The rates of one series from its points (times in ns; both arrays are reordered and
   * overwritten), reporting untimed and NaN points as problems.
   */
  static SeriesRates one(MetricSeries s, long[] tNs, double[] v, int size, SloOptions o, Telemetry telemetry,
      List<Problem> problems) {
    sortByTime(tNs, v, size);
    int n = 0;
    int nan = 0;
    int untimed = 0;
    for (int i = 0; i < size; i++) {
      if (tNs[i] == MetricSeries.NO_TIMESTAMP) {
        untimed++;
        continue;
      }
      double x = v[i];
      if (Double.isNaN(x)) {
        nan++;
        continue;
      }
      long ms = Math.floorDiv(tNs[i], 1_000_000L);
      if (n > 0 && ms == tNs[n - 1]) {
        v[n - 1] = x;
        continue;
      }
      tNs[n] = ms;
      v[n] = x;
      n++;
    }
    String where = s.name() + s.labels();
    if (telemetry != null && s.input() >= 0 && s.input() < telemetry.inputs().size()) {
      where = telemetry.inputs().get(s.input()).path() + ":" + s.line() + ": " + where;
    }
    if (untimed > 0) {
      problems.add(new Problem(where, untimed + " samples without a timestamp were left out; a history needs"
          + " timestamped samples (a dump, not one scrape)"));
    }
    if (nan > 0) {
      problems.add(new Problem(where, nan + " NaN samples in a counter were left out; the steps around them"
          + " use the samples on either side"));
    }
    long stepMs = o.step().toMillis();
    if (n >= 2 && (tNs[n - 1] - tNs[0]) / stepMs >= MAX_STEPS - 2) {
      problems.add(new Problem(where, "its samples span " + SloBaseline.human((tNs[n - 1] - tNs[0]) / 1000 * 1000)
          + ", more than " + MAX_STEPS + " steps of " + SloBaseline.human(stepMs) + "; left out (check its timestamps,"
          + " or use a larger --step)"));
      return new SeriesRates(new SliCatalog.SeriesInfo(s.name(), s.labels()), null);
    }
    return new SeriesRates(new SliCatalog.SeriesInfo(s.name(), s.labels()),
        rates(tNs, v, n, o.rateWindow().toMillis(), stepMs));
  }

  private static void sortByTime(long[] t, double[] v, int n) {
    for (int i = 1; i < n; i++) {
      if (t[i] < t[i - 1]) {
        Integer[] order = new Integer[n];
        for (int k = 0; k < n; k++) {
          order[k] = k;
        }
        java.util.Arrays.sort(order, (a, b) -> Long.compare(t[a], t[b]));
        long[] t2 = java.util.Arrays.copyOf(t, n);
        double[] v2 = java.util.Arrays.copyOf(v, n);
        for (int k = 0; k < n; k++) {
          t[k] = t2[order[k]];
          v[k] = v2[order[k]];
        }
        return;
      }
    }
  }

  static boolean counterLike(String name) {
    return name.endsWith("_bucket") || name.endsWith("_count") || name.endsWith("_sum") || name.endsWith("_total");
  }

  /** Detects the indicators among {@code all} and sums their rates per group. */
  public static Result aggregate(List<SeriesRates> all, SloOptions o, List<Problem> problems) {
    List<SliCatalog.SeriesInfo> infos = new ArrayList<>();
    for (SeriesRates r : all) {
      infos.add(r.info());
    }
    List<Sli> slis = SliCatalog.detect(infos, o.groupBy(), o.errorRegex());
    List<GroupRates> groups = new ArrayList<>();
    for (Sli sli : slis) {
      Map<Labels, GroupRates> byGroup = new LinkedHashMap<>();
      for (SeriesRates r : all) {
        String c = sli.component(r.info().name(), r.info().labels());
        if (c == null) {
          continue;
        }
        GroupRates g = byGroup.computeIfAbsent(sli.group(r.info().labels()), k -> GroupRates.empty(sli, k));
        StepSeries target = g.component(c);
        g.example("series", r.info().labels());
        if (sli.kind() == Sli.Kind.ERRORS) {
          g.example(sli.isError(r.info().labels()) ? "error" : "ok", r.info().labels());
        }
        if (r.rates() != null) {
          target.addAll(r.rates());
          if (sli.kind() == Sli.Kind.ERRORS && sli.isError(r.info().labels())) {
            g.component("errors").addAll(r.rates());
          }
        }
      }
      groups.addAll(byGroup.values());
    }
    return new Result(slis, groups, problems);
  }
}
