package dev.traceguard.gpu.bench;

import dev.traceguard.gpu.DeviceInfo;
import dev.traceguard.gpu.timing.TimingSnapshot;

/**
 * What the bench measured.
 *
 * @param device the device it ran on
 * @param settings what it ran
 * @param timing per-kernel and per-stream timing of the timed phase, and the timer's own overhead
 * @param launchNanosUntimed mean host time of one {@code cuLaunchKernel} of the empty kernel
 * @param launchNanosTimed the same with the event pair around it
 * @param eventFloorNanos median event-pair time of the empty kernel: what a pair adds to a
 *     kernel's own time on an idle stream (the launch's submission and the kernel's start-up)
 * @param launchesPerSecond launch rate of the timed phase
 * @param harvestCpuNanos CPU time of the harvest thread during the timed phase
 * @param timedPhaseNanos host wall time of the timed phase
 * @param longKernelEventNanos event-pair time of the long kernel
 * @param longKernelWallNanos host wall time from before its launch until its stop event was seen
 * @param queryCallNanos host time of one event query ({@code cudaEventQuery}) on a finished event
 * @param elapsedCallNanos host time of one {@code cudaEventElapsedTime} on a finished pair, the
 *     one call the harvest makes per timed launch
 * @param paced the paced phase, timed as the agent times launches
 */
public record BenchResult(
    DeviceInfo device,
    BenchSettings settings,
    TimingSnapshot timing,
    double launchNanosUntimed,
    double launchNanosTimed,
    long eventFloorNanos,
    double launchesPerSecond,
    long harvestCpuNanos,
    long timedPhaseNanos,
    long longKernelEventNanos,
    long longKernelWallNanos,
    double queryCallNanos,
    double elapsedCallNanos,
    PacedResult paced) {

  /** Harvest thread CPU as a share of one core during the timed phase. */
  public double harvestCpuShare() {
    return timedPhaseNanos <= 0 ? 0 : (double) harvestCpuNanos / timedPhaseNanos;
  }

  /** The verdicts on these figures. */
  public BenchVerdict verdict() {
    return BenchVerdict.of(this);
  }
}
