package dev.traceguard.commands.profile;

import dev.traceguard.analyzers.jvm.JvmMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders samples for people: a block refreshed in place on a terminal, or one line per sample. */
final class ProfileView {
  private ProfileView() {}

  static String bytes(double b) {
    if (Double.isNaN(b)) {
      return "-";
    }
    double a = Math.abs(b);
    if (a >= 1L << 30) {
      return String.format(Locale.ROOT, "%.2f GiB", b / (1L << 30));
    }
    if (a >= 1L << 20) {
      return String.format(Locale.ROOT, "%.1f MiB", b / (1L << 20));
    }
    if (a >= 1L << 10) {
      return String.format(Locale.ROOT, "%.1f KiB", b / (1L << 10));
    }
    return String.format(Locale.ROOT, "%.0f B", b);
  }

  static String pct(double r) {
    return Double.isNaN(r) ? "-" : String.format(Locale.ROOT, "%.1f%%", r * 100);
  }

  /** Rate of a counter between two samples, per second; NaN when unknown. */
  static double rate(Snapshot prev, Snapshot cur, String name) {
    if (prev == null || cur.time() <= prev.time()) {
      return Double.NaN;
    }
    return (cur.sum(name) - prev.sum(name)) / ((cur.time() - prev.time()) / 1e9);
  }

  /** The block shown on a terminal and at the end of a table report. */
  static List<String> block(String header, Snapshot cur, Snapshot prev, JfrCollector jfr) {
    List<String> l = new ArrayList<>();
    l.add(header);
    double used = cur.sum(JvmMetrics.HEAP_USED);
    double max = cur.sum(JvmMetrics.HEAP_LIMIT);
    l.add(String.format(Locale.ROOT, "heap      %s of %s (%s), committed %s   GC %s of the time, %s collections/s   alloc %s/s",
        bytes(used), bytes(max), pct(used / max), bytes(cur.sum(JvmMetrics.HEAP_COMMITTED)),
        pct(rate(prev, cur, JvmMetrics.GC_TIME)), fmt(rate(prev, cur, JvmMetrics.GC_COUNT)),
        bytes(rate(prev, cur, JvmMetrics.ALLOCATED))));
    StringBuilder pools = new StringBuilder("pools    ");
    for (Snapshot.Point p : cur.named(JvmMetrics.MEMORY_USED)) {
      pools.append(' ').append(p.labels().get(JvmMetrics.POOL)).append(' ').append(bytes(p.value())).append(',');
    }
    l.add(pools.substring(0, pools.length() - 1));
    l.add(String.format(Locale.ROOT, "buffers   direct %s (%s buffers)   mapped %s (%s)   non-heap %s",
        bytes(cur.get(JvmMetrics.BUFFER_USED, JvmMetrics.BUFFER_POOL, "direct")),
        count(cur.get(JvmMetrics.BUFFER_COUNT, JvmMetrics.BUFFER_POOL, "direct")),
        bytes(cur.get(JvmMetrics.BUFFER_USED, JvmMetrics.BUFFER_POOL, "mapped")),
        count(cur.get(JvmMetrics.BUFFER_COUNT, JvmMetrics.BUFFER_POOL, "mapped")),
        bytes(cur.sum(JvmMetrics.NON_HEAP_USED))));
    StringBuilder th = new StringBuilder();
    for (Snapshot.Point p : cur.named(JvmMetrics.THREAD_COUNT)) {
      if (p.value() > 0) {
        th.append(th.length() == 0 ? "" : ", ").append(p.labels().get(JvmMetrics.THREAD_STATE)).append(' ')
            .append((long) p.value());
      }
    }
    l.add(String.format(Locale.ROOT, "process   RSS %s   CPU %s (machine %s)   threads %.0f (%s)   classes %.0f   JIT %.1f s",
        bytes(cur.sum(JvmMetrics.RSS)), pct(cur.sum(JvmMetrics.CPU_UTILIZATION)),
        pct(cur.sum(JvmMetrics.SYSTEM_CPU_UTILIZATION)), cur.sum(JvmMetrics.THREAD_COUNT), th,
        cur.sum(JvmMetrics.CLASS_COUNT), cur.sum(JvmMetrics.JIT_TIME)));
    double limit = cur.sum(JvmMetrics.CONTAINER_LIMIT);
    double ws = cur.sum(JvmMetrics.CONTAINER_WORKING_SET);
    if (!Double.isNaN(ws)) {
      l.add(String.format(Locale.ROOT, "cgroup    working set %s (usage %s) of %s%s", bytes(ws),
          bytes(cur.sum(JvmMetrics.CONTAINER_USAGE)), Double.isNaN(limit) ? "no limit" : bytes(limit),
          Double.isNaN(limit) ? "" : " (" + pct(ws / limit) + ")"));
    }
    List<Snapshot.Point> nmt = cur.named(JvmMetrics.NMT_COMMITTED);
    if (!nmt.isEmpty()) {
      nmt.sort((a, b) -> Double.compare(b.value(), a.value()));
      StringBuilder sb = new StringBuilder("NMT      ");
      for (Snapshot.Point p : nmt.subList(0, Math.min(6, nmt.size()))) {
        sb.append(' ').append(p.labels().get(JvmMetrics.NMT_CATEGORY)).append(' ').append(bytes(p.value())).append(',');
      }
      l.add(sb.substring(0, sb.length() - 1));
    }
    List<Snapshot.Point> gpu = cur.named(JvmMetrics.GPU_MEMORY);
    for (Snapshot.Point p : gpu) {
      l.add("GPU       " + p.labels().get(JvmMetrics.GPU_ID) + " " + bytes(p.value()));
    }
    List<Snapshot.Point> dead = cur.named(JvmMetrics.THREAD_DEADLOCKED);
    if (!dead.isEmpty()) {
      StringBuilder sb = new StringBuilder("DEADLOCK ");
      for (Snapshot.Point p : dead) {
        sb.append(' ').append(p.labels().get(JvmMetrics.THREAD_NAME));
      }
      l.add(sb.toString());
    }
    if (jfr != null) {
      StringBuilder sb = new StringBuilder();
      for (Map.Entry<String, Double> e : jfr.topThreads(3).entrySet()) {
        sb.append(sb.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(pct(e.getValue()));
      }
      l.add(String.format(Locale.ROOT, "JFR       GC pauses %s/s (longest %s)   safepoints %s/s   top threads: %s",
          ms(rate(prev, cur, JvmMetrics.JFR_GC_PAUSE)), ms(cur.sum(JvmMetrics.JFR_GC_PAUSE_MAX)),
          ms(rate(prev, cur, JvmMetrics.JFR_SAFEPOINT)), sb.length() == 0 ? "-" : sb));
    }
    return l;
  }

  /** One line per sample, for pipes and logs. */
  static String line(double elapsed, Snapshot cur, Snapshot prev) {
    return String.format(Locale.ROOT,
        "t=%.1fs heap=%s/%s gc=%s alloc=%s/s direct=%s mapped=%s rss=%s cpu=%s threads=%.0f deadlocked=%d",
        elapsed, bytes(cur.sum(JvmMetrics.HEAP_USED)), bytes(cur.sum(JvmMetrics.HEAP_LIMIT)),
        pct(rate(prev, cur, JvmMetrics.GC_TIME)), bytes(rate(prev, cur, JvmMetrics.ALLOCATED)),
        bytes(cur.get(JvmMetrics.BUFFER_USED, JvmMetrics.BUFFER_POOL, "direct")),
        bytes(cur.get(JvmMetrics.BUFFER_USED, JvmMetrics.BUFFER_POOL, "mapped")),
        bytes(cur.sum(JvmMetrics.RSS)), pct(cur.sum(JvmMetrics.CPU_UTILIZATION)),
        cur.sum(JvmMetrics.THREAD_COUNT), cur.named(JvmMetrics.THREAD_DEADLOCKED).size()).replace(" MiB", "MiB")
        .replace(" GiB", "GiB").replace(" KiB", "KiB");
  }

  private static String ms(double seconds) {
    return Double.isNaN(seconds) ? "-" : String.format(Locale.ROOT, "%.1f ms", seconds * 1000);
  }

  private static String count(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f", v);
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v);
  }
}
