package dev.traceguard.commands.profile;

import dev.traceguard.analyzers.jvm.JvmMetrics;
import dev.traceguard.commands.ExitCode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadInfo;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.Attribute;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;

/**
 * Takes one {@link Snapshot} of an attached JVM per call: memory pools, buffer pools, GC, threads,
 * CPU, classes, JIT, Native Memory Tracking (when the target has it on), and from {@code /proc}
 * the resident size and the memory cgroup.
 */
final class Sampler {
  private static final Pattern NMT_LINE = Pattern.compile(
      "^(?:-\\s+)?([A-Za-z][A-Za-z ]*?)\\s*(?::\\s*|\\()reserved=(\\d+)([KMG]?B), committed=(\\d+)([KMG]?B)");

  private final long pid;
  private final MBeanServerConnection mbs;
  private final Clock clock;
  private final GpuMemory gpu;
  private final List<String> notes;
  private final ObjectName memory;
  private final List<ObjectName> pools;
  private final List<ObjectName> buffers;
  private final List<ObjectName> collectors;
  private final ObjectName threading;
  private final ObjectName os;
  private final ObjectName classes;
  private final ObjectName jit;
  private final ObjectName diagnostic;
  private boolean allocatedAvailable = true;
  private boolean nmtAvailable = true;
  /**
   * The target's performance data file, or null. Read here, it gives memory pools, GC, classes and
   * JIT without a JMX round trip each: every round trip costs the target CPU (RMI, serialization,
   * and the JIT compiling both), so a sample makes as few as it can.
   */
  private java.nio.file.Path perfFile;

  /**
   * Finds the MBeans to read. Reads go through {@link MBeanServerConnection#getAttributes} (one
   * round trip per MBean and sample) rather than MXBean proxies (one per attribute): on a busy
   * target every round trip waits for a scheduler slot.
   */
  Sampler(long pid, MBeanServerConnection mbs, Clock clock, GpuMemory gpu, List<String> notes) throws IOException {
    this.pid = pid;
    this.mbs = mbs;
    this.clock = clock;
    this.gpu = gpu;
    this.notes = notes;
    this.perfFile = PerfData.find(pid, ProcFs.nsPid(pid));
    try {
      this.memory = new ObjectName(ManagementFactory.MEMORY_MXBEAN_NAME);
      this.pools = names(ManagementFactory.MEMORY_POOL_MXBEAN_DOMAIN_TYPE + ",*");
      this.buffers = names("java.nio:type=BufferPool,*");
      this.collectors = names(ManagementFactory.GARBAGE_COLLECTOR_MXBEAN_DOMAIN_TYPE + ",*");
      this.threading = new ObjectName(ManagementFactory.THREAD_MXBEAN_NAME);
      this.os = new ObjectName(ManagementFactory.OPERATING_SYSTEM_MXBEAN_NAME);
      this.classes = new ObjectName(ManagementFactory.CLASS_LOADING_MXBEAN_NAME);
      this.jit = new ObjectName(ManagementFactory.COMPILATION_MXBEAN_NAME);
      this.diagnostic = new ObjectName("com.sun.management:type=DiagnosticCommand");
    } catch (javax.management.MalformedObjectNameException e) {
      throw new IllegalStateException(e);
    }
  }

  private List<ObjectName> names(String pattern) throws IOException, javax.management.MalformedObjectNameException {
    List<ObjectName> l = new ArrayList<>(mbs.queryNames(new ObjectName(pattern), null));
    l.sort(null);
    return l;
  }

  /** The attributes of one MBean in one round trip, by name; missing ones are absent. */
  private Map<String, Object> attributes(ObjectName name, String... attributes) throws Exception {
    Map<String, Object> m = new java.util.HashMap<>();
    for (Object o : mbs.getAttributes(name, attributes)) {
      Attribute a = (Attribute) o;
      m.put(a.getName(), a.getValue());
    }
    return m;
  }

  private static double number(Map<String, Object> m, String key) {
    Object o = m.get(key);
    return o instanceof Number ? ((Number) o).doubleValue() : Double.NaN;
  }

  private static MemoryUsage usage(Object o) {
    return o instanceof CompositeData ? MemoryUsage.from((CompositeData) o) : null;
  }

  /** One part of a sample; a failing part is skipped, the others still count. */
  private interface Part {
    void read(Snapshot s) throws Exception;
  }

  /**
   * Takes a sample.
   *
   * @throws ProfileFailure {@link ExitCode#TARGET_EXITED} when the process is gone, {@link
   *     ExitCode#MANAGEMENT_FAILED} when the connection no longer answers
   */
  Snapshot sample() throws ProfileFailure {
    long now = clock.millis();
    Snapshot s = new Snapshot(now * 1_000_000L);
    full = kept == null || fullNext || rounds % FULL_EVERY == 0;
    rounds++;
    fullNext = false;
    if (full) {
      kept = new Snapshot(s.time());
    }
    Part[] parts = perfFile != null
        ? new Part[] {this::buffers, this::perf, this::threads, this::cpu, this::nmt}
        : new Part[] {this::buffers, this::memory, this::gc, this::threads, this::cpu, this::nmt};
    int failed = 0;
    Exception last = null;
    for (Part p : parts) {
      try {
        p.read(s);
      } catch (Exception e) {
        failed++;
        last = e;
      }
    }
    if (failed > 0 && !ProcFs.exists(pid)) {
      throw new ProfileFailure(ExitCode.TARGET_EXITED, "process " + pid + " exited while being profiled");
    }
    if (failed == parts.length) {
      char state = ProcFs.state(pid);
      boolean timedOut = state == 'T' || state == 't';
      for (Throwable t = last; t != null; t = t.getCause()) {
        timedOut |= t instanceof java.net.SocketTimeoutException;
      }
      if (timedOut) {
        throw new ProfileFailure(ExitCode.ATTACH_TIMEOUT, "process " + pid + " stopped answering JMX calls within"
            + " --attach-timeout" + (state == 'T' || state == 't' ? " (it is stopped: kill -CONT " + pid + ")" : " (hung?)"), last);
      }
      throw new ProfileFailure(ExitCode.MANAGEMENT_FAILED, "the JMX connection to process " + pid
          + " stopped answering: " + last, last);
    }
    if (!full) {
      s.addAll(kept);
    }
    process(pid, gpu, s);
    return s;
  }

  /**
   * Adds what {@code read} finds to {@code s} on a full round, and keeps it; in between adds the
   * kept figures again without asking the target.
   */
  private void slow(Snapshot s, Part read) throws Exception {
    if (!full) {
      return;  // sample() adds the kept figures.
    }
    Snapshot got = new Snapshot(s.time());
    read.read(got);
    s.addAll(got);
    kept.addAll(got);
  }

  private void memory(Snapshot s) throws Exception {
    Map<String, Object> m = attributes(memory, "HeapMemoryUsage", "NonHeapMemoryUsage");
    MemoryUsage heap = usage(m.get("HeapMemoryUsage"));
    if (heap != null) {
      s.gauge(JvmMetrics.HEAP_USED, heap.getUsed(), "By");
      s.gauge(JvmMetrics.HEAP_COMMITTED, heap.getCommitted(), "By");
      if (heap.getMax() > 0) {
        s.gauge(JvmMetrics.HEAP_LIMIT, heap.getMax(), "By");
      }
    }
    MemoryUsage nonHeap = usage(m.get("NonHeapMemoryUsage"));
    if (nonHeap != null) {
      s.gauge(JvmMetrics.NON_HEAP_USED, nonHeap.getUsed(), "By");
    }
    for (ObjectName n : pools) {
      Map<String, Object> p = attributes(n, "Name", "Type", "Usage", "CollectionUsage");
      MemoryUsage u = usage(p.get("Usage"));
      if (u == null) {
        continue;
      }
      String type = "HEAP".equals(String.valueOf(p.get("Type"))) ? "heap" : "non_heap";
      String[] l = {JvmMetrics.MEMORY_TYPE, type, JvmMetrics.POOL, String.valueOf(p.get("Name"))};
      s.gauge(JvmMetrics.MEMORY_USED, u.getUsed(), "By", l);
      s.gauge(JvmMetrics.MEMORY_COMMITTED, u.getCommitted(), "By", l);
      if (u.getMax() > 0) {
        s.gauge(JvmMetrics.MEMORY_LIMIT, u.getMax(), "By", l);
      }
      MemoryUsage after = usage(p.get("CollectionUsage"));
      if (after != null) {
        s.gauge(JvmMetrics.MEMORY_USED_AFTER_GC, after.getUsed(), "By", l);
      }
    }
  }

  /**
   * Direct buffers every sample (what native-memory-growth follows); the mapped pools, which move
   * with files mapped rather than with traffic, on full rounds.
   */
  private void buffers(Snapshot s) throws Exception {
    for (ObjectName n : buffers) {
      boolean direct = "direct".equals(n.getKeyProperty("name"));
      if (direct) {
        buffer(n, s);
      } else {
        slow(s, x -> buffer(n, x));
      }
    }
  }

  private void buffer(ObjectName n, Snapshot s) throws Exception {
    Map<String, Object> b = attributes(n, "Name", "MemoryUsed", "TotalCapacity", "Count");
    String[] l = {JvmMetrics.BUFFER_POOL, String.valueOf(b.get("Name"))};
    s.gauge(JvmMetrics.BUFFER_USED, number(b, "MemoryUsed"), "By", l);
    s.gauge(JvmMetrics.BUFFER_LIMIT, number(b, "TotalCapacity"), "By", l);
    s.gauge(JvmMetrics.BUFFER_COUNT, number(b, "Count"), "{buffer}", l);
  }

  private void gc(Snapshot s) throws Exception {
    for (ObjectName n : collectors) {
      Map<String, Object> g = attributes(n, "Name", "CollectionCount", "CollectionTime");
      String[] l = {JvmMetrics.GC_NAME, String.valueOf(g.get("Name"))};
      s.counter(JvmMetrics.GC_COUNT, number(g, "CollectionCount"), "{collection}", l);
      s.counter(JvmMetrics.GC_TIME, number(g, "CollectionTime") / 1000.0, "s", l);
    }
  }

  /**
   * Every {@value #FULL_EVERY}th sample (and the first, and the one {@link #fullNext()} asks for)
   * is a full round: it also reads what moves slowly or costs the target most, namely thread
   * states and deadlocks (two operations at a safepoint), the mapped buffer pools, non-heap memory
   * (the code cache) and Native Memory Tracking (a diagnostic command that formats a report).
   * Samples in between repeat those figures, and read the rest afresh: heap, pools, GC, classes and
   * JIT (from the performance data file, no round trip), allocation, direct buffers and CPU. Each
   * JMX round trip costs the target CPU: RMI, serialization, and the JIT compiling both.
   */
  static final int FULL_EVERY = 5;
  private int rounds;
  private boolean fullNext;
  private boolean full;
  /** What the last full round read of the slow parts; added to the samples in between. */
  private Snapshot kept;

  /** Makes the next sample read everything afresh (the last one of a run). */
  void fullNext() {
    fullNext = true;
  }

  private void threads(Snapshot s) throws Exception {
    Map<String, Object> t = full ? attributes(threading, "AllThreadIds", "TotalThreadAllocatedBytes")
        : allocatedAvailable ? attributes(threading, "TotalThreadAllocatedBytes") : Map.of();
    if (allocatedAvailable) {
      Object v = t.get("TotalThreadAllocatedBytes");
      if (v instanceof Long && (Long) v >= 0) {
        s.counter(JvmMetrics.ALLOCATED, (Long) v, "By");
      } else {
        allocatedAvailable = false;
      }
    }
    if (full) {
      slow(s, x -> threadStates(t, x));
    }
  }

  private void threadStates(Map<String, Object> t, Snapshot s) throws Exception {
    long[] ids = (long[]) t.get("AllThreadIds");
    Map<Thread.State, Integer> states = new EnumMap<>(Thread.State.class);
    for (ThreadInfo i : threadInfo(ids)) {
      states.merge(i.getThreadState(), 1, Integer::sum);
    }
    for (Thread.State st : Thread.State.values()) {
      s.gauge(JvmMetrics.THREAD_COUNT, states.getOrDefault(st, 0), "{thread}",
          JvmMetrics.THREAD_STATE, st.name().toLowerCase(Locale.ROOT));
    }
    long[] dead = (long[]) mbs.invoke(threading, "findDeadlockedThreads", new Object[0], new String[0]);
    if (dead != null) {
      for (ThreadInfo i : threadInfo(dead)) {
        s.gauge(JvmMetrics.THREAD_DEADLOCKED, 1, "{thread}", JvmMetrics.THREAD_NAME, i.getThreadName());
      }
    }
  }

  private List<ThreadInfo> threadInfo(long[] ids) throws Exception {
    List<ThreadInfo> out = new ArrayList<>();
    if (ids == null || ids.length == 0) {
      return out;
    }
    CompositeData[] cd = (CompositeData[]) mbs.invoke(threading, "getThreadInfo", new Object[] {ids, 0},
        new String[] {long[].class.getName(), int.class.getName()});
    for (CompositeData c : cd) {
      if (c != null) {
        out.add(ThreadInfo.from(c));
      }
    }
    return out;
  }

  /**
   * Heap, pools, GC, classes and JIT from the performance data file; non-heap from JMX (the file
   * has no code cache). When the file cannot be read, this sample and the next ones ask JMX.
   */
  private void perf(Snapshot s) throws Exception {
    PerfData p = null;
    try {
      p = PerfData.read(perfFile);
    } catch (IOException | RuntimeException e) {
      p = null;
    }
    if (p == null) {
      perfFile = null;
      memory(s);
      gc(s);
      return;
    }
    AttachSnapshot.perfPoints(p, s);
    slow(s, x -> {
      MemoryUsage nonHeap = usage(attributes(memory, "NonHeapMemoryUsage").get("NonHeapMemoryUsage"));
      if (nonHeap != null) {
        x.gauge(JvmMetrics.NON_HEAP_USED, nonHeap.getUsed(), "By");
      }
    });
  }

  /**
   * Where the target's and the machine's CPU load come from instead of the operating-system MBean:
   * the JFR stream's {@code jdk.CPULoad} events, which the target records anyway while streamed.
   * Its CPU time then comes from /proc. Saves a JMX round trip per sample, about a millisecond of
   * the target's CPU. Until the stream has a figure, the MBean is read.
   */
  void cpuLoadFrom(Supplier<double[]> jvmAndMachine) {
    this.cpuLoad = jvmAndMachine;
  }

  private Supplier<double[]> cpuLoad;

  private void cpu(Snapshot s) throws Exception {
    double[] jfr = cpuLoad == null ? null : cpuLoad.get();
    double time = jfr == null || Double.isNaN(jfr[0]) || Double.isNaN(jfr[1]) ? Double.NaN : ProcFs.cpuSeconds(pid);
    if (!Double.isNaN(time)) {
      s.gauge(JvmMetrics.CPU_UTILIZATION, Math.max(0, jfr[0]), "1");
      s.gauge(JvmMetrics.SYSTEM_CPU_UTILIZATION, Math.max(0, jfr[1]), "1");
      s.counter(JvmMetrics.CPU_TIME, time, "s");
    } else {
      Map<String, Object> o = attributes(os, "ProcessCpuLoad", "CpuLoad", "SystemCpuLoad", "ProcessCpuTime");
      s.gauge(JvmMetrics.CPU_UTILIZATION, Math.max(0, number(o, "ProcessCpuLoad")), "1");
      double machine = o.containsKey("CpuLoad") ? number(o, "CpuLoad") : number(o, "SystemCpuLoad");
      s.gauge(JvmMetrics.SYSTEM_CPU_UTILIZATION, Math.max(0, machine), "1");
      s.counter(JvmMetrics.CPU_TIME, number(o, "ProcessCpuTime") / 1e9, "s");
    }
    if (perfFile != null) {
      return;  // Classes and JIT came with the performance data.
    }
    s.gauge(JvmMetrics.CLASS_COUNT, number(attributes(classes, "LoadedClassCount"), "LoadedClassCount"), "{class}");
    Map<String, Object> j = attributes(jit, "TotalCompilationTime");
    if (j.containsKey("TotalCompilationTime")) {
      s.counter(JvmMetrics.JIT_TIME, number(j, "TotalCompilationTime") / 1000.0, "s");
    }
  }

  private void nmt(Snapshot s) throws Exception {
    if (nmtAvailable) {
      slow(s, this::nmtNow);
    }
  }

  private void nmtNow(Snapshot s) throws Exception {
    String out;
    try {
      out = (String) mbs.invoke(diagnostic, "vmNativeMemory", new Object[] {new String[] {"summary"}},
          new String[] {String[].class.getName()});
    } catch (javax.management.InstanceNotFoundException | javax.management.ReflectionException e) {
      nmtAvailable = false;
      return;
    }
    if (!nmtPoints(out, s)) {
      nmtAvailable = false;
      notes.add(NMT_OFF);
    }
  }

  /** The note when the target does not track its native memory. */
  static final String NMT_OFF = "Native Memory Tracking is off in the target; start it with"
      + " -XX:NativeMemoryTracking=summary to see the JVM's own native memory by category";

  /**
   * Adds the committed size of each category of a {@code VM.native_memory summary} output to
   * {@code s}; false when the target does not track its native memory.
   */
  static boolean nmtPoints(String out, Snapshot s) {
    if (out == null || out.contains("not enabled")) {
      return false;
    }
    for (String line : out.split("\n")) {
      Matcher m = NMT_LINE.matcher(line.trim());
      // "mmap:" and "malloc:" lines break a category down; they are not categories.
      if (m.find() && !m.group(1).trim().equals("mmap") && !m.group(1).trim().equals("malloc")) {
        s.gauge(JvmMetrics.NMT_COMMITTED, bytes(m.group(4), m.group(5)), "By",
            JvmMetrics.NMT_CATEGORY, m.group(1).trim());
      }
    }
    return true;
  }

  private static double bytes(String n, String unit) {
    long v = Long.parseLong(n);
    switch (unit) {
      case "KB":
        return v * 1024.0;
      case "MB":
        return v * 1024.0 * 1024;
      case "GB":
        return v * 1024.0 * 1024 * 1024;
      default:
        return v;
    }
  }

  /** Resident size, memory cgroup and GPU memory of {@code pid}, from /proc and {@code gpu}. */
  static void process(long pid, GpuMemory gpu, Snapshot s) {
    long rss = ProcFs.rssBytes(pid);
    if (rss >= 0) {
      s.gauge(JvmMetrics.RSS, rss, "By");
    }
    ProcFs.CgroupMemory cg = ProcFs.cgroupMemory(pid);
    if (cg != null) {
      if (cg.usage() >= 0) {
        s.gauge(JvmMetrics.CONTAINER_USAGE, cg.usage(), "By");
        s.gauge(JvmMetrics.CONTAINER_WORKING_SET, cg.workingSet(), "By");
      }
      if (cg.limit() > 0) {
        s.gauge(JvmMetrics.CONTAINER_LIMIT, cg.limit(), "By");
      }
    }
    for (Map.Entry<String, Long> e : gpu.bytesByDevice(pid).entrySet()) {
      s.gauge(JvmMetrics.GPU_MEMORY, e.getValue(), "By", JvmMetrics.GPU_ID, e.getKey());
    }
  }
}
