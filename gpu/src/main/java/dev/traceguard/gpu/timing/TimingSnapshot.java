package dev.traceguard.gpu.timing;

import java.util.List;

/**
 * What a {@link LaunchTimer} has measured so far.
 *
 * @param kernels per kernel, most total time first
 * @param streams per stream, in first-seen order
 * @param timedLaunches launches wrapped in an event pair
 * @param untimedLaunches launches not timed because every event pair was still in flight, or an
 *     event call failed
 * @param unsampledLaunches launches left untimed by the sampling budget
 * @param timedShare the chance a launch is timed now (1 without a budget, or under it)
 * @param pending pairs recorded but not yet harvested
 * @param overheadNanos host time spent recording the event pairs, summed
 * @param otherKernels launches of kernels beyond the tracked limit, pooled under {@code (other)}
 * @param errors event calls that failed (the launch itself is unaffected)
 */
public record TimingSnapshot(
    List<KernelTiming> kernels,
    List<StreamTiming> streams,
    long timedLaunches,
    long untimedLaunches,
    long unsampledLaunches,
    double timedShare,
    int pending,
    long overheadNanos,
    long otherKernels,
    long errors) {

  /** Mean host time the timing adds to one launch, in nanoseconds. */
  public double overheadPerLaunchNanos() {
    return timedLaunches == 0 ? 0 : (double) overheadNanos / timedLaunches;
  }
}
