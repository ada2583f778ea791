package dev.traceguard.analyzers.oom;

import dev.traceguard.analyzers.AnalysisOptions;
import dev.traceguard.analyzers.Analyzer;
import dev.traceguard.analyzers.FindingSink;
import dev.traceguard.analyzers.model.Labels;
import dev.traceguard.analyzers.model.LogRecord;
import dev.traceguard.analyzers.model.MetricSeries;
import dev.traceguard.analyzers.model.Resource;
import dev.traceguard.analyzers.model.SpanEvent;
import dev.traceguard.analyzers.model.SpanStore;
import dev.traceguard.analyzers.model.StatusCode;
import dev.traceguard.analyzers.model.Telemetry;
import dev.traceguard.analyzers.report.Finding;
import dev.traceguard.analyzers.report.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Why did it run out of memory? Finds out-of-memory events (container OOM kills from
 * kube-state-metrics and cAdvisor, JVM {@code OutOfMemoryError}s and CUDA out-of-memory errors in
 * logs and span events), tells which memory ran out, ranks the memory components of the same
 * pod, process or GPU by their growth since warm-up and names the cause from the shape of their
 * history ({@code oom-attribution}). Without a kill, warns when a memory's trend reaches its limit
 * within the horizon ({@code oom-risk}). Every rule is described in docs/rules.md.
 */
public final class OomAnalyzer implements Analyzer {
  /** This analyzer's name. */
  public static final String NAME = "oom";

  private static final long MINUTE = 60_000_000_000L;
  /** Kill signals this close to each other are one event. */
  private static final long MERGE_WINDOW = 5 * MINUTE;
  /** Repeats of one error message this close to the previous are one event. */
  private static final long REPEAT_WINDOW = 10 * MINUTE;
  /** Points needed after warm-up before a trend is projected. */
  private static final int RISK_MIN_POINTS = 12;
  private static final int MAX_CONTRIBUTORS = 10;
  /** Points per series in {@code evidence.timeline}. */
  static final int TIMELINE_POINTS = 120;
  /** Components (byte-valued contributors) in {@code evidence.timeline}. */
  static final int TIMELINE_COMPONENTS = 8;
  /** Signals listed per event; a crash loop merges many. */
  private static final int MAX_SIGNALS = 20;
  /** Events analysed at most; a dump with more (a crash loop over weeks, hostile input) has the rest counted. */
  static final int MAX_EVENTS = 5000;

  /** The analyzer. */
  public OomAnalyzer() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "out-of-memory events: which memory ran out, which component grew and why;"
        + " memory trending to its limit";
  }

  @Override
  public void analyze(Telemetry telemetry, AnalysisOptions options, FindingSink out) {
    new Run(telemetry, options.get(OomOptions.class, OomOptions::defaults), out).run();
  }

  // ---------------------------------------------------------------- formatting helpers

  /** Rounds to 6 significant digits for evidence. */
  static double round(double d) {
    if (!Double.isFinite(d) || d == 0) {
      return d;
    }
    return new java.math.BigDecimal(d).round(new java.math.MathContext(6)).doubleValue();
  }

  /** A p-value to 3 significant digits. */
  static double sig(double p) {
    if (!Double.isFinite(p) || p == 0) {
      return p;
    }
    return new java.math.BigDecimal(p).round(new java.math.MathContext(3)).doubleValue();
  }

  /** Bytes for a sentence: {@code 15.9 GiB}, {@code 410 MiB}. */
  static String bytes(double b) {
    double a = Math.abs(b);
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (a >= 1024 && u < units.length - 1) {
      a /= 1024;
      b /= 1024;
      u++;
    }
    return (a >= 100 || u == 0 ? String.format(Locale.ROOT, "%.0f", b) : String.format(Locale.ROOT, "%.1f", b))
        + " " + units[u];
  }

  /** An instant in ISO 8601, to the millisecond. */
  static String time(long nanos) {
    long ms = Math.floorDiv(nanos, 1_000_000L);
    return Instant.ofEpochMilli(ms).toString();
  }

  /** A p-value for a sentence: {@code 0.012}, {@code 3.1e-09}. */
  static String pText(double p) {
    return p >= 0.001 ? String.format(Locale.ROOT, "%.3f", p) : String.format(Locale.ROOT, "%.1e", p);
  }

  static String duration(double hours) {
    long min = Math.round(hours * 60);
    if (min < 60) {
      return min + " min";
    }
    return (min / 60) + " h " + (min % 60) + " min";
  }

  private static Object number(double d) {
    if (!Double.isFinite(d)) {
      return null;
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e15 || Math.abs(d) >= 1e4 && Math.abs(d) < 9e18) {
      // whole numbers and byte counts: whole units are exact enough and read better
      return Math.round(d);
    }
    return round(d);
  }

  // ---------------------------------------------------------------- one analysis

  /** The state of one analysis. */
  private static final class Run {
    private final Telemetry telemetry;
    private final OomOptions o;
    private final FindingSink out;
    private final Map<String, Owner> owners = new LinkedHashMap<>();
    private final List<OomEvent> events = new ArrayList<>();
    /** The latest event per owner, memory, kind and service of error messages, for merging repeats. */
    private final Map<String, OomEvent> lastMessage = new HashMap<>();
    /** Events per owner, in time order (filled once all are found). */
    private final Map<Owner, List<OomEvent>> byOwner = new HashMap<>();
    private long eventsNotAnalysed;
    private int trackedSeries;

    Run(Telemetry telemetry, OomOptions o, FindingSink out) {
      this.telemetry = telemetry;
      this.o = o;
      this.out = out;
    }

    void run() {
      for (MetricSeries s : telemetry.metrics().series()) {
        SeriesCatalog.Kind k = SeriesCatalog.classify(s);
        if (k == null) {
          continue;
        }
        owners.computeIfAbsent(SeriesCatalog.owner(s.labels(), s.resource()), Owner::new).add(new Tracked(s, k));
        trackedSeries++;
      }
      for (Owner g : owners.values()) {
        containerEvents(g);
      }
      messageEvents();
      events.sort(Comparator.comparingLong(e -> e.time));
      for (OomEvent e : events) {
        if (e.owner != null) {
          byOwner.computeIfAbsent(e.owner, k -> new ArrayList<>()).add(e);
        }
      }
      for (OomEvent e : events) {
        attribute(e);
      }
      for (Owner g : owners.values()) {
        risk(g);
      }
      if (trackedSeries > 0 || !events.isEmpty()) {
        out.stat("oomMemorySeries", trackedSeries);
        out.stat("oomEvents", events.size());
      }
      if (eventsNotAnalysed > 0) {
        out.stat("oomEventsNotAnalysed", eventsNotAnalysed);
      }
    }

    // ------------------------------------------------------------ step 1: events

    void containerEvents(Owner g) {
      Set<String> containers = new LinkedHashSet<>();
      for (Role r : new Role[] {Role.RESTARTS, Role.OOM_EVENTS, Role.CONTAINER_TOTAL}) {
        for (Tracked t : g.get(r)) {
          containers.add(t.container == null ? "" : t.container);
        }
      }
      for (String cc : containers) {
        String c = cc.isEmpty() ? null : cc;
        List<Tracked> restarts = exact(g.get(Role.RESTARTS), c);
        List<Tracked> oomCounters = exact(g.get(Role.OOM_EVENTS), c);
        if (!restarts.isEmpty()) {
          for (Tracked r : restarts) {
            Timeline tl = r.timeline();
            for (int i = 1; i < tl.size(); i++) {
              if (tl.v[i] > tl.v[i - 1]) {
                restart(g, c, r, tl, i);
              }
            }
          }
        } else if (!oomCounters.isEmpty()) {
          for (Tracked r : oomCounters) {
            Timeline tl = r.timeline();
            for (int i = 1; i < tl.size(); i++) {
              if (tl.v[i] > tl.v[i - 1]) {
                long kill = killTime(g, c, tl.t[i], tl.t[i - 1]);
                add(new OomEvent(g, Memory.CONTAINER, c, kill, "OOMKilled", null, g.service)
                    .signal(r.name(), "time", time(tl.t[i]), "from", number(tl.v[i - 1]), "to", number(tl.v[i])));
              }
            }
          }
        } else {
          Tracked total = first(exact(g.get(Role.CONTAINER_TOTAL), c));
          Tracked limit = first(g.get(Role.CONTAINER_LIMIT, c));
          if (total != null && limit != null) {
            Timeline tl = total.timeline();
            Timeline lim = limit.timeline();
            for (int i = 0; i + 1 < tl.size(); i++) {
              double l = lim.valueAt(tl.t[i]);
              if (l > 0 && tl.v[i] >= 0.9 * l && tl.v[i + 1] < 0.7 * tl.v[i]) {
                add(new OomEvent(g, Memory.CONTAINER, c, tl.t[i], "OOMKilled", null, g.service)
                    .signal("working-set-drop", "metric", total.name(), "time", time(tl.t[i + 1]),
                        "from", number(tl.v[i]), "to", number(tl.v[i + 1]), "limit", number(l)));
              }
            }
          }
        }
      }
    }

    private void restart(Owner g, String c, Tracked r, Timeline tl, int i) {
      long t = tl.t[i];
      long from = t - 2 * MINUTE;
      long to = t + MERGE_WINDOW;
      String reason = null;
      for (Tracked s : g.get(Role.TERMINATED_REASON, c)) {
        if (!eq(s.container, c)) {
          continue;
        }
        Timeline x = s.timeline().slice(from, to);
        for (double v : x.v) {
          if (v > 0.5) {
            String rr = s.series.labels().get("reason");
            if (reason == null || "OOMKilled".equals(rr)) {
              reason = rr;
            }
          }
        }
      }
      Double exit = null;
      for (Tracked s : g.get(Role.TERMINATED_EXITCODE, c)) {
        if (eq(s.container, c)) {
          for (double v : s.timeline().slice(from, to).v) {
            exit = v;
          }
        }
      }
      boolean oomCounter = false;
      for (Tracked s : exact(g.get(Role.OOM_EVENTS), c)) {
        Timeline x = s.timeline().slice(t - MERGE_WINDOW, t + 2 * MINUTE);
        for (int k = 1; k < x.size(); k++) {
          oomCounter |= x.v[k] > x.v[k - 1];
        }
      }
      int drop = dropIndex(g, c, t - MERGE_WINDOW, t + MINUTE, true);
      boolean oom = "OOMKilled".equals(reason) || exit != null && exit == 137 || oomCounter || drop >= 0;
      if (!oom) {
        return;
      }
      OomEvent e = new OomEvent(g, Memory.CONTAINER, c, killTime(g, c, t, tl.t[i - 1]), "OOMKilled", null, g.service);
      e.signal(r.name(), "time", time(t), "from", number(tl.v[i - 1]), "to", number(tl.v[i]));
      if (reason != null) {
        e.signal("kube_pod_container_status_last_terminated_reason", "reason", reason);
      }
      if (exit != null) {
        e.signal("kube_pod_container_status_last_terminated_exitcode", "exitCode", number(exit));
      }
      if (oomCounter) {
        e.signal("container_oom_events_total", "increased", true);
      }
      if (drop >= 0) {
        Tracked total = first(exact(g.get(Role.CONTAINER_TOTAL), c));
        Timeline tt = total.timeline();
        e.signal("working-set-drop", "metric", total.name(), "time", time(tt.t[drop + 1]),
            "from", number(tt.v[drop]), "to", number(tt.v[drop + 1]));
      }
      add(e);
    }

    /**
     * Index of the last working-set sample before a drop of 30% or more within {@code [from, to]},
     * the highest such; -1 when none. With {@code nearLimit}, only a drop from 90% of the limit
     * or more counts.
     */
    private int dropIndex(Owner g, String c, long from, long to, boolean nearLimit) {
      Tracked total = first(exact(g.get(Role.CONTAINER_TOTAL), c));
      if (total == null) {
        return -1;
      }
      Tracked limit = first(g.get(Role.CONTAINER_LIMIT, c));
      Timeline tl = total.timeline();
      int best = -1;
      for (int i = Math.max(0, tl.indexAtOrAfter(from)); i + 1 < tl.size() && tl.t[i] <= to; i++) {
        if (tl.v[i + 1] < 0.7 * tl.v[i] && (best < 0 || tl.v[i] > tl.v[best])) {
          double l = limit == null ? Double.NaN : limit.timeline().valueAt(tl.t[i]);
          if (!nearLimit || l > 0 && tl.v[i] >= 0.9 * l) {
            best = i;
          }
        }
      }
      return best;
    }

    /** When the container died: the last working-set sample before its drop, else the sample before the signal. */
    private long killTime(Owner g, String c, long signal, long before) {
      int drop = dropIndex(g, c, signal - MERGE_WINDOW, signal + MINUTE, false);
      if (drop >= 0) {
        return first(exact(g.get(Role.CONTAINER_TOTAL), c)).timeline().t[drop];
      }
      return before;
    }

    private void add(OomEvent e) {
      for (int k = events.size() - 1; k >= 0 && k >= events.size() - 64; k--) {
        OomEvent x = events.get(k);
        if (x.owner == e.owner && x.memory == e.memory && eq(x.container, e.container) && x.message == null
            && e.time >= x.time - MERGE_WINDOW && e.time <= x.lastTime + MERGE_WINDOW) {
          for (Map<String, Object> s : e.signals) {
            if (x.signals.size() < MAX_SIGNALS && !x.signals.contains(s)) {
              x.signals.add(s);
            }
          }
          x.lastTime = Math.max(x.lastTime, e.time);
          return;
        }
      }
      if (events.size() >= MAX_EVENTS) {
        eventsNotAnalysed++;
        return;
      }
      events.add(e);
    }

    /** An error message seen, before repeats are merged. */
    private record Seen(OomMessage m, long t, Resource res, String source, Object[] where) {}

    void messageEvents() {
      List<Seen> seen = new ArrayList<>();
      for (LogRecord r : telemetry.logs()) {
        String type = r.attributes().getString("exception.type");
        String msg = r.attributes().getString("exception.message");
        OomMessage m = null;
        if (type != null || msg != null) {
          m = OomMessage.parse(type, msg);
        }
        if (m == null && mayMention(r.body())) {
          m = OomMessage.parse(null, r.body());
        }
        if (m != null) {
          long t = r.timeUnixNano() != 0 ? r.timeUnixNano() : r.observedTimeUnixNano();
          seen.add(new Seen(m, t, r.resource(), "log",
              new Object[] {"input", telemetry.inputs().get(r.input()).path(), "line", r.line()}));
        }
      }
      SpanStore s = telemetry.spans();
      for (int i = 0; i < s.size(); i++) {
        if (s.status(i) != StatusCode.ERROR) {
          continue;
        }
        for (SpanEvent ev : s.events(i)) {
          if (!ev.name().equals("exception")) {
            continue;
          }
          OomMessage m = OomMessage.parse(ev.attributes().getString("exception.type"),
              ev.attributes().getString("exception.message"));
          if (m != null) {
            seen.add(new Seen(m, ev.timeUnixNano(), s.resource(i), "span-event",
                new Object[] {"traceId", s.traceIdHex(i), "spanId", s.spanIdHex(i), "spanName", s.name(i)}));
          }
        }
      }
      // Files are merged in any order: repeats are merged in time order.
      seen.sort(Comparator.comparingLong(Seen::t));
      for (Seen x : seen) {
        message(x.m(), x.t(), x.res(), x.source(), x.where());
      }
    }

    private static boolean mayMention(String body) {
      return body != null && (body.contains("emory") || body.contains("EMORY"));
    }

    private void message(OomMessage m, long t, Resource res, String source, Object[] where) {
      Owner g = match(res, m.memory());
      String service = res.serviceName();
      if (service.equals("unknown_service") && g != null) {
        service = g.service;
      }
      String key = (g == null ? "" : g.key) + '\u0000' + m.memory() + '\u0000' + m.kind() + '\u0000' + service;
      OomEvent x = lastMessage.get(key);
      if (x != null && t - x.lastTime <= REPEAT_WINDOW && t >= x.time) {
        x.occurrences++;
        x.lastTime = t;
        return;
      }
      if (events.size() >= MAX_EVENTS) {
        eventsNotAnalysed++;
        return;
      }
      String container = res.attributes().getString("k8s.container.name");
      OomEvent e = new OomEvent(g, m.memory(), container, t, m.kind(), m, service);
      Object[] kv = new Object[where.length + 2];
      kv[0] = "time";
      kv[1] = time(t);
      System.arraycopy(where, 0, kv, 2, where.length);
      e.signal(source, kv);
      events.add(e);
      lastMessage.put(key, e);
    }

    /** The owner a log record or span belongs to, by its resource; null when none can be told. */
    private Owner match(Resource res, Memory memory) {
      Owner exact = owners.get(SeriesCatalog.owner(Labels.empty(), res));
      if (exact != null && !exact.key.isEmpty()) {
        return exact;
      }
      String svc = res.attributes().getString("service.name");
      List<Owner> c = new ArrayList<>();
      if (svc != null) {
        for (Owner g : owners.values()) {
          if (g.services.contains(svc)) {
            c.add(g);
          }
        }
      }
      if (c.size() > 1) {
        String id = res.attributes().getString("service.instance.id");
        String host = res.attributes().getString("host.name");
        List<Owner> narrowed = new ArrayList<>();
        for (Owner g : c) {
          for (String inst : g.instances) {
            String h = inst.contains(":") ? inst.substring(0, inst.lastIndexOf(':')) : inst;
            if (h.equals(id) || h.equals(host) || inst.equals(id)) {
              narrowed.add(g);
              break;
            }
          }
        }
        c = narrowed;
      }
      if (c.size() == 1) {
        return c.get(0);
      }
      if (c.isEmpty()) {
        for (Owner g : owners.values()) {
          boolean fits = memory == Memory.GPU ? g.gpu() : memory == Memory.CONTAINER ? g.has(Role.CONTAINER_TOTAL) : g.jvm();
          if (fits) {
            c.add(g);
          }
        }
        if (c.size() == 1) {
          return c.get(0);
        }
      }
      return null;
    }

    // ------------------------------------------------------------ step 2 and 3: ledger and shapes

    /** One line of the ledger. */
    private record Part(Object key, String metric, Map<String, Object> labels, boolean bytes, Timeline tl,
        boolean jvmPool, boolean kv) {}

    /** What is compared for one memory of one owner. */
    private static final class Ledger {
      String totalMetric;
      Map<String, Object> totalLabels = new LinkedHashMap<>();
      Timeline total;
      boolean syntheticTotal;
      Timeline limit;
      String limitSource;
      final List<Part> parts = new ArrayList<>();
      String device;
    }

    private Ledger ledger(Owner g, Memory m, String c, String gpuHint) {
      Ledger l = new Ledger();
      if (g == null) {
        return l;
      }
      switch (m) {
        case CONTAINER: {
          Tracked total = first(exact(g.get(Role.CONTAINER_TOTAL), c));
          if (total == null) {
            total = first(g.get(Role.CONTAINER_TOTAL, c));
          }
          boolean jvmPools = g.has(Role.HEAP_POOL) || g.has(Role.NONHEAP_POOL) || g.has(Role.BUFFER_POOL);
          if (total == null) {
            total = first(g.get(Role.PROCESS_TOTAL, c));
          } else if (!jvmPools) {
            addParts(l, g.get(Role.PROCESS_TOTAL, c), false);
          }
          setTotal(l, total);
          limit(l, first(g.get(Role.CONTAINER_LIMIT, c)));
          jvmParts(l, g, c);
          addParts(l, g.get(Role.COMPONENT, c), false);
          addParts(l, g.get(Role.KV_CACHE, c), false);
          break;
        }
        case JVM_HEAP: {
          Tracked area = first(g.get(Role.HEAP_AREA, c));
          List<Tracked> pools = g.get(Role.HEAP_POOL, c);
          addParts(l, pools, true);
          if (area != null) {
            setTotal(l, area);
          } else if (!pools.isEmpty()) {
            l.total = sum(pools);
            l.totalMetric = pools.get(0).name();
            l.totalLabels.put("area", "heap");
            l.syntheticTotal = true;
          }
          List<Timeline> maxima = new ArrayList<>();
          for (Tracked t : g.get(Role.HEAP_MAX, c)) {
            if (t.timeline().size() > 0 && t.timeline().max() > 0) {
              maxima.add(t.timeline());
              l.limitSource = t.name();
            }
          }
          if (!maxima.isEmpty()) {
            l.limit = Timeline.sum(maxima);
          }
          break;
        }
        case JVM_NATIVE: {
          jvmParts(l, g, c);
          l.parts.removeIf(p -> isHeapPart(g, p));
          List<Timeline> tls = new ArrayList<>();
          for (Part p : l.parts) {
            if (p.bytes()) {
              tls.add(p.tl());
            }
          }
          if (!tls.isEmpty()) {
            l.total = Timeline.sum(tls);
            l.totalMetric = "jvm native (sum of listed pools)";
            l.syntheticTotal = true;
          }
          break;
        }
        case GPU: {
          Tracked best = null;
          for (Tracked t : g.get(Role.GPU_TOTAL, c)) {
            if (gpuHint != null && gpuHint.equals(t.gpu)) {
              best = t;
              break;
            }
            if (best == null || t.timeline().max() > best.timeline().max()) {
              best = t;
            }
          }
          setTotal(l, best);
          if (best != null) {
            l.device = best.gpu;
            String gid = best.gpu;
            Tracked cap = firstGpu(g.get(Role.GPU_CAPACITY), gid);
            if (cap != null) {
              limit(l, cap);
            } else {
              Tracked free = firstGpu(g.get(Role.GPU_FREE), gid);
              Tracked reserved = firstGpu(g.get(Role.GPU_RESERVED), gid);
              if (free != null) {
                List<Timeline> sum = new ArrayList<>(List.of(best.timeline(), free.timeline()));
                if (reserved != null) {
                  sum.add(reserved.timeline());
                }
                l.limit = Timeline.sum(sum);
                l.limitSource = best.name() + " + " + free.name() + (reserved == null ? "" : " + " + reserved.name());
              }
            }
          }
          addParts(l, g.get(Role.KV_CACHE, c), false);
          for (Tracked t : g.get(Role.COMPONENT, c)) {
            String n = t.name().toLowerCase(Locale.ROOT);
            if (n.contains("gpu") || n.contains("cuda") || n.contains("torch")) {
              addParts(l, List.of(t), false);
            }
          }
          break;
        }
        default:
          break;
      }
      return l;
    }

    private static boolean isHeapPart(Owner g, Part p) {
      for (Tracked t : g.get(Role.HEAP_POOL)) {
        if (t == p.key()) {
          return true;
        }
      }
      for (Tracked t : g.get(Role.HEAP_AREA)) {
        if (t == p.key()) {
          return true;
        }
      }
      return false;
    }

    private void jvmParts(Ledger l, Owner g, String c) {
      List<Tracked> heap = g.get(Role.HEAP_POOL, c);
      addParts(l, heap.isEmpty() ? g.get(Role.HEAP_AREA, c) : heap, true);
      List<Tracked> nonheap = g.get(Role.NONHEAP_POOL, c);
      addParts(l, nonheap.isEmpty() ? g.get(Role.NONHEAP_AREA, c) : nonheap, true);
      addParts(l, g.get(Role.BUFFER_POOL, c), true);
    }

    private static void addParts(Ledger l, List<Tracked> ts, boolean jvm) {
      for (Tracked t : ts) {
        if (t.timeline().isEmpty()) {
          continue;
        }
        l.parts.add(new Part(t, t.name(), t.labels(), t.kind.bytes(), t.timeline(), jvm, t.role() == Role.KV_CACHE));
      }
    }

    private static void setTotal(Ledger l, Tracked t) {
      if (t != null) {
        l.total = t.timeline();
        l.totalMetric = t.name();
        l.totalLabels = t.labels();
      }
    }

    private static void limit(Ledger l, Tracked t) {
      if (t != null && !t.timeline().isEmpty() && t.timeline().max() > 0) {
        l.limit = t.timeline();
        l.limitSource = t.name();
      }
    }

    private static Timeline sum(List<Tracked> ts) {
      List<Timeline> tls = new ArrayList<>();
      for (Tracked t : ts) {
        tls.add(t.timeline());
      }
      return Timeline.sum(tls);
    }

    /** The result of comparing a ledger over a window. */
    private static final class Evaluation {
      final List<Map<String, Object>> contributors = new ArrayList<>();
      final List<Part> ranked = new ArrayList<>();
      final List<ShapeClassifier.Result> shapes = new ArrayList<>();
      final List<Double> growths = new ArrayList<>();
      final List<Double> shares = new ArrayList<>();
      double totalBase = Double.NaN;
      double totalAtEnd = Double.NaN;
      double totalGrowth = Double.NaN;
      double limit = Double.NaN;
      boolean modelLoad;
      boolean loadRising;
      boolean requestsFlowed;
      boolean hasLoad;
      long warmupEnd;
      long start;
      long end;
      Shape cause;
    }

    private Evaluation evaluate(Owner g, Ledger l, String c, long seg, long end) {
      Evaluation ev = new Evaluation();
      ev.start = seg;
      ev.end = end;
      long warm = o.warmup().toNanos();
      long warmEnd = end - seg < 2 * warm ? seg + (end - seg) / 5 : seg + warm;
      ev.warmupEnd = warmEnd;

      Map<Object, Timeline> loads = new LinkedHashMap<>();
      Map<Object, Timeline> batch = new LinkedHashMap<>();
      if (g != null) {
        for (Tracked t : g.get(Role.LOAD, c)) {
          loads.put(t, t.timeline());
        }
        for (Tracked t : g.get(Role.LOAD_COUNTER, c)) {
          loads.put(t, t.timeline().rate());
        }
        for (Tracked t : g.get(Role.KV_CACHE, c)) {
          if (!t.kind.bytes()) {
            loads.put(t, t.timeline());
          }
        }
        for (Tracked t : g.get(Role.BATCH, c)) {
          batch.put(t, t.timeline());
        }
      }
      Map<Object, Timeline> inWindow = ShapeClassifier.within(loads, seg, end);
      Map<Object, Timeline> batchWindow = ShapeClassifier.within(batch, seg, end);
      ev.hasLoad = !inWindow.isEmpty() || !batchWindow.isEmpty();
      boolean loadBeforeWarmup = false;
      List<Timeline> anyLoad = new ArrayList<>(inWindow.values());
      anyLoad.addAll(batchWindow.values());
      for (Timeline t : anyLoad) {
        for (int i = 0; i < t.size(); i++) {
          if (t.v[i] > 0) {
            ev.requestsFlowed = true;
            loadBeforeWarmup |= t.t[i] <= warmEnd;
          }
        }
      }
      ev.modelLoad = ev.hasLoad ? !ev.requestsFlowed : end <= seg + warm;
      long base = ev.modelLoad ? seg : warmEnd;
      ShapeClassifier sc = new ShapeClassifier(
          ShapeClassifier.within(loads, warmEnd, end), ShapeClassifier.within(batch, warmEnd, end), o.significance());
      ev.loadRising = sc.loadRising();

      if (l.total != null) {
        Timeline tw = l.total.slice(seg, end);
        if (!tw.isEmpty()) {
          ev.totalBase = at(tw, base);
          ev.totalAtEnd = tw.valueAt(end);
          ev.totalGrowth = ev.totalAtEnd - ev.totalBase;
        }
      }
      if (l.limit != null) {
        ev.limit = l.limit.valueAt(end);
        if (Double.isNaN(ev.limit)) {
          ev.limit = l.limit.max();
        }
      }

      List<Part> parts = new ArrayList<>(l.parts);
      boolean anyBytes = parts.stream().anyMatch(Part::bytes);
      if (l.total != null && !l.syntheticTotal) {
        if (!anyBytes) {
          parts.add(0, new Part("total", l.totalMetric, l.totalLabels, true, l.total, false, false));
        } else {
          List<Timeline> tls = new ArrayList<>();
          for (Part p : parts) {
            if (p.bytes()) {
              tls.add(p.tl().slice(seg, end));
            }
          }
          Timeline residual = l.total.slice(seg, end).minus(Timeline.sum(tls));
          double rg = at(residual, end) - at(residual, base);
          if (ev.totalGrowth > 0 && Math.abs(rg) >= 0.1 * ev.totalGrowth) {
            Map<String, Object> lab = new LinkedHashMap<>();
            lab.put("of", l.totalMetric);
            parts.add(new Part("residual", "unaccounted (total minus listed components)", lab, true, residual, false,
                false));
          }
        }
      }

      double growthSum = 0;
      List<Object[]> rows = new ArrayList<>();
      for (Part p : parts) {
        Timeline w = p.tl().slice(seg, end);
        if (w.isEmpty()) {
          continue;
        }
        double a = at(w, base);
        double e = w.valueAt(end);
        double gr = e - a;
        if (p.bytes() && gr > 0) {
          growthSum += gr;
        }
        ShapeClassifier.Result r;
        if (ev.modelLoad) {
          r = new ShapeClassifier.Result();
          r.shape = gr > 0.05 * Math.max(Math.abs(e), 1) ? Shape.MODEL_LOAD : Shape.FLAT;
        } else {
          r = sc.classify(p.key(), w, warmEnd, p.jvmPool(), p.kv(), loadBeforeWarmup);
        }
        rows.add(new Object[] {p, a, e, gr, r});
      }
      double denominator = ev.totalGrowth > 0 ? ev.totalGrowth : growthSum;
      rows.sort((x, y) -> {
        Part px = (Part) x[0];
        Part py = (Part) y[0];
        if (px.bytes() != py.bytes()) {
          return px.bytes() ? -1 : 1;
        }
        double gx = (double) x[3];
        double gy = (double) y[3];
        if (!px.bytes()) {
          gx = gx / Math.max(1e-9, Math.abs((double) x[1]));
          gy = gy / Math.max(1e-9, Math.abs((double) y[1]));
        }
        return Double.compare(gy, gx);
      });
      for (Object[] row : rows) {
        Part p = (Part) row[0];
        double a = (double) row[1];
        double e = (double) row[2];
        double gr = (double) row[3];
        ShapeClassifier.Result r = (ShapeClassifier.Result) row[4];
        Double share = p.bytes() && denominator > 0 ? gr / denominator : null;
        ev.ranked.add(p);
        ev.shapes.add(r);
        ev.growths.add(gr);
        ev.shares.add(share);
        if (ev.contributors.size() < MAX_CONTRIBUTORS) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("metric", p.metric());
          m.put("labels", p.labels());
          m.put("unit", p.bytes() ? "bytes" : p.kv() ? "ratio" : "value");
          m.put("afterWarmup", number(a));
          m.put("atEvent", number(e));
          m.put("growth", number(gr));
          if (share != null) {
            m.put("share", round(share));
          }
          m.put("shape", r.shape.id);
          if (!r.trend.isEmpty()) {
            m.put("trend", r.trend);
          }
          ev.contributors.add(m);
        }
      }
      ev.cause = cause(ev);
      return ev;
    }

    /**
     * The memory over the window on one time grid, for plotting: at most {@link #TIMELINE_POINTS}
     * evenly spaced instants from the window's start to its end (the event), each series read at
     * its last point at or before each instant ({@code null} before its first point). {@code total}
     * is the measured total (the sum of the components when no total is measured); {@code components} the byte-valued contributors in rank order (the
     * first, flagged {@code top}, grew most), at most {@link #TIMELINE_COMPONENTS}; they stack to
     * the total when a residual is listed.
     */
    private static Map<String, Object> timeline(Ledger l, Evaluation ev) {
      long from = ev.start;
      long to = ev.end;
      int n = to > from ? TIMELINE_POINTS : 1;
      long[] grid = new long[n];
      for (int i = 0; i < n; i++) {
        grid[i] = n == 1 ? to : from + (long) ((double) (to - from) * i / (n - 1));
      }
      grid[n - 1] = to;
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("start", time(from));
      m.put("end", time(to));
      m.put("stepSeconds", n == 1 ? 0 : round((to - from) / 1e9 / (n - 1)));
      m.put("points", n);
      if (l.total != null) {
        m.put("total", values(l.total, grid));
      }
      List<Map<String, Object>> comps = new ArrayList<>();
      for (int i = 0; i < ev.ranked.size() && comps.size() < TIMELINE_COMPONENTS; i++) {
        Part p = ev.ranked.get(i);
        if (!p.bytes() || "total".equals(p.key())) {
          continue;
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("metric", p.metric());
        c.put("labels", p.labels());
        if (comps.isEmpty()) {
          c.put("top", true);
        }
        c.put("values", values(p.tl(), grid));
        comps.add(c);
      }
      m.put("components", comps);
      return m;
    }

    private static List<Object> values(Timeline tl, long[] grid) {
      double[] v = tl.sampleAt(grid);
      List<Object> out = new ArrayList<>(v.length);
      for (double x : v) {
        out.add(number(x));
      }
      return out;
    }

    private Shape cause(Evaluation ev) {
      if (ev.modelLoad) {
        return Shape.MODEL_LOAD;
      }
      int looked = 0;
      for (int i = 0; i < ev.ranked.size() && looked < 3; i++) {
        if (!ev.ranked.get(i).bytes()) {
          continue;
        }
        looked++;
        Double share = ev.shares.get(i);
        Shape s = ev.shapes.get(i).shape;
        if ((share == null || share >= 0.2) && s.isCause() && s != Shape.MODEL_LOAD) {
          return s;
        }
      }
      for (int i = 0; i < ev.ranked.size(); i++) {
        if (!ev.ranked.get(i).bytes() && ev.shapes.get(i).shape == Shape.KV_CACHE_GROWTH) {
          return Shape.KV_CACHE_GROWTH;
        }
      }
      return null;
    }

    private static double at(Timeline w, long t) {
      double v = w.valueAt(t);
      return Double.isNaN(v) && !w.isEmpty() ? w.v[0] : v;
    }

    // ------------------------------------------------------------ oom-attribution

    void attribute(OomEvent e) {
      Owner g = e.owner;
      String gpuHint = null;
      if (e.message != null && e.memory == Memory.GPU) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("GPU (\\d+)").matcher(e.message.text());
        gpuHint = m.find() ? m.group(1) : null;
      }
      Ledger l = ledger(g, e.memory, e.container, gpuHint);
      long seg = Long.MIN_VALUE;
      for (OomEvent x : g == null ? List.<OomEvent>of() : byOwner.getOrDefault(g, List.of())) {
        if (x != e && x.time < e.time && (x.memory == Memory.CONTAINER
            || x.memory == e.memory && eq(x.container, e.container))) {
          seg = Math.max(seg, x.lastTime + 1);
        }
      }
      long[] span = g == null ? null : g.span();
      if (span != null) {
        seg = Math.max(seg, span[0]);
        if (seg >= e.time) {
          seg = span[0];
        }
      }
      Evaluation ev = null;
      if (g != null && span != null && (l.total != null || !l.parts.isEmpty())) {
        ev = evaluate(g, l, e.container, seg, e.time);
      }
      Shape cause = ev == null ? null : ev.cause;
      if (e.kind.equals("No available memory for the cache blocks")) {
        cause = Shape.MODEL_LOAD;
      }
      if (e.message != null && e.memory == Memory.GPU && e.message.reservedUnallocated() > 0
          && e.message.reservedUnallocated() >= e.message.requested()) {
        cause = Shape.FRAGMENTATION;
      }
      double limit = ev == null ? Double.NaN : ev.limit;
      String limitSource = l.limitSource;
      if (e.message != null && e.message.limit() > 0) {
        limit = e.message.limit();
        limitSource = "OutOfMemoryError message";
        if (e.memory == Memory.GPU) {
          limitSource = "CUDA out-of-memory message (total capacity)";
        }
      }
      if (ev != null && (cause == null || cause == Shape.GROWTH) && e.memory == Memory.JVM_HEAP
          && heapExhausted(g, e, ev, limit, seg)) {
        cause = Shape.HEAP_EXHAUSTION;
      }
      String causeId = cause == null ? "unknown" : cause.id;

      Finding.Builder b = Finding.builder(NAME, "oom-attribution", Severity.ERROR);
      subject(b, g, e.service, e.container, l);
      b.evidence("memory", e.memory.id)
          .evidence("kind", e.kind)
          .evidence("time", time(e.time))
          .evidence("cause", causeId)
          .evidence("limit", number(limit))
          .evidence("limitSource", Double.isFinite(limit) ? limitSource : null);
      if (ev != null) {
        Map<String, Object> total = new LinkedHashMap<>();
        if (l.totalMetric != null && Double.isFinite(ev.totalAtEnd)) {
          total.put("metric", l.totalMetric);
          total.put("labels", l.totalLabels);
          total.put(ev.modelLoad ? "atStart" : "afterWarmup", number(ev.totalBase));
          total.put("atEvent", number(ev.totalAtEnd));
          total.put("growth", number(ev.totalGrowth));
          b.evidence("total", total);
        }
        Map<String, Object> window = new LinkedHashMap<>();
        window.put("start", time(seg));
        window.put("warmupEnd", time(ev.warmupEnd));
        window.put("event", time(e.time));
        b.evidence("window", window);
        Map<String, Object> load = new LinkedHashMap<>();
        load.put("series", ev.hasLoad);
        load.put("requestsFlowed", ev.hasLoad ? ev.requestsFlowed : null);
        load.put("rising", ev.hasLoad ? ev.loadRising : null);
        b.evidence("load", load);
        b.evidence("contributors", ev.contributors);
        b.evidence("timeline", timeline(l, ev));
      } else {
        b.evidence("contributors", List.of());
      }
      if (e.message != null) {
        b.evidence("error", e.message.text());
        b.evidence("requested", number(e.message.requested()));
        b.evidence("reservedUnallocated", number(e.message.reservedUnallocated()));
        b.evidence("occurrences", e.occurrences);
      }
      b.evidence("signals", e.signals);
      b.message(attributionMessage(e, g, ev, cause, limit));
      b.hint(hint(cause, e.memory));
      out.add(b.build());
    }

    private boolean heapExhausted(Owner g, OomEvent e, Evaluation ev, double limit, long seg) {
      if (e.kind.equals("GC overhead limit exceeded")) {
        return true;
      }
      if (!(limit > 0) || !(ev.totalAtEnd >= 0.95 * limit)) {
        return false;
      }
      for (Tracked t : g.get(Role.GC_TIME, e.container)) {
        Timeline r = t.timeline().slice(seg, e.time).rate();
        if (r.size() < 8) {
          continue;
        }
        int n = r.size();
        double early = 0;
        double late = 0;
        for (int i = 0; i < n / 2; i++) {
          early += r.v[i];
        }
        for (int i = n - n / 4; i < n; i++) {
          late += r.v[i];
        }
        early /= n / 2;
        late /= n / 4;
        if (late > 2 * early && late > 0) {
          return true;
        }
      }
      return false;
    }

    private String attributionMessage(OomEvent e, Owner g, Evaluation ev, Shape cause, double limit) {
      StringBuilder sb = new StringBuilder();
      sb.append(who(g, e.service, e.container));
      if (e.memory == Memory.CONTAINER) {
        sb.append(" was OOM-killed at ").append(time(e.time));
        if (ev != null && Double.isFinite(ev.totalAtEnd)) {
          sb.append(" with ").append(bytes(ev.totalAtEnd)).append(" in use");
        }
      } else if (e.memory == Memory.GPU) {
        sb.append(" ran out of GPU memory (").append(e.kind).append(") at ").append(time(e.time));
      } else {
        sb.append(" threw OutOfMemoryError: ").append(e.kind).append(" at ").append(time(e.time));
      }
      if (Double.isFinite(limit)) {
        sb.append(" (limit ").append(bytes(limit)).append(')');
      }
      if (e.occurrences > 1) {
        sb.append(", ").append(e.occurrences).append(" times");
      }
      sb.append("; cause ").append(cause == null ? "unknown" : cause.id);
      if (ev != null && !ev.ranked.isEmpty()) {
        int top = -1;
        for (int i = 0; i < ev.ranked.size(); i++) {
          if (ev.ranked.get(i).bytes()) {
            top = i;
            break;
          }
        }
        if (top >= 0) {
          Part p = ev.ranked.get(top);
          sb.append(": ").append(p.metric()).append(labelsText(p.labels())).append(ev.modelLoad ? " took " : " grew ")
              .append(bytes(ev.growths.get(top)));
          Double share = ev.shares.get(top);
          if (share != null && share > 0) {
            sb.append(" (").append(Math.round(share * 100)).append("% of the growth)");
          }
          ShapeClassifier.Result r = ev.shapes.get(top);
          if (r.shape == Shape.LEAK) {
            sb.append(", troughs rising while load was ").append(ev.hasLoad ? "flat" : "not measured");
          } else if (r.shape == Shape.KV_CACHE_GROWTH && Double.isFinite(r.loadCorrelation)) {
            sb.append(String.format(Locale.ROOT, ", following the load (Spearman %.2f)", r.loadCorrelation));
          }
        }
      } else if (ev == null) {
        sb.append(" (no memory history for it in the dump)");
      }
      return sb.toString();
    }

    // ------------------------------------------------------------ oom-risk

    void risk(Owner g) {
      // The trend of each total is tested first; the ledger is built only for the few that rise.
      for (Tracked t : g.get(Role.CONTAINER_TOTAL)) {
        Tracked limit = first(g.get(Role.CONTAINER_LIMIT, t.container));
        if (limit != null) {
          riskOf(g, Memory.CONTAINER, t.container, t.timeline(), limit.timeline(),
              () -> ledger(g, Memory.CONTAINER, t.container, null));
        }
      }
      if (g.has(Role.HEAP_MAX)) {
        Ledger l = ledger(g, Memory.JVM_HEAP, null, null);
        riskOf(g, Memory.JVM_HEAP, null, l.total, l.limit, () -> l);
      }
      for (Tracked t : g.get(Role.GPU_TOTAL)) {
        Ledger l = ledger(g, Memory.GPU, null, t.gpu);
        riskOf(g, Memory.GPU, null, l.total, l.limit, () -> l);
      }
    }

    private void riskOf(Owner g, Memory m, String c, Timeline total, Timeline limits, Supplier<Ledger> ledger) {
      if (total == null || limits == null || total.isEmpty()) {
        return;
      }
      long end = total.last();
      long seg = total.first();
      for (OomEvent e : byOwner.getOrDefault(g, List.of())) {
        if (e.time <= end && (e.memory == Memory.CONTAINER || e.memory == m)) {
          seg = Math.max(seg, e.lastTime + 1);
        }
      }
      long warmEnd = seg + o.warmup().toNanos();
      Timeline w = total.slice(warmEnd, end);
      if (w.size() < RISK_MIN_POINTS) {
        return;
      }
      // The heap's peaks touch its maximum every GC cycle: project what survives GC (troughs). Any
      // other memory is killed at a peak: project the peaks.
      Timeline x = w.extremes(30, m == Memory.JVM_HEAP);
      MannKendall.Result mk = MannKendall.test(x.v);
      if (!(mk.p() < o.significance()) || mk.s() <= 0) {
        return;
      }
      double[] h = x.hours(x.first());
      TheilSen.Line line = TheilSen.fit(h, x.v);
      double limit = limits.valueAt(end);
      if (!(limit > 0) || !(line.slope() > 0)) {
        return;
      }
      double hEnd = (end - x.first()) / 3.6e12;
      double level = line.at(hEnd);
      double rise = level - line.at(0);
      if (rise < 0.02 * limit) {
        return;
      }
      double eta = level >= limit ? 0 : (limit - level) / line.slope();
      double horizon = o.horizon().toNanos() / 3.6e12;
      if (eta > horizon) {
        return;
      }
      long reaches = (end + (long) (eta * 3.6e12)) / 1_000_000_000L * 1_000_000_000L;
      Ledger l = ledger.get();
      Evaluation ev = evaluate(g, l, c, seg, end);
      Finding.Builder b = Finding.builder(NAME, "oom-risk", Severity.WARNING);
      subject(b, g, g.service, c, l);
      Map<String, Object> trend = new LinkedHashMap<>();
      trend.put("of", m == Memory.JVM_HEAP ? "troughs" : "peaks");
      trend.put("points", x.size());
      trend.put("slopePerHour", number(line.slope()));
      trend.put("mannKendallP", sig(mk.p()));
      trend.put("levelNow", number(level));
      b.evidence("memory", m.id)
          .evidence("metric", l.totalMetric)
          .evidence("limit", number(limit))
          .evidence("limitSource", l.limitSource)
          .evidence("reachesLimitAt", time(reaches))
          .evidence("hoursFromEndOfData", round(eta))
          .evidence("horizonHours", round(horizon))
          .evidence("trend", trend)
          .evidence("likelyCause", ev.cause == null ? "unknown" : ev.cause.id);
      Map<String, Object> window = new LinkedHashMap<>();
      window.put("start", time(seg));
      window.put("warmupEnd", time(ev.warmupEnd));
      window.put("end", time(end));
      b.evidence("window", window);
      b.evidence("contributors", ev.contributors);
      b.evidence("timeline", timeline(l, ev));
      String what = m == Memory.JVM_HEAP ? "heap after GC" : m == Memory.GPU ? "GPU memory" : "memory";
      b.message(String.format(Locale.ROOT, "%s: %s grows %s/h (Mann–Kendall p=%s) and reaches its %s limit"
              + " at %s, %s after the data ends", who(g, g.service, c), what, bytes(line.slope()), pText(mk.p()),
          bytes(limit), time(reaches), duration(eta)));
      b.hint("act before the limit is reached: "
          + hint(ev.cause, m).substring(0, 1).toLowerCase(Locale.ROOT) + hint(ev.cause, m).substring(1));
      out.add(b.build());
    }

    // ------------------------------------------------------------ wording

    private static void subject(Finding.Builder b, Owner g, String service, String container, Ledger l) {
      b.subject("service", service);
      Map<String, Object> labels = new LinkedHashMap<>();
      if (g != null) {
        labels.putAll(g.identity);
      }
      if (container != null) {
        labels.put("container", container);
      }
      if (!labels.isEmpty()) {
        b.subject("labels", labels);
      }
      b.subject("metric", l.syntheticTotal ? null : l.totalMetric);
      b.subject("device", l.device);
    }

    private static String who(Owner g, String service, String container) {
      if (g != null && g.identity.containsKey("pod")) {
        Object ns = g.identity.get("namespace");
        return (container == null ? "" : "container " + container + " of ")
            + "pod " + (ns == null ? "" : ns + "/") + g.identity.get("pod");
      }
      String s = service == null ? "unknown service" : "service " + service;
      if (g != null && g.identity.containsKey("instance")) {
        s += " (" + g.identity.get("instance") + ")";
      } else if (g != null && g.identity.containsKey("service.instance.id")) {
        s += " (" + g.identity.get("service.instance.id") + ")";
      }
      return s;
    }

    private static String labelsText(Map<String, Object> labels) {
      if (labels.isEmpty()) {
        return "";
      }
      StringBuilder sb = new StringBuilder("{");
      for (Map.Entry<String, Object> e : labels.entrySet()) {
        if (e.getKey().equals("id") || e.getKey().equals("area") || e.getKey().equals("pool")
            || e.getKey().startsWith("jvm.")) {
          sb.append(sb.length() > 1 ? "," : "").append(e.getKey()).append("=\"").append(e.getValue()).append('"');
        }
      }
      return sb.length() == 1 ? "" : sb.append('}').toString();
    }

    private static String hint(Shape cause, Memory m) {
      if (cause == null) {
        return "No known shape fits: compare the contributors' growth, and capture a heap dump, NMT diff"
            + " or memory snapshot at the next occurrence.";
      }
      switch (cause) {
        case KV_CACHE_GROWTH:
          return "Memory follows the tokens in flight: cap concurrent sequences and context length (vLLM"
              + " --max-num-seqs, --max-model-len, lower --gpu-memory-utilization or swap space), or raise the limit.";
        case LEAK:
          if (m == Memory.JVM_HEAP) {
            return "Memory that is never released: compare two heap dumps or class histograms (jcmd"
                + " GC.class_histogram) to find what holds it, and bound that cache or collection.";
          }
          return "Memory that is never released: diff two snapshots (jcmd VM.native_memory summary.diff, two heap"
              + " dumps) to find what holds it; direct buffers must be released or pooled with a bound.";
        case BATCH_SPIKE:
          return "The largest batch does not fit: cap batch size or tokens per batch (--max-num-batched-tokens,"
              + " max_batch_total_tokens) or raise the limit.";
        case MODEL_LOAD:
          return "The model does not fit at start-up: use a smaller or quantized model, shard it, or raise the limit.";
        case HEAP_EXHAUSTION:
          return "The live set fills -Xmx while GC time rises: raise -Xmx (and the container limit with it)"
              + " or shrink caches and batch buffers.";
        case FRAGMENTATION:
          return "Reserved but unallocated GPU memory exceeded the failed request: set"
              + " PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True or release cached blocks.";
        default:
          return m == Memory.CONTAINER
              ? "Compare the contributors' growth; raise the limit or bound the component that grew."
              : "Compare the contributors' growth and bound the component that grew.";
      }
    }
  }

  // ---------------------------------------------------------------- small helpers

  private static boolean eq(String a, String b) {
    return a == null ? b == null : a.equals(b);
  }

  /** Series whose container is exactly {@code c} (null: those without a container). */
  private static List<Tracked> exact(List<Tracked> ts, String c) {
    List<Tracked> out = new ArrayList<>();
    for (Tracked t : ts) {
      if (eq(t.container, c)) {
        out.add(t);
      }
    }
    return out;
  }

  private static Tracked first(List<Tracked> ts) {
    return ts.isEmpty() ? null : ts.get(0);
  }

  private static Tracked firstGpu(List<Tracked> ts, String gpu) {
    for (Tracked t : ts) {
      if (gpu == null || gpu.equals(t.gpu)) {
        return t;
      }
    }
    return null;
  }
}
