package dev.traceguard.gpu.agent;

import dev.traceguard.gpu.timing.KernelTiming;
import dev.traceguard.gpu.timing.StreamTiming;
import dev.traceguard.gpu.timing.TimingSnapshot;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.Map;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The MBean over an interceptor and its harvester, or (without an interceptor) one that only says
 * why nothing is timed. Every attribute read renews its lease ({@link #lastReadNanos()}).
 */
public final class GpuKernelStats implements GpuKernelStatsMXBean {
  /** Where the MBean is registered. */
  public static final String OBJECT_NAME = "dev.traceguard:type=GpuKernelStats";

  /** {@link #getState()} while launches are timed. */
  public static final String TIMING = "timing";
  /** {@link #getState()} when nothing can be timed (see {@link #getStatus()}). */
  public static final String UNAVAILABLE = "unavailable";
  /** {@link #getState()} after {@link #stop()} or {@link #detach()}. */
  public static final String STOPPED = "stopped";

  private final KernelInterceptor<?, ?, ?, ?> interceptor;
  private final Harvester harvester;
  private volatile String status;
  private volatile Runnable onDetach;
  private volatile long lastRead = System.nanoTime();
  private volatile long leaseMillis;
  private volatile IntSupplier redirected = () -> 0;

  /** The MBean for {@code interceptor}, harvested by {@code harvester} (may be null). */
  public GpuKernelStats(KernelInterceptor<?, ?, ?, ?> interceptor, Harvester harvester) {
    this.interceptor = interceptor;
    this.harvester = harvester;
    this.status = "timing launches";
  }

  /** An MBean that times nothing and says why in {@link #getStatus()}. */
  public static GpuKernelStats unavailable(String why) {
    GpuKernelStats s = new GpuKernelStats(null, null);
    s.status = why;
    return s;
  }

  /** The harvest thread behind the figures, or null. */
  public Harvester harvester() {
    return harvester;
  }

  /** Sets the sentence {@link #getStatus()} shows. */
  public void status(String sentence) {
    this.status = sentence;
  }

  /** What {@link #detach()} runs (the agent's removal); without one it stops timing and unregisters. */
  public void onDetach(Runnable r) {
    this.onDetach = r;
  }

  /** Sets the lease shown in {@link #getLeaseMillis()}. */
  public void leaseMillis(long millis) {
    this.leaseMillis = millis;
  }

  /** Sets where {@link #getRedirectedClasses()} reads its count. */
  public void redirectedClasses(IntSupplier count) {
    this.redirected = count;
  }

  /** {@code System.nanoTime()} of the last attribute read (or of creation, or of {@link #renew()}). */
  public long lastReadNanos() {
    return lastRead;
  }

  /** Renews the lease as a read does. */
  public void renew() {
    lastRead = System.nanoTime();
  }

  /** Registers it with the platform MBean server, replacing an earlier one. */
  public void register() throws JMException {
    MBeanServer s = ManagementFactory.getPlatformMBeanServer();
    ObjectName n = new ObjectName(OBJECT_NAME);
    try {
      s.registerMBean(this, n);
    } catch (InstanceAlreadyExistsException e) {
      s.unregisterMBean(n);
      s.registerMBean(this, n);
    }
  }

  /** Unregisters it, if registered. */
  public static void unregister() throws JMException {
    try {
      ManagementFactory.getPlatformMBeanServer().unregisterMBean(new ObjectName(OBJECT_NAME));
    } catch (InstanceNotFoundException e) {
      // not registered: nothing to do
    }
  }

  /**
   * One read by traceguard asks for eight figures of a snapshot, each through its own getter, and
   * a snapshot sorts the kernels and computes their percentiles under the lock every launch takes:
   * a snapshot is reused for {@value #REUSE_MILLIS} ms, so one read takes one (and its figures agree).
   */
  private static final long REUSE_MILLIS = 50;
  private TimingSnapshot last;
  private long lastAt;

  private synchronized TimingSnapshot snap() {
    renew();
    if (interceptor == null) {
      return EMPTY;
    }
    long now = System.nanoTime();
    if (last == null || now - lastAt > REUSE_MILLIS * 1_000_000L) {
      last = interceptor.timer().snapshot();
      lastAt = now;
    }
    return last;
  }

  private static final TimingSnapshot EMPTY = new TimingSnapshot(List.of(), List.of(), 0, 0, 0, 1.0, 0, 0, 0, 0);

  @Override
  public String getState() {
    renew();
    if (interceptor == null) {
      return UNAVAILABLE;
    }
    return interceptor.active() ? TIMING : STOPPED;
  }

  @Override
  public String getStatus() {
    renew();
    return status;
  }

  @Override
  public long getLeaseMillis() {
    return leaseMillis;
  }

  @Override
  public int getRedirectedClasses() {
    return redirected.getAsInt();
  }

  @Override
  public KernelStat[] getKernels() {
    return snap().kernels().stream()
        .map((KernelTiming k) -> new KernelStat(k.kernel(), k.count(), k.timed(), k.totalNanos(), k.p50Nanos(),
            k.p99Nanos()))
        .toArray(KernelStat[]::new);
  }

  @Override
  public StreamStat[] getStreams() {
    Map<String, long[]> samples = interceptor == null ? Map.of() : interceptor.streamSamples();
    return snap().streams().stream()
        .map((StreamTiming s) -> {
          long[] c = samples.getOrDefault(s.stream(), new long[2]);
          return new StreamStat(s.stream(), s.launches(), s.busyNanos(), s.utilisation(), c[0], c[1]);
        })
        .toArray(StreamStat[]::new);
  }

  @Override
  public long getTimedLaunches() {
    return snap().timedLaunches();
  }

  @Override
  public long getUntimedLaunches() {
    return snap().untimedLaunches();
  }

  @Override
  public long getUnsampledLaunches() {
    return snap().unsampledLaunches();
  }

  @Override
  public double getTimedShare() {
    return snap().timedShare();
  }

  @Override
  public int getPending() {
    return snap().pending();
  }

  @Override
  public double getTimingOverheadNanosPerLaunch() {
    return snap().overheadPerLaunchNanos();
  }

  @Override
  public long getHarvestCpuNanos() {
    return harvester == null ? 0 : harvester.cpuNanos();
  }

  @Override
  public boolean isActive() {
    return interceptor != null && interceptor.active();
  }

  @Override
  public void stop() {
    if (interceptor != null) {
      interceptor.stop();
    }
    if (harvester != null) {
      harvester.stop();
    }
    if (interceptor != null) {
      status = "stopped";
    }
  }

  @Override
  public void detach() {
    Runnable r = onDetach;
    if (r != null) {
      r.run();
      return;
    }
    stop();
    try {
      unregister();
    } catch (JMException e) {
      // Not registered under the name: nothing to remove.
    }
  }
}
