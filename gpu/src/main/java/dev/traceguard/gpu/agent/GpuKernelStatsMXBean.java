package dev.traceguard.gpu.agent;

/**
 * Kernel timing of this JVM, for {@code traceguard profile} to read over JMX at {@value
 * GpuKernelStats#OBJECT_NAME}.
 */
public interface GpuKernelStatsMXBean {
  /** {@code timing}, {@code unavailable} (nothing can be timed) or {@code stopped}. */
  String getState();

  /** One sentence: what is timed, or why nothing is (e.g. no CUDA driver found). */
  String getStatus();

  /** How long the agent keeps timing without a read before it removes itself, ms (0: no lease). */
  long getLeaseMillis();

  /** Classes whose {@code JCudaDriver} launch calls point at the timing hooks. */
  int getRedirectedClasses();

  /** Per kernel: count, total, p50, p99; most total time first. */
  KernelStat[] getKernels();

  /** Per stream: launches, busy time, utilisation, stream-state samples. */
  StreamStat[] getStreams();

  /** Launches wrapped in an event pair. */
  long getTimedLaunches();

  /** Launches not timed (every event pair in flight, or an event call failed). */
  long getUntimedLaunches();

  /** Launches left untimed by the sampling budget. */
  long getUnsampledLaunches();

  /** The chance a launch is timed now, 0..1 (1: every launch, the rate is under the budget). */
  double getTimedShare();

  /** Event pairs recorded and not yet harvested. */
  int getPending();

  /** Mean host time the timing adds to a launch, ns. */
  double getTimingOverheadNanosPerLaunch();

  /** CPU time of the harvest thread, ns. */
  long getHarvestCpuNanos();

  /** Whether launches are still timed. */
  boolean isActive();

  /** Stops timing (what detaching does): launches go straight to the driver again. */
  void stop();

  /**
   * Removes the agent: stops timing, restores the original code of redirected classes and
   * unregisters this MBean.
   */
  void detach();
}
