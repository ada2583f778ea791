package dev.traceguard.analyzers.jvm;

import dev.traceguard.analyzers.AnalysisOptions;
import dev.traceguard.analyzers.Analyzer;
import dev.traceguard.analyzers.FindingSink;
import dev.traceguard.analyzers.model.MetricSeries;
import dev.traceguard.analyzers.model.Resource;
import dev.traceguard.analyzers.model.Telemetry;
import dev.traceguard.analyzers.report.Finding;
import dev.traceguard.analyzers.report.Severity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Rules over JVM process samples ({@link JvmMetrics}): {@code gc-pressure}, {@code
 * native-memory-growth}, {@code container-memory-pressure} and {@code deadlock}. Runs on what
 * {@code traceguard profile} samples, live or read back from its {@code --out} dump; each process
 * (resource) is judged on its own.
 */
public final class JvmAnalyzer implements Analyzer {
  /** Analyzer name in findings and {@code --analyzers}. */
  public static final String NAME = "jvm";

  private static final double NANOS = 1e9;
  private static final double MIB = 1024.0 * 1024.0;

  /** Stateless. */
  public JvmAnalyzer() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "JVM process samples: GC pressure, native memory growth, container memory, deadlocks";
  }

  @Override
  public void analyze(Telemetry telemetry, AnalysisOptions options, FindingSink out) {
    JvmOptions o = options.get(JvmOptions.class, JvmOptions::defaults);
    Map<Resource, Map<String, List<MetricSeries>>> byProcess = new LinkedHashMap<>();
    for (MetricSeries s : telemetry.metrics().series()) {
      if (s.name().startsWith("jvm.") || s.name().startsWith("process.") || s.name().startsWith("container.")) {
        byProcess.computeIfAbsent(s.resource(), r -> new HashMap<>())
            .computeIfAbsent(s.name(), n -> new ArrayList<>())
            .add(s);
      }
    }
    int processes = 0;
    for (Map.Entry<Resource, Map<String, List<MetricSeries>>> e : byProcess.entrySet()) {
      if (!e.getValue().containsKey(JvmMetrics.HEAP_USED) && !e.getValue().containsKey(JvmMetrics.MEMORY_USED)) {
        continue;
      }
      processes++;
      Process p = new Process(e.getKey(), e.getValue());
      gcPressure(p, o, out);
      nativeGrowth(p, o, out);
      containerPressure(p, o, out);
      deadlock(p, out);
    }
    if (processes > 0) {
      // Only when there were JVM samples, so reports of other telemetry stay as they were.
      out.stat("jvmProcesses", processes);
    }
  }

  /** One process's series by name. */
  private static final class Process {
    final Resource resource;
    final Map<String, List<MetricSeries>> series;

    Process(Resource resource, Map<String, List<MetricSeries>> series) {
      this.resource = resource;
      this.series = series;
    }

    List<MetricSeries> named(String name) {
      return series.getOrDefault(name, List.of());
    }

    /** Sum over the series of {@code name} whose attribute {@code key} is {@code value} (any when key is null), per time. */
    TreeMap<Long, Double> total(String name, String key, String value) {
      TreeMap<Long, Double> t = new TreeMap<>();
      for (MetricSeries s : named(name)) {
        if (key != null && !value.equals(s.labels().get(key))) {
          continue;
        }
        for (int i = 0; i < s.size(); i++) {
          if (s.time(i) != MetricSeries.NO_TIMESTAMP && Double.isFinite(s.value(i))) {
            t.merge(s.time(i), s.value(i), Double::sum);
          }
        }
      }
      return t;
    }

    Finding.Builder finding(String rule, Severity severity) {
      Finding.Builder b = Finding.builder(NAME, rule, severity);
      Object pid = resource.attributes().get(JvmMetrics.PID);
      b.subject("pid", pid);
      String service = resource.attributes().getString("service.name");
      b.subject("service", service);
      return b;
    }

    String who() {
      Object pid = resource.attributes().get(JvmMetrics.PID);
      String cmd = resource.attributes().getString(JvmMetrics.COMMAND);
      String s = pid == null ? "the JVM" : "JVM " + pid;
      return cmd == null || cmd.isEmpty() ? s : s + " (" + cmd + ")";
    }
  }

  private static void gcPressure(Process p, JvmOptions o, FindingSink out) {
    TreeMap<Long, Double> gc = p.total(JvmMetrics.GC_TIME, null, null);
    TreeMap<Long, Double> used = p.total(JvmMetrics.HEAP_USED, null, null);
    TreeMap<Long, Double> limit = p.total(JvmMetrics.HEAP_LIMIT, null, null);
    if (gc.size() < 2 || used.isEmpty() || limit.isEmpty()) {
      return;
    }
    double window = (gc.lastKey() - gc.firstKey()) / NANOS;
    if (window <= 0) {
      return;
    }
    double gcSeconds = gc.lastEntry().getValue() - gc.firstEntry().getValue();
    double overhead = gcSeconds / window;
    double peak = 0;
    for (double v : used.values()) {
      peak = Math.max(peak, v);
    }
    double max = limit.lastEntry().getValue();
    if (max <= 0) {
      return;
    }
    double ratio = peak / max;
    if (overhead <= o.gcOverhead() || ratio < o.heapNearMax()) {
      return;
    }
    out.add(p.finding("gc-pressure", Severity.WARNING)
        .subject("field", "heap")
        .message(String.format(Locale.ROOT,
            "%s spent %.0f%% of %.1f s collecting garbage with the heap at %.0f%% of its %.0f MiB maximum",
            p.who(), overhead * 100, window, ratio * 100, max / MIB))
        .evidence("gcOverhead", round(overhead))
        .evidence("gcSeconds", round(gcSeconds))
        .evidence("windowSeconds", round(window))
        .evidence("heapUsedPeakBytes", (long) peak)
        .evidence("heapLimitBytes", (long) max)
        .evidence("heapRatio", round(ratio))
        .evidence("gcOverheadThreshold", o.gcOverhead())
        .evidence("heapNearMaxThreshold", o.heapNearMax())
        .hint("The live set barely fits: raise -Xmx (and the container limit with it), or find what holds"
            + " memory (traceguard profile --jfr, then old-object samples; jcmd PID GC.class_histogram).")
        .build());
  }

  private static void nativeGrowth(Process p, JvmOptions o, FindingSink out) {
    boolean fired = false;
    fired |= growth(p, o, out, "direct-buffers", p.total(JvmMetrics.BUFFER_USED, JvmMetrics.BUFFER_POOL, "direct"),
        "direct ByteBuffers");
    fired |= growth(p, o, out, "mapped-buffers", p.total(JvmMetrics.BUFFER_USED, JvmMetrics.BUFFER_POOL, "mapped"),
        "memory-mapped buffers");
    fired |= growth(p, o, out, "native-memory-tracking", p.total(JvmMetrics.NMT_COMMITTED, JvmMetrics.NMT_CATEGORY, "Total"),
        "memory the JVM itself committed (Native Memory Tracking total)");
    if (fired) {
      return;
    }
    // Resident memory not explained by the heap: native libraries' arenas (ONNX Runtime, libtorch).
    TreeMap<Long, Double> rss = p.total(JvmMetrics.RSS, null, null);
    TreeMap<Long, Double> heap = p.total(JvmMetrics.HEAP_COMMITTED, null, null);
    TreeMap<Long, Double> outside = new TreeMap<>();
    for (Map.Entry<Long, Double> e : rss.entrySet()) {
      Double h = heap.get(e.getKey());
      if (h != null) {
        outside.put(e.getKey(), e.getValue() - h);
      }
    }
    growth(p, o, out, "rss-outside-heap", outside, "resident memory outside the heap");
  }

  private static boolean growth(Process p, JvmOptions o, FindingSink out, String field, TreeMap<Long, Double> t, String what) {
    if (t.size() < 3) {
      return false;
    }
    int n = t.size();
    double[] x = new double[n];
    double[] y = new double[n];
    int i = 0;
    for (Map.Entry<Long, Double> e : t.entrySet()) {
      x[i] = (e.getKey() - t.firstKey()) / NANOS;
      y[i] = e.getValue();
      i++;
    }
    double growth = y[n - 1] - y[0];
    if (growth < o.nativeGrowthMinBytes() || x[n - 1] <= 0) {
      return false;
    }
    int rising = 0;
    for (int k = 1; k < n; k++) {
      if (y[k] >= y[k - 1]) {
        rising++;
      }
    }
    double risingShare = rising / (double) (n - 1);
    double mx = 0;
    double my = 0;
    for (int k = 0; k < n; k++) {
      mx += x[k];
      my += y[k];
    }
    mx /= n;
    my /= n;
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int k = 0; k < n; k++) {
      sxy += (x[k] - mx) * (y[k] - my);
      sxx += (x[k] - mx) * (x[k] - mx);
      syy += (y[k] - my) * (y[k] - my);
    }
    if (sxx == 0 || syy == 0) {
      return false;
    }
    double slope = sxy / sxx;
    double r2 = sxy * sxy / (sxx * syy);
    if (slope <= 0 || r2 < o.nativeGrowthMinR2() || risingShare < o.nativeGrowthMinRisingShare()) {
      return false;
    }
    double window = x[n - 1];
    out.add(p.finding("native-memory-growth", Severity.WARNING)
        .subject("field", field)
        .message(String.format(Locale.ROOT,
            "%s: %s grew steadily by %.1f MiB in %.1f s (%.1f MiB/s, from %.1f to %.1f MiB)",
            p.who(), what, growth / MIB, window, slope / MIB, y[0] / MIB, y[n - 1] / MIB))
        .evidence("startBytes", (long) y[0])
        .evidence("endBytes", (long) y[n - 1])
        .evidence("growthBytes", (long) growth)
        .evidence("windowSeconds", round(window))
        .evidence("slopeBytesPerSecond", (long) slope)
        .evidence("r2", round(r2))
        .evidence("risingShare", round(risingShare))
        .evidence("points", n)
        .hint(hint(field))
        .build());
    return true;
  }

  private static String hint(String field) {
    switch (field) {
      case "direct-buffers":
        return "Something keeps allocating direct ByteBuffers and holding them (a cache without a bound,"
            + " tensors never closed): cap it with -XX:MaxDirectMemorySize and look for the holder in a heap"
            + " dump (jcmd PID GC.heap_dump; DirectByteBuffer instances).";
      case "mapped-buffers":
        return "Files are mapped and never unmapped (model files reopened per request?): reuse one mapping.";
      case "native-memory-tracking":
        return "Compare categories with jcmd PID VM.native_memory summary.diff after a baseline to see which grows.";
      default:
        return "Native libraries (ONNX Runtime, libtorch, TensorFlow) allocate outside the JVM's view: close"
            + " sessions, tensors and NDManagers; try -XX:NativeMemoryTracking=summary to rule out the JVM.";
    }
  }

  private static void containerPressure(Process p, JvmOptions o, FindingSink out) {
    TreeMap<Long, Double> limit = p.total(JvmMetrics.CONTAINER_LIMIT, null, null);
    TreeMap<Long, Double> ws = p.total(JvmMetrics.CONTAINER_WORKING_SET, null, null);
    String measure = "working set";
    if (ws.isEmpty()) {
      ws = p.total(JvmMetrics.CONTAINER_USAGE, null, null);
      measure = "usage";
    }
    if (limit.isEmpty() || ws.isEmpty()) {
      return;
    }
    long t = ws.lastKey();
    double max = limit.floorEntry(t) != null ? limit.floorEntry(t).getValue() : limit.firstEntry().getValue();
    double used = ws.lastEntry().getValue();
    if (max <= 0) {
      return;
    }
    double ratio = used / max;
    if (ratio < o.containerNearLimit()) {
      return;
    }
    Finding.Builder b = p.finding("container-memory-pressure", Severity.WARNING)
        .subject("field", "container.memory")
        .message(String.format(Locale.ROOT,
            "%s: its container's memory %s is %.0f%% of the %.0f MiB limit (%.0f MiB); the OOM killer is close",
            p.who(), measure, ratio * 100, max / MIB, used / MIB))
        .evidence("usedBytes", (long) used)
        .evidence("measure", measure)
        .evidence("limitBytes", (long) max)
        .evidence("ratio", round(ratio))
        .evidence("threshold", o.containerNearLimit());
    TreeMap<Long, Double> rss = p.total(JvmMetrics.RSS, null, null);
    if (!rss.isEmpty()) {
      b.evidence("rssBytes", rss.lastEntry().getValue().longValue());
    }
    TreeMap<Long, Double> heapMax = p.total(JvmMetrics.HEAP_LIMIT, null, null);
    if (!heapMax.isEmpty()) {
      b.evidence("heapLimitBytes", heapMax.lastEntry().getValue().longValue());
    }
    out.add(b.hint("Leave room outside the heap: size -Xmx (or -XX:MaxRAMPercentage) so heap + direct buffers +"
        + " metaspace + native libraries stay under the limit, or raise the container limit.").build());
  }

  private static void deadlock(Process p, FindingSink out) {
    TreeSet<String> threads = new TreeSet<>();
    long first = Long.MAX_VALUE;
    for (MetricSeries s : p.named(JvmMetrics.THREAD_DEADLOCKED)) {
      for (int i = 0; i < s.size(); i++) {
        if (s.value(i) > 0) {
          String name = s.labels().get(JvmMetrics.THREAD_NAME);
          threads.add(name == null ? "?" : name);
          first = Math.min(first, s.time(i));
        }
      }
    }
    if (threads.isEmpty()) {
      return;
    }
    out.add(p.finding("deadlock", Severity.ERROR)
        .subject("field", "threads")
        .message(String.format(Locale.ROOT, "%s: %d threads are deadlocked: %s",
            p.who(), threads.size(), String.join(", ", threads)))
        .evidence("threads", new ArrayList<>(threads))
        .evidence("count", threads.size())
        .evidence("firstSeenUnixNano", first == MetricSeries.NO_TIMESTAMP ? null : first)
        .hint("These threads wait for each other's locks forever and their requests never finish: read the"
            + " lock owners in jcmd PID Thread.print -l, then take locks in one global order.")
        .build());
  }

  private static double round(double v) {
    return Math.round(v * 1e4) / 1e4;
  }
}
