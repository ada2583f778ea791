package dev.traceguard.analyzers.oom;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Names the shape of one component over a window, against the owner's load. Decisions, in order:
 * a start-up step before requests flow is {@code model-load}; peaks correlated (Spearman ρ ≥ 0.6)
 * with batch size over flat troughs are {@code batch-spike}; a component that follows requests, KV
 * cache usage or tokens (ρ ≥ 0.6) while growing is {@code kv-cache-growth} (JVM pools excepted);
 * troughs with a positive Theil–Sen slope and Mann–Kendall p below the significance level while no
 * load rises is {@code leak}; an isolated peak at the event over flat troughs is {@code
 * batch-spike}; otherwise {@code growth} or {@code flat}.
 */
final class ShapeClassifier {
  /** Rank correlation with load from which a component is said to follow it. */
  static final double FOLLOWS = 0.6;
  /** Relative rise over the window from which load is said to rise. */
  static final double LOAD_RISE = 0.2;
  private static final int MIN_POINTS = 6;
  private static final int TROUGH_BUCKETS = 40;

  private final Map<Object, Timeline> load;
  private final Map<Object, Timeline> batch;
  private final Map<Object, Boolean> rising = new LinkedHashMap<>();
  private final double alpha;

  /**
   * A classifier for one window.
   *
   * @param load requests or tokens in flight, KV usage, request or token rates, within the window
   * @param batch batch sizes within the window
   * @param alpha significance level
   */
  ShapeClassifier(Map<Object, Timeline> load, Map<Object, Timeline> batch, double alpha) {
    this.load = load;
    this.batch = batch;
    this.alpha = alpha;
    for (Map.Entry<Object, Timeline> l : load.entrySet()) {
      rising.put(l.getKey(), rises(l.getValue(), alpha));
    }
  }

  /** Whether any load rises. */
  boolean loadRising() {
    return rising.containsValue(true);
  }

  /** Whether a load other than {@code self} rises. */
  private boolean otherLoadRising(Object self) {
    for (Map.Entry<Object, Boolean> e : rising.entrySet()) {
      if (e.getKey() != self && e.getValue()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code l} rises: a significant upward trend whose Theil–Sen rise over the window is at
   * least 20% of the level and half the spread between the 5th and 95th percentiles (so noise
   * around a flat level is not a rise).
   */
  static boolean rises(Timeline l, double alpha) {
    Timeline th = l.thin(120);
    if (th.size() < MIN_POINTS) {
      return false;
    }
    MannKendall.Result mk = MannKendall.test(th.v);
    if (!(mk.p() < alpha) || mk.s() <= 0) {
      return false;
    }
    double[] h = th.hours(th.first());
    TheilSen.Line line = TheilSen.fit(h, th.v);
    double a = line.at(h[0]);
    double b = line.at(h[h.length - 1]);
    double scale = Math.max(Math.abs(a), l.max() * 0.05);
    double[] sorted = Arrays.copyOf(l.v, l.size());
    Arrays.sort(sorted);
    double spread = sorted[(int) (0.95 * (sorted.length - 1))] - sorted[(int) (0.05 * (sorted.length - 1))];
    return scale > 0 && (b - a) / scale >= LOAD_RISE && b - a >= 0.5 * spread;
  }

  /** What the classification found, with the numbers behind it. */
  static final class Result {
    Shape shape;
    final Map<String, Object> trend = new LinkedHashMap<>();
    double loadCorrelation = Double.NaN;
  }

  /**
   * Classifies a component.
   *
   * @param self the component's key in the load maps (it is not compared with itself)
   * @param whole the component from the segment start to the event
   * @param warmupEnd end of warm-up
   * @param jvmPool whether it is a JVM memory pool (never named kv-cache-growth)
   * @param kv whether it is the KV cache itself
   * @param loadBeforeWarmup whether requests flowed before warm-up ended
   */
  Result classify(Object self, Timeline whole, long warmupEnd, boolean jvmPool, boolean kv, boolean loadBeforeWarmup) {
    Result r = new Result();
    Timeline w = whole.slice(warmupEnd, whole.isEmpty() ? warmupEnd : whole.last());
    if (w.size() < MIN_POINTS) {
      r.shape = Shape.INSUFFICIENT_DATA;
      return r;
    }
    double atStart = whole.v[0];
    double atWarm = w.v[0];
    double atEnd = w.v[w.size() - 1];
    double growth = atEnd - atWarm;
    double ref = Math.max(Math.abs(atWarm), Math.abs(atEnd));

    Timeline troughs = w.extremes(TROUGH_BUCKETS, true);
    MannKendall.Result mk = MannKendall.test(troughs.v);
    double[] h = troughs.hours(troughs.first());
    TheilSen.Line line = TheilSen.fit(h, troughs.v);
    r.trend.put("troughs", troughs.size());
    r.trend.put("slopePerHour", OomAnalyzer.round(line.slope()));
    r.trend.put("mannKendallP", OomAnalyzer.sig(mk.p()));
    boolean troughsRise = mk.p() < alpha && line.slope() > 0;

    double bestLoad = Double.NaN;
    for (Map.Entry<Object, Timeline> l : load.entrySet()) {
      if (l.getKey() != self) {
        bestLoad = max(bestLoad, rho(w, l.getValue()));
      }
    }
    double bestBatch = Double.NaN;
    for (Map.Entry<Object, Timeline> b : batch.entrySet()) {
      if (b.getKey() != self) {
        bestBatch = max(bestBatch, rho(w, b.getValue()));
      }
    }
    r.loadCorrelation = max(bestLoad, bestBatch);
    if (!Double.isNaN(r.loadCorrelation)) {
      r.trend.put("loadCorrelation", OomAnalyzer.round(r.loadCorrelation));
    }

    boolean material = ref > 0 && Math.abs(growth) >= 0.05 * ref;
    if (!loadBeforeWarmup && atWarm - atStart >= 0.5 * Math.max(atEnd, atWarm) && !material && atWarm > 0) {
      r.shape = Shape.MODEL_LOAD;
      return r;
    }
    if (!troughsRise && bestBatch >= FOLLOWS && spiky(w)) {
      r.shape = Shape.BATCH_SPIKE;
      return r;
    }
    boolean loadRising = otherLoadRising(self);
    if (!jvmPool && growth > 0 && material && (kv ? loadRising || bestLoad >= FOLLOWS : bestLoad >= FOLLOWS)) {
      r.shape = Shape.KV_CACHE_GROWTH;
      return r;
    }
    if (troughsRise && !loadRising && !(bestLoad >= FOLLOWS) && growth > 0 && material) {
      r.shape = Shape.LEAK;
      return r;
    }
    if (!troughsRise && spiky(w) && atEnd >= w.max()) {
      r.shape = Shape.BATCH_SPIKE;
      return r;
    }
    r.shape = material && growth > 0 ? Shape.GROWTH : Shape.FLAT;
    return r;
  }

  /** Spearman's ρ between {@code w} and {@code other} sampled at w's times (points before other starts dropped). */
  private static double rho(Timeline w, Timeline other) {
    double[] o = other.sampleAt(w.t);
    int k = 0;
    double[] a = new double[o.length];
    double[] b = new double[o.length];
    for (int i = 0; i < o.length; i++) {
      if (!Double.isNaN(o[i])) {
        a[k] = w.v[i];
        b[k] = o[i];
        k++;
      }
    }
    return Spearman.rho(Arrays.copyOf(a, k), Arrays.copyOf(b, k));
  }

  /** The last point stands out: above the median by 4 MADs and by 15%. */
  static boolean spiky(Timeline w) {
    int n = w.size();
    double[] v = Arrays.copyOf(w.v, n);
    double med = TheilSen.median(v, n);
    double[] dev = new double[n];
    for (int i = 0; i < n; i++) {
      dev[i] = Math.abs(w.v[i] - med);
    }
    double mad = TheilSen.median(dev, n);
    double end = w.v[n - 1];
    return end >= med + 4 * mad && end >= 1.15 * med && end > med;
  }

  private static double max(double a, double b) {
    if (Double.isNaN(a)) {
      return b;
    }
    if (Double.isNaN(b)) {
      return a;
    }
    return Math.max(a, b);
  }

  /** The windows of {@code series} within {@code [from, to]}, keyed as given; near-empty ones dropped. */
  static Map<Object, Timeline> within(Map<Object, Timeline> series, long from, long to) {
    Map<Object, Timeline> out = new LinkedHashMap<>();
    for (Map.Entry<Object, Timeline> e : series.entrySet()) {
      Timeline s = e.getValue().slice(from, to);
      if (s.size() >= 3) {
        out.put(e.getKey(), s);
      }
    }
    return out;
  }
}
