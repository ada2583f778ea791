package dev.traceguard.analyzers.jvm;

/**
 * Thresholds of the {@code jvm} analyzer. Attach with {@code
 * AnalysisOptions.with(JvmOptions.class, ...)}.
 *
 * @param gcOverhead share of wall time spent in GC above which gc-pressure may fire (0..1)
 * @param heapNearMax share of the maximum heap used at the peak for the heap to count as full (0..1)
 * @param nativeGrowthMinBytes growth over the window below which native growth is ignored
 * @param nativeGrowthMinR2 how well a straight line must fit the growth (0..1)
 * @param nativeGrowthMinRisingShare share of intervals that must not shrink (0..1)
 * @param containerNearLimit share of the cgroup limit above which container-memory-pressure fires
 */
public record JvmOptions(
    double gcOverhead,
    double heapNearMax,
    long nativeGrowthMinBytes,
    double nativeGrowthMinR2,
    double nativeGrowthMinRisingShare,
    double containerNearLimit) {

  /** Defaults: 10% GC, 85% heap, 16 MiB steady growth (R² 0.8, 70% rising), 90% of the cgroup. */
  public static JvmOptions defaults() {
    return new JvmOptions(0.10, 0.85, 16L << 20, 0.8, 0.7, 0.90);
  }
}
