package dev.traceguard.gpu.bench;

import dev.traceguard.gpu.timing.TimingSnapshot;

/**
 * The bench's paced phase: launches at a fixed rate, timed as the agent times them (its budget of
 * timed launches per second and its harvest period).
 *
 * @param launchesPerSecond the launch rate reached
 * @param timing what the timer measured (timed, unsampled, the share timed)
 * @param launchHostNanos mean host time of one launch through the timer, timed or not
 * @param harvestCpuNanos CPU time of the harvest thread during the phase
 * @param phaseNanos host wall time of the phase
 */
public record PacedResult(double launchesPerSecond, TimingSnapshot timing, double launchHostNanos,
    long harvestCpuNanos, long phaseNanos) {

  /** Harvest thread CPU as a share of one core. */
  public double harvestCpuShare() {
    return phaseNanos <= 0 ? 0 : (double) harvestCpuNanos / phaseNanos;
  }
}
