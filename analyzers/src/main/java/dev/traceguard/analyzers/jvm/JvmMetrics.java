package dev.traceguard.analyzers.jvm;

/**
 * Metric and attribute names of JVM process samples, as written by {@code traceguard profile} and
 * read by the {@code jvm} analyzer. Names follow the OpenTelemetry JVM and process semantic
 * conventions where they define one ({@code jvm.memory.used}, {@code jvm.buffer.memory.used},
 * {@code process.memory.usage}); the others are traceguard's own and keep the same style.
 */
public final class JvmMetrics {
  private JvmMetrics() {}

  /** Bytes used per memory pool; attributes {@link #MEMORY_TYPE}, {@link #POOL}. */
  public static final String MEMORY_USED = "jvm.memory.used";
  /** Bytes committed per memory pool. */
  public static final String MEMORY_COMMITTED = "jvm.memory.committed";
  /** Maximum bytes per memory pool, where the pool has one. */
  public static final String MEMORY_LIMIT = "jvm.memory.limit";
  /** Bytes used per pool measured after the last collection of that pool. */
  public static final String MEMORY_USED_AFTER_GC = "jvm.memory.used_after_last_gc";
  /** Whole heap used (all heap pools). */
  public static final String HEAP_USED = "jvm.heap.used";
  /** Whole heap committed. */
  public static final String HEAP_COMMITTED = "jvm.heap.committed";
  /** Maximum heap size ({@code -Xmx}). */
  public static final String HEAP_LIMIT = "jvm.heap.limit";
  /** Whole non-heap used (metaspace, code cache, class space). */
  public static final String NON_HEAP_USED = "jvm.non_heap.used";
  /** Bytes held by a buffer pool; attribute {@link #BUFFER_POOL} ({@code direct}, {@code mapped}). */
  public static final String BUFFER_USED = "jvm.buffer.memory.used";
  /** Capacity of the buffers in a buffer pool. */
  public static final String BUFFER_LIMIT = "jvm.buffer.memory.limit";
  /** Number of buffers in a buffer pool. */
  public static final String BUFFER_COUNT = "jvm.buffer.count";
  /** Collections so far per collector (counter); attribute {@link #GC_NAME}. */
  public static final String GC_COUNT = "jvm.gc.count";
  /** Seconds spent collecting so far per collector (counter). */
  public static final String GC_TIME = "jvm.gc.time";
  /** Bytes allocated by all threads so far (counter). */
  public static final String ALLOCATED = "jvm.memory.allocated";
  /** Live threads per state; attribute {@link #THREAD_STATE}. */
  public static final String THREAD_COUNT = "jvm.thread.count";
  /** 1 for each thread found deadlocked; attribute {@link #THREAD_NAME}. */
  public static final String THREAD_DEADLOCKED = "jvm.thread.deadlocked";
  /** Recent CPU use of the process, 0..1 of all processors. */
  public static final String CPU_UTILIZATION = "jvm.cpu.recent_utilization";
  /** Recent CPU use of the whole machine, 0..1. */
  public static final String SYSTEM_CPU_UTILIZATION = "jvm.system.cpu.utilization";
  /** CPU seconds used by the process so far (counter). */
  public static final String CPU_TIME = "jvm.cpu.time";
  /** Classes currently loaded. */
  public static final String CLASS_COUNT = "jvm.class.count";
  /** Seconds the JIT compilers spent so far (counter). */
  public static final String JIT_TIME = "jvm.jit.time";
  /** Native Memory Tracking committed bytes per category; attribute {@link #NMT_CATEGORY}. */
  public static final String NMT_COMMITTED = "jvm.native_memory.committed";
  /** Resident set size of the process in bytes. */
  public static final String RSS = "process.memory.usage";
  /** Bytes charged to the process's memory cgroup. */
  public static final String CONTAINER_USAGE = "container.memory.usage";
  /** Charged bytes less inactive file cache: what the OOM killer weighs. */
  public static final String CONTAINER_WORKING_SET = "container.memory.working_set";
  /** The memory cgroup's limit; absent when unlimited. */
  public static final String CONTAINER_LIMIT = "container.memory.limit";
  /** GPU memory used by the process per device; attribute {@link #GPU_ID}. */
  public static final String GPU_MEMORY = "process.gpu.memory.usage";
  /** Seconds of GC pauses seen by JFR so far (counter). */
  public static final String JFR_GC_PAUSE = "jvm.jfr.gc.pause.time";
  /** Longest GC pause seen by JFR in the interval, in seconds. */
  public static final String JFR_GC_PAUSE_MAX = "jvm.jfr.gc.pause.max";
  /** Seconds at safepoints seen by JFR so far (counter). */
  public static final String JFR_SAFEPOINT = "jvm.jfr.safepoint.time";
  /** Bytes of allocation samples seen by JFR so far (counter; a weighted estimate). */
  public static final String JFR_ALLOCATION = "jvm.jfr.allocation.sampled";

  /** Attribute: {@code heap} or {@code non_heap}. */
  public static final String MEMORY_TYPE = "jvm.memory.type";
  /** Attribute: memory pool name, e.g. {@code G1 Old Gen}. */
  public static final String POOL = "jvm.memory.pool.name";
  /** Attribute: buffer pool name. */
  public static final String BUFFER_POOL = "jvm.buffer.pool.name";
  /** Attribute: collector name, e.g. {@code G1 Young Generation}. */
  public static final String GC_NAME = "jvm.gc.name";
  /** Attribute: thread state, lower case, e.g. {@code runnable}. */
  public static final String THREAD_STATE = "jvm.thread.state";
  /** Attribute: thread name. */
  public static final String THREAD_NAME = "jvm.thread.name";
  /** Attribute: Native Memory Tracking category, e.g. {@code Total}, {@code Other}. */
  public static final String NMT_CATEGORY = "jvm.native_memory.category";
  /** Attribute: GPU uuid or index. */
  public static final String GPU_ID = "gpu.id";

  /** Resource attribute: process id. */
  public static final String PID = "process.pid";
  /** Resource attribute: main class or jar. */
  public static final String COMMAND = "process.command";
  /** Resource attribute: the target's Java version. */
  public static final String RUNTIME_VERSION = "process.runtime.version";
}
