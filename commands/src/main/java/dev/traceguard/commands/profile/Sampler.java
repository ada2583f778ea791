package dev.traceguard.commands.profile;

import dev.traceguard.analyzers.jvm.JvmMetrics;
import dev.traceguard.commands.ExitCode;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;

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
  private final MemoryMXBean memory;
  private final List<MemoryPoolMXBean> pools;
  private final List<BufferPoolMXBean> buffers;
  private final List<GarbageCollectorMXBean> collectors;
  private final ThreadMXBean threads;
  private final com.sun.management.OperatingSystemMXBean os;
  private final ClassLoadingMXBean classes;
  private final CompilationMXBean jit;
  private final ObjectName threading;
  private final ObjectName diagnostic;
  private boolean allocatedAvailable = true;
  private boolean nmtAvailable = true;

  Sampler(long pid, MBeanServerConnection mbs, Clock clock, GpuMemory gpu, List<String> notes) throws IOException {
    this.pid = pid;
    this.mbs = mbs;
    this.clock = clock;
    this.gpu = gpu;
    this.notes = notes;
    this.memory = ManagementFactory.newPlatformMXBeanProxy(mbs, ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
    this.pools = ManagementFactory.getPlatformMXBeans(mbs, MemoryPoolMXBean.class);
    this.buffers = ManagementFactory.getPlatformMXBeans(mbs, BufferPoolMXBean.class);
    this.collectors = ManagementFactory.getPlatformMXBeans(mbs, GarbageCollectorMXBean.class);
    this.threads = ManagementFactory.newPlatformMXBeanProxy(mbs, ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
    this.os = ManagementFactory.newPlatformMXBeanProxy(mbs, ManagementFactory.OPERATING_SYSTEM_MXBEAN_NAME,
        com.sun.management.OperatingSystemMXBean.class);
    this.classes = ManagementFactory.newPlatformMXBeanProxy(mbs, ManagementFactory.CLASS_LOADING_MXBEAN_NAME,
        ClassLoadingMXBean.class);
    this.jit = ManagementFactory.newPlatformMXBeanProxy(mbs, ManagementFactory.COMPILATION_MXBEAN_NAME,
        CompilationMXBean.class);
    try {
      this.threading = new ObjectName(ManagementFactory.THREAD_MXBEAN_NAME);
      this.diagnostic = new ObjectName("com.sun.management:type=DiagnosticCommand");
    } catch (javax.management.MalformedObjectNameException e) {
      throw new IllegalStateException(e);
    }
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
    Part[] parts = {this::memory, this::buffers, this::gc, this::threads, this::cpu, this::nmt};
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
      throw new ProfileFailure(ExitCode.MANAGEMENT_FAILED, "the JMX connection to process " + pid
          + " stopped answering: " + last, last);
    }
    process(s);
    return s;
  }

  private void memory(Snapshot s) {
    MemoryUsage heap = memory.getHeapMemoryUsage();
    s.gauge(JvmMetrics.HEAP_USED, heap.getUsed(), "By");
    s.gauge(JvmMetrics.HEAP_COMMITTED, heap.getCommitted(), "By");
    if (heap.getMax() > 0) {
      s.gauge(JvmMetrics.HEAP_LIMIT, heap.getMax(), "By");
    }
    s.gauge(JvmMetrics.NON_HEAP_USED, memory.getNonHeapMemoryUsage().getUsed(), "By");
    for (MemoryPoolMXBean p : pools) {
      String type = p.getType() == MemoryType.HEAP ? "heap" : "non_heap";
      MemoryUsage u = p.getUsage();
      if (u == null) {
        continue;
      }
      String[] l = {JvmMetrics.MEMORY_TYPE, type, JvmMetrics.POOL, p.getName()};
      s.gauge(JvmMetrics.MEMORY_USED, u.getUsed(), "By", l);
      s.gauge(JvmMetrics.MEMORY_COMMITTED, u.getCommitted(), "By", l);
      if (u.getMax() > 0) {
        s.gauge(JvmMetrics.MEMORY_LIMIT, u.getMax(), "By", l);
      }
      MemoryUsage after = p.getCollectionUsage();
      if (after != null) {
        s.gauge(JvmMetrics.MEMORY_USED_AFTER_GC, after.getUsed(), "By", l);
      }
    }
  }

  private void buffers(Snapshot s) {
    for (BufferPoolMXBean b : buffers) {
      String[] l = {JvmMetrics.BUFFER_POOL, b.getName()};
      s.gauge(JvmMetrics.BUFFER_USED, b.getMemoryUsed(), "By", l);
      s.gauge(JvmMetrics.BUFFER_LIMIT, b.getTotalCapacity(), "By", l);
      s.gauge(JvmMetrics.BUFFER_COUNT, b.getCount(), "{buffer}", l);
    }
  }

  private void gc(Snapshot s) throws Exception {
    for (GarbageCollectorMXBean g : collectors) {
      String[] l = {JvmMetrics.GC_NAME, g.getName()};
      s.counter(JvmMetrics.GC_COUNT, g.getCollectionCount(), "{collection}", l);
      s.counter(JvmMetrics.GC_TIME, g.getCollectionTime() / 1000.0, "s", l);
    }
    if (allocatedAvailable) {
      try {
        Object v = mbs.getAttribute(threading, "TotalThreadAllocatedBytes");
        if (v instanceof Long && (Long) v >= 0) {
          s.counter(JvmMetrics.ALLOCATED, (Long) v, "By");
        }
      } catch (javax.management.AttributeNotFoundException e) {
        allocatedAvailable = false;
      }
    }
  }

  private void threads(Snapshot s) {
    long[] ids = threads.getAllThreadIds();
    Map<Thread.State, Integer> states = new EnumMap<>(Thread.State.class);
    for (ThreadInfo t : threads.getThreadInfo(ids, 0)) {
      if (t != null) {
        states.merge(t.getThreadState(), 1, Integer::sum);
      }
    }
    for (Thread.State st : Thread.State.values()) {
      s.gauge(JvmMetrics.THREAD_COUNT, states.getOrDefault(st, 0), "{thread}",
          JvmMetrics.THREAD_STATE, st.name().toLowerCase(Locale.ROOT));
    }
    long[] dead = threads.findDeadlockedThreads();
    if (dead != null) {
      for (ThreadInfo t : threads.getThreadInfo(dead, 0)) {
        if (t != null) {
          s.gauge(JvmMetrics.THREAD_DEADLOCKED, 1, "{thread}", JvmMetrics.THREAD_NAME, t.getThreadName());
        }
      }
    }
  }

  private void cpu(Snapshot s) {
    s.gauge(JvmMetrics.CPU_UTILIZATION, Math.max(0, os.getProcessCpuLoad()), "1");
    s.gauge(JvmMetrics.SYSTEM_CPU_UTILIZATION, Math.max(0, os.getCpuLoad()), "1");
    s.counter(JvmMetrics.CPU_TIME, os.getProcessCpuTime() / 1e9, "s");
    s.gauge(JvmMetrics.CLASS_COUNT, classes.getLoadedClassCount(), "{class}");
    if (jit != null && jit.isCompilationTimeMonitoringSupported()) {
      s.counter(JvmMetrics.JIT_TIME, jit.getTotalCompilationTime() / 1000.0, "s");
    }
  }

  private void nmt(Snapshot s) throws Exception {
    if (!nmtAvailable) {
      return;
    }
    String out;
    try {
      out = (String) mbs.invoke(diagnostic, "vmNativeMemory", new Object[] {new String[] {"summary"}},
          new String[] {String[].class.getName()});
    } catch (javax.management.InstanceNotFoundException | javax.management.ReflectionException e) {
      nmtAvailable = false;
      return;
    }
    if (out == null || out.contains("not enabled")) {
      nmtAvailable = false;
      notes.add("Native Memory Tracking is off in the target; start it with -XX:NativeMemoryTracking=summary to"
          + " see the JVM's own native memory by category");
      return;
    }
    for (String line : out.split("\n")) {
      Matcher m = NMT_LINE.matcher(line.trim());
      if (m.find()) {
        s.gauge(JvmMetrics.NMT_COMMITTED, bytes(m.group(4), m.group(5)), "By",
            JvmMetrics.NMT_CATEGORY, m.group(1).trim());
      }
    }
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

  private void process(Snapshot s) {
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

  /** Names of the memory pools, for tests and the view. */
  List<String> poolNames() {
    List<String> n = new ArrayList<>();
    for (MemoryPoolMXBean p : pools) {
      n.add(p.getName());
    }
    return n;
  }
}
