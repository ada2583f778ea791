package dev.traceguard.commands.profile;

import dev.traceguard.analyzers.jvm.JvmMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.management.MBeanServerConnection;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedObject;
import jdk.jfr.consumer.RecordedThread;
import jdk.management.jfr.RemoteRecordingStream;

/**
 * Streams JFR events from the target over JMX ({@link RemoteRecordingStream}, target JDK 16+) and
 * folds them into per-sample values: GC pauses, safepoints, sampled allocation, CPU load, the
 * busiest threads and old-object samples. The stream closes itself silently when the target or the
 * connection fails; {@link #failure()} tells whether that happened.
 */
final class JfrCollector implements AutoCloseable {
  private final RemoteRecordingStream stream;
  private volatile boolean closing;
  private volatile String failure;
  private long events;
  private double pauseTotal;
  private double pauseMax;
  private double safepointTotal;
  private double allocationSampled;
  private double jvmCpu = Double.NaN;
  private double machineCpu = Double.NaN;
  private long oldObjects;
  private final Map<String, Double> threadCpu = new HashMap<>();
  private final Map<String, Long> oldObjectTypes = new HashMap<>();

  private JfrCollector(RemoteRecordingStream stream) {
    this.stream = stream;
  }

  /** Opens the stream on {@code mbs} and starts it. */
  static JfrCollector start(MBeanServerConnection mbs, Duration interval) throws IOException {
    RemoteRecordingStream rs = new RemoteRecordingStream(mbs);
    JfrCollector c = new JfrCollector(rs);
    try {
      Duration period = interval.compareTo(Duration.ofSeconds(1)) < 0 ? interval : Duration.ofSeconds(1);
      rs.setMaxAge(Duration.ofMinutes(10));
      rs.setMaxSize(256L << 20);
      // One settings map, sent whole: on JDK 17, settings given through enable(...).withPeriod(...)
      // and the like reach the remote recording as "enabled" alone (periodic events then come at
      // chunk start and end only, and stack traces are taken), while setSettings applies them all.
      String every = period.toMillis() + " ms";
      Map<String, String> settings = new LinkedHashMap<>();
      settings.put("jdk.GarbageCollection#enabled", "true");
      settings.put("jdk.GarbageCollection#threshold", "0 ns");
      settings.put("jdk.SafepointBegin#enabled", "true");
      settings.put("jdk.SafepointBegin#threshold", "0 ns");
      // Neither event's stack trace is read here, and capturing them is the costly part: the old
      // object sampler takes one at every TLAB refill of the target, in its request threads.
      settings.put("jdk.ObjectAllocationSample#enabled", "true");
      settings.put("jdk.ObjectAllocationSample#throttle", "150/s");
      settings.put("jdk.ObjectAllocationSample#stackTrace", "false");
      settings.put("jdk.CPULoad#enabled", "true");
      settings.put("jdk.CPULoad#period", every);
      settings.put("jdk.ThreadCPULoad#enabled", "true");
      settings.put("jdk.ThreadCPULoad#period", every);
      settings.put("jdk.OldObjectSample#enabled", "true");
      settings.put("jdk.OldObjectSample#cutoff", "0 ns");
      settings.put("jdk.OldObjectSample#stackTrace", "false");
      rs.setSettings(settings);
      rs.onEvent("jdk.GarbageCollection", c::gc);
      rs.onEvent("jdk.SafepointBegin", c::safepoint);
      rs.onEvent("jdk.ObjectAllocationSample", c::allocation);
      rs.onEvent("jdk.CPULoad", c::cpu);
      rs.onEvent("jdk.ThreadCPULoad", c::threadCpu);
      rs.onEvent("jdk.OldObjectSample", c::oldObject);
      rs.onError(t -> c.failure = "JFR stream failed: " + t);
      rs.onClose(() -> {
        if (!c.closing && c.failure == null) {
          c.failure = "the JFR stream closed on its own (the target stopped the recording, exited, or the"
              + " connection broke); JMX values go on";
        }
      });
      rs.startAsync();
    } catch (RuntimeException e) {
      rs.close();
      throw new IOException("cannot start the JFR stream: " + e.getMessage(), e);
    }
    return c;
  }

  private synchronized void gc(RecordedEvent e) {
    events++;
    double sum = seconds(e.getDuration("sumOfPauses"));
    pauseTotal += sum;
    pauseMax = Math.max(pauseMax, seconds(e.getDuration("longestPause")));
  }

  private synchronized void safepoint(RecordedEvent e) {
    events++;
    safepointTotal += seconds(e.getDuration());
  }

  private synchronized void allocation(RecordedEvent e) {
    events++;
    allocationSampled += e.getLong("weight");
  }

  private synchronized void cpu(RecordedEvent e) {
    events++;
    jvmCpu = e.getFloat("jvmUser") + e.getFloat("jvmSystem");
    machineCpu = e.getFloat("machineTotal");
  }

  private synchronized void threadCpu(RecordedEvent e) {
    events++;
    RecordedThread t = e.getThread();
    String name = t == null ? "?" : t.getJavaName() != null ? t.getJavaName() : t.getOSName();
    threadCpu.put(name, (double) (e.getFloat("user") + e.getFloat("system")));
  }

  private synchronized void oldObject(RecordedEvent e) {
    events++;
    oldObjects++;
    try {
      RecordedObject o = e.getValue("object");
      if (o != null && o.getClass("type") != null) {
        oldObjectTypes.merge(o.getClass("type").getName(), 1L, Long::sum);
      }
    } catch (IllegalArgumentException ex) {
      // Field layout of another JDK: count only.
    }
  }

  private static double seconds(Duration d) {
    return d == null ? 0 : d.toNanos() / 1e9;
  }

  /** Adds this interval's values to {@code s} and starts the next interval. */
  synchronized void fold(Snapshot s) {
    s.counter(JvmMetrics.JFR_GC_PAUSE, pauseTotal, "s");
    s.gauge(JvmMetrics.JFR_GC_PAUSE_MAX, pauseMax, "s");
    s.counter(JvmMetrics.JFR_SAFEPOINT, safepointTotal, "s");
    s.counter(JvmMetrics.JFR_ALLOCATION, allocationSampled, "By");
    pauseMax = 0;
  }

  /** Events received so far. */
  synchronized long events() {
    return events;
  }

  /** Latest JVM CPU (user+system) and machine CPU load from JFR, NaN until the first event. */
  synchronized double[] cpuLoad() {
    return new double[] {jvmCpu, machineCpu};
  }

  /** The busiest threads by CPU in the latest period, at most {@code n}. */
  synchronized Map<String, Double> topThreads(int n) {
    List<Map.Entry<String, Double>> l = new ArrayList<>(threadCpu.entrySet());
    l.sort((a, b) -> Double.compare(b.getValue(), a.getValue()));
    Map<String, Double> out = new LinkedHashMap<>();
    for (Map.Entry<String, Double> e : l.subList(0, Math.min(n, l.size()))) {
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  /** Summary for the final report. */
  synchronized Map<String, Object> summary() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("events", events);
    m.put("gcPauseSeconds", Math.round(pauseTotal * 1e6) / 1e6);
    m.put("safepointSeconds", Math.round(safepointTotal * 1e6) / 1e6);
    m.put("allocationSampledBytes", (long) allocationSampled);
    m.put("topThreadsCpu", topThreads(5));
    m.put("oldObjectSamples", oldObjects);
    List<Map.Entry<String, Long>> types = new ArrayList<>(oldObjectTypes.entrySet());
    types.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
    Map<String, Long> top = new LinkedHashMap<>();
    for (Map.Entry<String, Long> e : types.subList(0, Math.min(5, types.size()))) {
      top.put(e.getKey(), e.getValue());
    }
    m.put("oldObjectTypes", top);
    if (failure != null) {
      m.put("failure", failure);
    }
    return m;
  }

  /** Why the stream stopped on its own, or null. */
  String failure() {
    return failure;
  }

  /** Saves what the stream holds as a .jfr file (before {@link #close}). */
  void dump(Path file) throws IOException {
    stream.dump(file);
  }

  @Override
  public void close() {
    closing = true;
    stream.close();
  }
}
