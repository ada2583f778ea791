package dev.traceguard.gpu.agent;

import dev.traceguard.gpu.timing.KernelTiming;
import dev.traceguard.gpu.timing.StreamTiming;
import dev.traceguard.gpu.timing.TimingSnapshot;
import java.lang.management.ManagementFactory;
import java.util.Map;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** The MBean over an interceptor and its harvester. */
public final class GpuKernelStats implements GpuKernelStatsMXBean {
  /** Where the MBean is registered. */
  public static final String OBJECT_NAME = "dev.traceguard:type=GpuKernelStats";

  private final KernelInterceptor<?, ?, ?, ?> interceptor;
  private final Harvester harvester;

  /** The MBean for {@code interceptor}, harvested by {@code harvester} (may be null). */
  public GpuKernelStats(KernelInterceptor<?, ?, ?, ?> interceptor, Harvester harvester) {
    this.interceptor = interceptor;
    this.harvester = harvester;
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

  private TimingSnapshot snap() {
    return interceptor.timer().snapshot();
  }

  @Override
  public KernelStat[] getKernels() {
    return snap().kernels().stream()
        .map((KernelTiming k) -> new KernelStat(k.kernel(), k.count(), k.totalNanos(), k.p50Nanos(), k.p99Nanos()))
        .toArray(KernelStat[]::new);
  }

  @Override
  public StreamStat[] getStreams() {
    Map<String, long[]> samples = interceptor.streamSamples();
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
    return interceptor.active();
  }

  @Override
  public void stop() {
    interceptor.stop();
    if (harvester != null) {
      harvester.stop();
    }
  }
}
