package dev.traceguard.analyzers.gpu;

/**
 * Thresholds of the {@code gpu} analyzer, attached with {@code AnalysisOptions.with(GpuOptions.class,
 * ...)}.
 *
 * @param idleShare gpu-idle-gaps: share of the active window the device may idle in long gaps
 * @param minGapNanos gpu-idle-gaps: gaps shorter than this are launch latency, not idling
 * @param minWindowNanos gpu-idle-gaps: windows shorter than this are not judged
 * @param minKernels gpu-idle-gaps: kernels a device needs before it is judged
 * @param launchOverheadNanos kernel-launch-bound: launch cost assumed when the export has no launch
 *     API calls to measure it from
 * @param shortShare kernel-launch-bound: share of kernels shorter than a launch that fires
 * @param minShortKernels kernel-launch-bound: short kernels needed at least
 * @param minSerialKernels stream-serialization: kernels on the one stream needed at least
 * @param copyShare stream-serialization: share of the device's busy time in copies on the same
 *     stream that counts as independent work
 */
public record GpuOptions(
    double idleShare,
    long minGapNanos,
    long minWindowNanos,
    int minKernels,
    long launchOverheadNanos,
    double shortShare,
    int minShortKernels,
    int minSerialKernels,
    double copyShare) {

  /** 30% idle in gaps of 20 µs or more over at least 10 ms and 20 kernels; 5 µs launches at 50% of
   * at least 100 kernels; 50 kernels on one stream with 10% copies or concurrent host threads. */
  public static GpuOptions defaults() {
    return new GpuOptions(0.30, 20_000, 10_000_000, 20, 5_000, 0.5, 100, 50, 0.10);
  }
}
