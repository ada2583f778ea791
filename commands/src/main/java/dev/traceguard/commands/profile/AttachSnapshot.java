package dev.traceguard.commands.profile;

import com.sun.tools.attach.VirtualMachine;
import dev.traceguard.analyzers.jvm.JvmMetrics;
import dev.traceguard.commands.ExitCode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One snapshot of a JVM without its management agent, as fast as {@code jcmd}: memory pools, GC
 * counts and time, classes and JIT time from the JVM's performance data file (what jstat reads);
 * thread states and deadlocks from {@code Thread.print} and, when the target tracks it, native
 * memory from {@code VM.native_memory summary}, both over the attach socket ({@link
 * AttachChannel}); resident size, cgroup and GPU memory from {@code /proc} and nvidia-smi. Starts
 * nothing in the target: no JMX/RMI server, no JFR recording.
 *
 * <p>What it leaves out, against a JMX sample: CPU load (a rate needs two samples), allocation,
 * direct and mapped buffer pools and the code cache, none of which the performance data holds.
 */
final class AttachSnapshot {
  /** Said once in the output of every snapshot taken this way. */
  static final String NOTE = "one snapshot over the attach socket and the JVM's performance data (no JMX agent started):"
      + " CPU load, allocation, direct/mapped buffers and the code cache are not included; --duration samples them";

  private static final Pattern THREAD = Pattern.compile("^\"(.*)\" #\\d+");
  private static final Pattern STATE = Pattern.compile("^\\s+java\\.lang\\.Thread\\.State: ([A-Z_]+)");
  private static final Pattern DEADLOCKED = Pattern.compile("^\"(.*)\":$");

  /** What a snapshot read: the target's system properties and the sample. */
  record Result(Properties properties, Snapshot snapshot) {}

  private AttachSnapshot() {}

  /**
   * Takes the snapshot.
   *
   * @return null when the target has no readable performance data file (-XX:-UsePerfData): then
   *     only JMX can tell, and the caller takes that way
   * @throws ProfileFailure with the matching exit code when the target cannot be reached
   */
  static Result take(long pid, Duration timeout, Clock clock, GpuMemory gpu, List<String> notes) throws ProfileFailure {
    long nsPid = ProcFs.nsPid(pid);
    // Where the JVM's attach listener already runs, its requests start at once, while the checks
    // below run: connecting to that socket signals nothing, and their answers are only used once
    // the checks pass.
    AttachChannel ch = AttachChannel.of(pid, nsPid);
    Requests early = ch == null ? null : Requests.start(ch);
    // The performance data and /proc are read on another thread, also from the start (reading
    // files is harmless), while the JVM answers requests.
    Path perfFile = PerfData.find(pid, nsPid);
    Snapshot side = new Snapshot(clock.millis() * 1_000_000L);
    Thread reader = null;
    if (perfFile != null) {
      reader = new Thread(() -> readLocal(pid, perfFile, gpu, side), "traceguard-perfdata");
      reader.setDaemon(true);
      reader.start();
    }
    JvmConnection.preflight(pid, notes, false);
    if (reader == null) {
      return null;
    }
    Requests requests = early;
    Properties props = null;
    if (requests != null) {
      try {
        props = requests.properties(timeout);
      } catch (ProfileFailure f) {
        if (f.code() == ExitCode.ATTACH_TIMEOUT) {
          throw f;
        }
        // A socket file left by an earlier JVM with this pid, or one the listener no longer serves:
        // the attach handshake below starts a listener again.
        requests = null;
      }
    }
    if (requests == null) {
      VirtualMachine vm = JvmConnection.attach(pid, timeout);
      JvmConnection.detachQuietly(vm);
      ch = AttachChannel.of(pid, nsPid);
      if (ch == null) {
        throw new ProfileFailure(ExitCode.ATTACH_SOCKET_MISSING, "process " + pid + " answered the attach request,"
            + " but its attach socket /tmp/.java_pid" + nsPid + " cannot be seen from here");
      }
      requests = Requests.start(ch);
      try {
        props = requests.properties(timeout);
      } catch (ProfileFailure f) {
        if (f.code() != ExitCode.ATTACH_TIMEOUT && ProcFs.exists(pid)) {
          throw new ProfileFailure(ExitCode.VERSION_MISMATCH, "process " + pid + " accepted the attach request but"
              + " not a request for its system properties (" + f.getMessage() + "); its JDK may be too old or too new"
              + " for this one (" + System.getProperty("java.version") + ")", f.getCause());
        }
        throw f;
      }
    }
    Snapshot s = new Snapshot(side.time());
    try {
      threadPoints(requests.threadDump(timeout), s);
    } catch (ProfileFailure f) {
      if (f.code() == ExitCode.ATTACH_TIMEOUT || f.code() == ExitCode.NO_SUCH_PROCESS) {
        throw f;
      }
      notes.add("no thread states or deadlocks: " + f.getMessage());
    }
    try {
      if (!Sampler.nmtPoints(requests.nativeMemory(timeout), s)) {
        notes.add(Sampler.NMT_OFF);
      }
    } catch (ProfileFailure f) {
      if (f.code() == ExitCode.ATTACH_TIMEOUT || f.code() == ExitCode.NO_SUCH_PROCESS) {
        throw f;
      }
      notes.add(Sampler.NMT_OFF);
    }
    try {
      reader.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // After join, what the reader wrote is visible here.
    if (reader.isAlive() || side.points().isEmpty()) {
      // Not a performance data file after all (or unreadable): only JMX can tell.
      return null;
    }
    s.addAll(side);
    notes.add(NOTE);
    return new Result(props, s);
  }

  /**
   * The three requests of a snapshot (system properties, {@code Thread.print}, {@code
   * VM.native_memory summary}), sent one after another on a daemon thread as soon as it starts;
   * each answer is waited for with the attach timeout. The listener answers one request at a time
   * anyway, so one thread loses nothing. After a failed properties request the others are not sent
   * (the socket is stale or refuses).
   */
  private static final class Requests implements Runnable {
    private final AttachChannel ch;
    /** Per request: its answer (Properties or String), the IOException it failed with, or null while pending. */
    private final Object[] answers = new Object[3];

    private Requests(AttachChannel ch) {
      this.ch = ch;
    }

    static Requests start(AttachChannel ch) {
      Requests r = new Requests(ch);
      Thread t = new Thread(r, "traceguard-attach");
      t.setDaemon(true);
      t.start();
      return r;
    }

    @Override
    public void run() {
      for (int i = 0; i < answers.length; i++) {
        Object a;
        try {
          a = i == 0 ? ch.properties() : ch.jcmd(i == 1 ? "Thread.print" : "VM.native_memory summary");
        } catch (IOException e) {
          a = e;
        } catch (RuntimeException e) {
          a = new IOException(e.toString(), e);
        }
        boolean stop = i == 0 && a instanceof IOException;
        synchronized (this) {
          if (stop) {
            java.util.Arrays.fill(answers, a);
          } else {
            answers[i] = a;
          }
          notifyAll();
        }
        if (stop) {
          return;
        }
      }
    }

    Properties properties(Duration timeout) throws ProfileFailure {
      return (Properties) answer(0, timeout);
    }

    String threadDump(Duration timeout) throws ProfileFailure {
      return (String) answer(1, timeout);
    }

    String nativeMemory(Duration timeout) throws ProfileFailure {
      return (String) answer(2, timeout);
    }

    private Object answer(int i, Duration timeout) throws ProfileFailure {
      long pid = ch.pid();
      long deadline = System.nanoTime() + timeout.toNanos();
      Object a;
      synchronized (this) {
        try {
          while ((a = answers[i]) == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
              throw JvmConnection.timedOut(pid, timeout);
            }
            wait(Math.max(1, left / 1_000_000));
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new ProfileFailure(ExitCode.ATTACH_TIMEOUT, "interrupted while waiting for process " + pid);
        }
      }
      if (a instanceof IOException) {
        IOException e = (IOException) a;
        throw !ProcFs.exists(pid)
            ? new ProfileFailure(ExitCode.NO_SUCH_PROCESS, "process " + pid + " exited while being read", e)
            : new ProfileFailure(ExitCode.MANAGEMENT_FAILED, e.getMessage(), e);
      }
      return a;
    }
  }

  /** What needs no request to the JVM: its performance data, CPU time, RSS, cgroup and GPU memory. */
  private static void readLocal(long pid, Path perfFile, GpuMemory gpu, Snapshot side) {
    PerfData perf;
    try {
      perf = PerfData.read(perfFile);
    } catch (IOException | RuntimeException e) {
      perf = null;
    }
    if (perf == null) {
      return;
    }
    perfPoints(perf, side);
    double cpu = ProcFs.cpuSeconds(pid);
    if (!Double.isNaN(cpu)) {
      side.counter(JvmMetrics.CPU_TIME, cpu, "s");
    }
    Sampler.process(pid, gpu, side);
  }

  /** Memory pools and heap, GC, classes and JIT from the performance data counters. */
  static void perfPoints(PerfData perf, Snapshot s) {
    String policy = String.valueOf(perf.string("sun.gc.policy.name"));
    Map<String, long[]> pools = new LinkedHashMap<>();
    long heapCommitted = 0;
    for (int g = 0; perf.number("sun.gc.generation." + g + ".spaces") >= 0; g++) {
      String gen = "sun.gc.generation." + g;
      heapCommitted += Math.max(0, perf.number(gen + ".capacity"));
      for (int sp = 0; ; sp++) {
        String space = gen + ".space." + sp;
        String name = perf.string(space + ".name");
        if (name == null) {
          break;
        }
        String pool = poolName(policy, perf.string(gen + ".name"), name);
        long[] v = pools.computeIfAbsent(pool, k -> new long[] {0, 0, -1});
        v[0] += Math.max(0, perf.number(space + ".used"));
        v[1] += Math.max(0, perf.number(space + ".capacity"));
        if (!policy.equals("GarbageFirst") || pool.endsWith("Old Gen")) {
          v[2] = Math.max(v[2], perf.number(space + ".maxCapacity"));
        }
      }
    }
    long heapUsed = 0;
    for (Map.Entry<String, long[]> e : pools.entrySet()) {
      long[] v = e.getValue();
      heapUsed += v[0];
      pool(s, "heap", e.getKey(), v[0], v[1], v[2]);
    }
    if (!pools.isEmpty()) {
      s.gauge(JvmMetrics.HEAP_USED, heapUsed, "By");
      s.gauge(JvmMetrics.HEAP_COMMITTED, heapCommitted, "By");
      long max = perf.heapMax();
      if (max > 0) {
        s.gauge(JvmMetrics.HEAP_LIMIT, max, "By");
      }
    }
    if (perf.number("sun.gc.metaspace.used") >= 0) {
      pool(s, "non_heap", "Metaspace", perf.number("sun.gc.metaspace.used"), perf.number("sun.gc.metaspace.capacity"), -1);
    }
    if (perf.number("sun.gc.compressedclassspace.used") >= 0) {
      pool(s, "non_heap", "Compressed Class Space", perf.number("sun.gc.compressedclassspace.used"),
          perf.number("sun.gc.compressedclassspace.capacity"), perf.number("sun.gc.compressedclassspace.maxCapacity"));
    }
    double hz = perf.number("sun.os.hrt.frequency") > 0 ? perf.number("sun.os.hrt.frequency") : 1e9;
    for (int c = 0; ; c++) {
      String name = perf.string("sun.gc.collector." + c + ".name");
      if (name == null) {
        break;
      }
      String[] l = {JvmMetrics.GC_NAME, collectorName(name)};
      s.counter(JvmMetrics.GC_COUNT, perf.number("sun.gc.collector." + c + ".invocations"), "{collection}", l);
      s.counter(JvmMetrics.GC_TIME, perf.number("sun.gc.collector." + c + ".time") / hz, "s", l);
    }
    long loaded = perf.number("java.cls.loadedClasses");
    if (loaded >= 0) {
      s.gauge(JvmMetrics.CLASS_COUNT, loaded + Math.max(0, perf.number("java.cls.sharedLoadedClasses"))
          - Math.max(0, perf.number("java.cls.unloadedClasses")) - Math.max(0, perf.number("java.cls.sharedUnloadedClasses")),
          "{class}");
    }
    if (perf.number("java.ci.totalTime") >= 0) {
      s.counter(JvmMetrics.JIT_TIME, perf.number("java.ci.totalTime") / hz, "s");
    }
  }

  private static void pool(Snapshot s, String type, String name, long used, long committed, long max) {
    String[] l = {JvmMetrics.MEMORY_TYPE, type, JvmMetrics.POOL, name};
    s.gauge(JvmMetrics.MEMORY_USED, used, "By", l);
    if (committed >= 0) {
      s.gauge(JvmMetrics.MEMORY_COMMITTED, committed, "By", l);
    }
    if (max > 0) {
      s.gauge(JvmMetrics.MEMORY_LIMIT, max, "By", l);
    }
  }

  /** The pool name the JVM's MemoryPoolMXBean gives the same space, so both ways read alike. */
  static String poolName(String policy, String generation, String space) {
    String kind = space.equals("eden") ? "eden" : space.equals("s0") || space.equals("s1") ? "survivor"
        : "old".equals(generation) ? "old" : "";
    String[] names;
    switch (policy) {
      case "GarbageFirst":
        names = new String[] {"G1 Eden Space", "G1 Survivor Space", "G1 Old Gen"};
        break;
      case "ParScav:MSC":
        names = new String[] {"PS Eden Space", "PS Survivor Space", "PS Old Gen"};
        break;
      case "Copy:MSC":
        names = new String[] {"Eden Space", "Survivor Space", "Tenured Gen"};
        break;
      default:
        names = null;
    }
    if (names == null || kind.isEmpty()) {
      return generation == null ? space : generation + " " + space;
    }
    return kind.equals("eden") ? names[0] : kind.equals("survivor") ? names[1] : names[2];
  }

  /** The collector name the JVM's GarbageCollectorMXBean uses, where the performance data names it otherwise. */
  static String collectorName(String perfName) {
    switch (perfName) {
      case "G1 young collection pauses":
        return "G1 Young Generation";
      case "G1 full collection pauses":
        return "G1 Old Generation";
      case "PSScavenge":
        return "PS Scavenge";
      case "PSParallelCompact":
        return "PS MarkSweep";
      case "Serial copy":
        return "Copy";
      case "MSC":
        return "MarkSweepCompact";
      default:
        return perfName;
    }
  }

  /** Thread states and deadlocked threads from a {@code Thread.print} dump. */
  static void threadPoints(String dump, Snapshot s) {
    Map<Thread.State, Integer> states = new EnumMap<>(Thread.State.class);
    Set<String> deadlocked = new LinkedHashSet<>();
    boolean inThread = false;
    boolean inDeadlock = false;
    for (String line : dump.split("\n")) {
      if (line.startsWith("Found one Java-level deadlock") || line.matches("^Found \\d+ deadlocks?\\.?$")) {
        inDeadlock = true;
        continue;
      }
      if (inDeadlock) {
        if (line.startsWith("Java stack information")) {
          inDeadlock = false;
          continue;
        }
        Matcher d = DEADLOCKED.matcher(line);
        if (d.matches()) {
          deadlocked.add(d.group(1));
        }
        continue;
      }
      if (THREAD.matcher(line).find()) {
        inThread = true;
        continue;
      }
      if (inThread) {
        inThread = false;
        Matcher st = STATE.matcher(line);
        Thread.State state = Thread.State.RUNNABLE;
        if (st.find()) {
          try {
            state = Thread.State.valueOf(st.group(1));
          } catch (IllegalArgumentException e) {
            state = Thread.State.RUNNABLE;
          }
        }
        states.merge(state, 1, Integer::sum);
      }
    }
    for (Thread.State st : Thread.State.values()) {
      s.gauge(JvmMetrics.THREAD_COUNT, states.getOrDefault(st, 0), "{thread}",
          JvmMetrics.THREAD_STATE, st.name().toLowerCase(Locale.ROOT));
    }
    for (String name : new ArrayList<>(deadlocked)) {
      s.gauge(JvmMetrics.THREAD_DEADLOCKED, 1, "{thread}", JvmMetrics.THREAD_NAME, name);
    }
  }
}
