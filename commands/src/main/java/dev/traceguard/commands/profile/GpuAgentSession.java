package dev.traceguard.commands.profile;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.traceguard.analyzers.gpu.GpuAgentMetrics;
import dev.traceguard.gpu.agent.GpuKernelStats;
import dev.traceguard.gpu.agent.JCudaHooks;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;

/**
 * {@code profile --gpu}: loads traceguard's kernel-timing agent (a small jar shipped inside
 * traceguard, extracted to a private temporary file that is deleted as soon as the target has
 * loaded it) into the attached JVM, reads its MBean with each sample and, when profile ends,
 * asks it to remove itself. The agent also removes itself when nobody reads it for its lease,
 * so a killed traceguard leaves nothing running. Everything goes through JMX attribute names and
 * open data; nothing here touches CUDA.
 */
final class GpuAgentSession implements AutoCloseable {
  /** Where the agent jar lies among traceguard's resources. */
  static final String RESOURCE = "/dev/traceguard/gpu/agent/traceguard-gpu-agent.jar";

  private static final String[] ATTRIBUTES = {"State", "Status", "RedirectedClasses", "Kernels", "Streams",
      "TimedLaunches", "UntimedLaunches", "UnsampledLaunches", "TimedShare", "Pending", "TimingOverheadNanosPerLaunch",
      "HarvestCpuNanos"};

  /** One kernel's figures: launches counted, launches timed (p50 and p99 are theirs), total time. */
  record Kernel(String name, long count, long timed, long totalNanos, long p50Nanos, long p99Nanos) {}

  /** One stream's figures. */
  record Stream(String stream, long launches, long busyNanos, double utilisation, long busySamples,
      long idleSamples) {}

  /** One read of the MBean. */
  record Reading(String state, String status, int redirectedClasses, List<Kernel> kernels, List<Stream> streams,
      long timed, long untimed, long unsampled, double timedShare, int pending, double overheadNanos,
      long harvestCpuNanos) {}

  private final long pid;
  private final MBeanServerConnection mbs;
  private final ObjectName name;
  private final List<String> notes;
  private final String loadFailure;
  private volatile Reading last;
  private volatile boolean gone;
  private volatile Boolean removed;

  private GpuAgentSession(long pid, MBeanServerConnection mbs, List<String> notes, String loadFailure) {
    this.pid = pid;
    this.mbs = mbs;
    this.notes = notes;
    this.loadFailure = loadFailure;
    try {
      this.name = new ObjectName(GpuKernelStats.OBJECT_NAME);
    } catch (JMException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Loads the agent into the JVM of {@code c}. Never fails the profile: when the agent cannot be
   * loaded the session says why ({@link #loadFailure()}) and reads nothing.
   *
   * @param c the attached JVM
   * @param props its system properties (for its Java version)
   * @param lease how long the agent keeps running without a read
   * @param timeout how long to wait for the target to load it
   * @param notes where to add what the user should know
   */
  static GpuAgentSession load(JvmConnection c, Properties props, Duration lease, Duration timeout, List<String> notes) {
    return load(c, props, lease, timeout, JCudaHooks.DEFAULT_MAX_TIMED_PER_SECOND, notes);
  }

  /**
   * Loads the agent into the JVM of {@code c}, timing at most {@code maxTimedPerSecond} launches
   * per second (0: every launch); see {@link #load(JvmConnection, Properties, Duration, Duration,
   * List)}. An agent already running in the target keeps the budget it was loaded with.
   */
  static GpuAgentSession load(JvmConnection c, Properties props, Duration lease, Duration timeout,
      long maxTimedPerSecond, List<String> notes) {
    long pid = c.pid();
    String failure = null;
    Path jar = null;
    try {
      String[] where = new String[1];
      jar = extract(pid, where);
      c.loadAgent(where[0], "lease=" + Math.max(1, lease.toMillis()) + ",rate=" + maxTimedPerSecond, timeout);
      if (!c.mbeans().isRegistered(new ObjectName(GpuKernelStats.OBJECT_NAME))) {
        failure = "the agent loaded but registered no MBean";
      }
    } catch (ProfileFailure e) {
      failure = e.getMessage();
    } catch (IOException | JMException | RuntimeException e) {
      failure = e.getClass().getSimpleName() + ": " + e.getMessage();
    } finally {
      if (jar != null) {
        try {
          Files.deleteIfExists(jar);
        } catch (IOException e) {
          notes.add("could not delete the temporary agent jar " + jar + ": " + e.getMessage());
        }
      }
    }
    if (failure != null) {
      notes.add("--gpu: the kernel-timing agent could not be loaded into process " + pid + " (" + failure + ")");
    } else {
      int feature = ProfileCommand.feature(props.getProperty("java.specification.version", "0"));
      if (feature >= 21) {
        notes.add("--gpu: the target runs Java " + props.getProperty("java.version", "?") + ", which prints a"
            + " warning about a dynamically loaded agent on its standard error; that is expected (start it with"
            + " -XX:+EnableDynamicAgentLoading to allow agents without the warning)");
      }
    }
    return new GpuAgentSession(pid, c.mbeans(), notes, failure);
  }

  /**
   * Copies the agent jar to a private temporary file the target can read: in the target's own
   * /tmp when it runs in another mount namespace (a container), owned by the target's user when
   * that is another one (traceguard run as root).
   *
   * @param where receives the path as the target sees it
   * @return the file to delete
   */
  private static Path extract(long pid, String[] where) throws IOException {
    String ours = ProcFs.namespace(ProcessHandle.current().pid(), "mnt");
    String theirs = ProcFs.namespace(pid, "mnt");
    Path dir = null;
    boolean foreign = ours != null && theirs != null && !ours.equals(theirs);
    if (foreign) {
      Path tmp = ProcFs.dir(pid).resolve("root/tmp");
      if (Files.isDirectory(tmp) && Files.isWritable(tmp)) {
        dir = tmp;
      }
    }
    Path jar = dir == null ? Files.createTempFile("traceguard-gpu-agent-", ".jar")
        : Files.createTempFile(dir, "traceguard-gpu-agent-", ".jar");
    try (InputStream in = GpuAgentSession.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IOException("the agent jar " + RESOURCE + " is missing from this build of traceguard");
      }
      Files.copy(in, jar, StandardCopyOption.REPLACE_EXISTING);
      long self = ProcFs.selfEuid();
      long owner = ProcFs.euid(pid);
      if (self == 0 && owner > 0) {
        Files.setAttribute(jar, "unix:uid", (int) owner);
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(jar);
      throw e;
    }
    where[0] = dir == null ? jar.toString() : "/tmp/" + jar.getFileName();
    return jar;
  }

  /** A session reading an agent that is already registered in {@code mbs} (no load). */
  static GpuAgentSession reading(long pid, MBeanServerConnection mbs, List<String> notes) {
    return new GpuAgentSession(pid, mbs, notes, null);
  }

  /** Why the agent could not be loaded, or null when it was. */
  String loadFailure() {
    return loadFailure;
  }

  /** The latest read, or null. */
  Reading last() {
    return last;
  }

  /** Whether the agent removed itself when profile ended (null before {@link #close()}). */
  Boolean removed() {
    return removed;
  }

  /**
   * Reads the MBean and adds its figures to {@code s}; a failed read adds a note once and nothing
   * else (the JVM's own samples go on).
   */
  void sample(Snapshot s) {
    if (loadFailure != null || gone) {
      return;
    }
    Reading r;
    try {
      r = read();
    } catch (InstanceNotFoundException e) {
      gone = true;
      notes.add("--gpu: the agent's MBean disappeared from process " + pid + " (removed by another traceguard,"
          + " or its lease ran out); later samples have no GPU figures");
      return;
    } catch (IOException | JMException | RuntimeException e) {
      gone = true;
      notes.add("--gpu: cannot read the agent's MBean in process " + pid + ": " + e.getMessage());
      return;
    }
    last = r;
    for (Kernel k : r.kernels()) {
      s.counter(GpuAgentMetrics.KERNEL_LAUNCHES, k.count(), "{launch}", GpuAgentMetrics.KERNEL, k.name());
      if (k.timed() == 0) {
        continue;
      }
      s.counter(GpuAgentMetrics.KERNEL_TIME, k.totalNanos() / 1e9, "s", GpuAgentMetrics.KERNEL, k.name());
      s.gauge(GpuAgentMetrics.KERNEL_P50, k.p50Nanos() / 1e9, "s", GpuAgentMetrics.KERNEL, k.name());
      s.gauge(GpuAgentMetrics.KERNEL_P99, k.p99Nanos() / 1e9, "s", GpuAgentMetrics.KERNEL, k.name());
    }
    for (Stream st : r.streams()) {
      s.counter(GpuAgentMetrics.STREAM_LAUNCHES, st.launches(), "{launch}", GpuAgentMetrics.STREAM, st.stream());
      s.counter(GpuAgentMetrics.STREAM_BUSY, st.busyNanos() / 1e9, "s", GpuAgentMetrics.STREAM, st.stream());
      s.gauge(GpuAgentMetrics.STREAM_UTILIZATION, st.utilisation(), "1", GpuAgentMetrics.STREAM, st.stream());
      long samples = st.busySamples() + st.idleSamples();
      if (samples > 0) {
        s.gauge(GpuAgentMetrics.STREAM_BUSY_SAMPLES, (double) st.busySamples() / samples, "1", GpuAgentMetrics.STREAM,
            st.stream());
      }
    }
    if (!GpuKernelStats.UNAVAILABLE.equals(r.state())) {
      s.counter(GpuAgentMetrics.TIMED, r.timed(), "{launch}");
      s.counter(GpuAgentMetrics.UNTIMED, r.untimed(), "{launch}");
      s.counter(GpuAgentMetrics.UNSAMPLED, r.unsampled(), "{launch}");
      s.gauge(GpuAgentMetrics.OVERHEAD, r.overheadNanos() / 1e9, "s");
      s.counter(GpuAgentMetrics.HARVEST_CPU, r.harvestCpuNanos() / 1e9, "s");
    }
  }

  private Reading read() throws IOException, JMException {
    AttributeList list = mbs.getAttributes(name, ATTRIBUTES);
    java.util.Map<String, Object> v = new java.util.HashMap<>();
    for (Attribute a : list.asList()) {
      v.put(a.getName(), a.getValue());
    }
    List<Kernel> kernels = new ArrayList<>();
    if (v.get("Kernels") instanceof CompositeData[] ks) {
      for (CompositeData d : ks) {
        long count = num(d, "count");
        kernels.add(new Kernel(String.valueOf(d.get("kernel")), count, d.containsKey("timed") ? num(d, "timed") : count,
            num(d, "totalNanos"), num(d, "p50Nanos"), num(d, "p99Nanos")));
      }
    }
    List<Stream> streams = new ArrayList<>();
    if (v.get("Streams") instanceof CompositeData[] ss) {
      for (CompositeData d : ss) {
        Object u = d.get("utilisation");
        streams.add(new Stream(String.valueOf(d.get("stream")), num(d, "launches"), num(d, "busyNanos"),
            u instanceof Number n ? n.doubleValue() : Double.NaN, num(d, "busySamples"), num(d, "idleSamples")));
      }
    }
    return new Reading(String.valueOf(v.get("State")), String.valueOf(v.get("Status")),
        (int) num(v.get("RedirectedClasses")), List.copyOf(kernels), List.copyOf(streams), num(v.get("TimedLaunches")),
        num(v.get("UntimedLaunches")), num(v.get("UnsampledLaunches")),
        v.get("TimedShare") instanceof Number share ? share.doubleValue() : 1.0, (int) num(v.get("Pending")),
        v.get("TimingOverheadNanosPerLaunch") instanceof Number n ? n.doubleValue() : Double.NaN,
        num(v.get("HarvestCpuNanos")));
  }

  private static long num(CompositeData d, String key) {
    return d.containsKey(key) ? num(d.get(key)) : 0;
  }

  private static long num(Object o) {
    return o instanceof Number n ? n.longValue() : 0;
  }

  /**
   * Asks the agent to remove itself (stop timing, restore the application's classes, unregister),
   * then checks that its MBean is gone. Safe to call more than once.
   */
  @Override
  public synchronized void close() {
    if (loadFailure != null || removed != null) {
      return;
    }
    try {
      mbs.invoke(name, "detach", new Object[0], new String[0]);
      removed = !mbs.isRegistered(name);
    } catch (InstanceNotFoundException e) {
      removed = true;
    } catch (IOException | JMException | RuntimeException e) {
      removed = false;
      if (!ProcFs.exists(pid)) {
        return;
      }
      notes.add("--gpu: could not remove the agent from process " + pid + " (" + e.getMessage() + "); it removes"
          + " itself when nobody reads it for its lease");
    }
  }

  /** The lines of the final table. */
  List<String> table() {
    List<String> out = new ArrayList<>();
    if (loadFailure != null) {
      out.add("GPU       no kernel timing: the agent could not be loaded (" + loadFailure + ")");
      return out;
    }
    Reading r = last;
    if (r == null) {
      out.add("GPU       no kernel timing: the agent was never read");
      return out;
    }
    if (GpuKernelStats.UNAVAILABLE.equals(r.state())) {
      out.add("GPU       no kernel timing in process " + pid + ": " + r.status());
    } else {
      out.add("GPU       " + r.status());
      out.add(String.format(Locale.ROOT, "          %d launches timed, %d untimed, %d pending; timing overhead %s per"
          + " timed launch, harvest thread CPU %s", r.timed(), r.untimed(), r.pending(), time(r.overheadNanos()),
          time(r.harvestCpuNanos())));
      boolean sampled = r.unsampled() > 0;
      if (sampled) {
        out.add(String.format(Locale.ROOT, "          %d launches left untimed by the sampling budget (timing %s of"
            + " launches now); totals and busy times are scaled up from the timed launches", r.unsampled(),
            ProfileView.pct(r.timedShare())));
      }
      if (!r.kernels().isEmpty()) {
        out.add(String.format(Locale.ROOT, "  %-40s %10s %10s %11s %11s %11s", "kernel", "launches", "timed", "total",
            "p50", "p99"));
        for (Kernel k : r.kernels()) {
          boolean none = k.timed() == 0;
          out.add(String.format(Locale.ROOT, "  %-40s %10d %10d %11s %11s %11s", clip(k.name(), 40), k.count(),
              k.timed(), none ? "-" : (k.timed() < k.count() ? "~" : "") + time(k.totalNanos()),
              none ? "-" : time(k.p50Nanos()), none ? "-" : time(k.p99Nanos())));
        }
      }
      if (!r.streams().isEmpty()) {
        out.add(String.format(Locale.ROOT, "  %-40s %10s %11s %11s %11s", "stream", "launches", "busy", "utilised",
            "busy seen"));
        for (Stream st : r.streams()) {
          long samples = st.busySamples() + st.idleSamples();
          out.add(String.format(Locale.ROOT, "  %-40s %10d %11s %11s %11s", clip(st.stream(), 40), st.launches(),
              time(st.busyNanos()), ProfileView.pct(st.utilisation()),
              samples == 0 ? "-" : ProfileView.pct((double) st.busySamples() / samples)));
        }
      }
    }
    if (Boolean.TRUE.equals(removed)) {
      out.add("          agent removed from the target when profiling ended");
    }
    return out;
  }

  /** Writes the {@code gpu} object of the JSON report. */
  void json(JsonGenerator g) throws IOException {
    g.writeObjectFieldStart("gpu");
    g.writeBooleanField("agentLoaded", loadFailure == null);
    Reading r = last;
    if (loadFailure != null) {
      g.writeStringField("state", "not-loaded");
      g.writeStringField("status", loadFailure);
    } else if (r != null) {
      g.writeStringField("state", r.state());
      g.writeStringField("status", r.status());
      g.writeNumberField("redirectedClasses", r.redirectedClasses());
      g.writeNumberField("timedLaunches", r.timed());
      g.writeNumberField("untimedLaunches", r.untimed());
      g.writeNumberField("unsampledLaunches", r.unsampled());
      g.writeNumberField("timedShare", Math.round(r.timedShare() * 1000) / 1000.0);
      g.writeNumberField("pending", r.pending());
      if (Double.isFinite(r.overheadNanos())) {
        g.writeNumberField("timingOverheadNsPerLaunch", Math.round(r.overheadNanos() * 10) / 10.0);
      }
      g.writeNumberField("harvestCpuNs", r.harvestCpuNanos());
      g.writeArrayFieldStart("kernels");
      for (Kernel k : r.kernels()) {
        g.writeStartObject();
        g.writeStringField("kernel", k.name());
        g.writeNumberField("count", k.count());
        g.writeNumberField("timed", k.timed());
        if (k.timed() > 0) {
          g.writeNumberField("totalNs", k.totalNanos());
          g.writeNumberField("p50Ns", k.p50Nanos());
          g.writeNumberField("p99Ns", k.p99Nanos());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("streams");
      for (Stream st : r.streams()) {
        g.writeStartObject();
        g.writeStringField("stream", st.stream());
        g.writeNumberField("launches", st.launches());
        g.writeNumberField("busyNs", st.busyNanos());
        if (Double.isFinite(st.utilisation())) {
          g.writeNumberField("utilisation", Math.round(st.utilisation() * 1000) / 1000.0);
        }
        g.writeNumberField("busySamples", st.busySamples());
        g.writeNumberField("idleSamples", st.idleSamples());
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    if (removed != null) {
      g.writeBooleanField("agentRemoved", removed);
    }
    g.writeEndObject();
  }

  private static String clip(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "…";
  }

  /** A duration for a table cell: "1.2 ms", "40.0 µs", "800 ns". */
  static String time(double nanos) {
    if (!Double.isFinite(nanos)) {
      return "-";
    }
    if (nanos >= 1e9) {
      return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }
    if (nanos >= 1e6) {
      return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }
    if (nanos >= 1e3) {
      return String.format(Locale.ROOT, "%.1f µs", nanos / 1e3);
    }
    return String.format(Locale.ROOT, "%.0f ns", nanos);
  }
}
