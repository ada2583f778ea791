package dev.traceguard.gpu.bench;

import dev.traceguard.gpu.timing.KernelTiming;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether the bench's figures are believable: the long kernel's event time agrees with host wall
 * time, the spin kernel's median matches the time it was asked to spin (plus the event floor, what a
 * pair measures around an empty kernel), every timed launch was harvested; and whether the timing
 * overhead per launch is under 5 µs and the harvest thread under 1% of a core at 10 000 launches/s.
 *
 * @param eventMatchesWall event time within max(2 ms, 5%) below host wall time
 * @param kernelMatchesExpected spin kernel median, less the event floor, within 10% (plus 5 µs) of
 *     the requested time
 * @param allHarvested nothing left pending, no event errors
 * @param overheadUnderTarget timing overhead per launch under 5 µs
 * @param harvestUnderTarget harvest thread CPU in the paced phase under 1% of one core
 * @param problems one sentence per failed check
 */
public record BenchVerdict(boolean eventMatchesWall, boolean kernelMatchesExpected, boolean allHarvested,
    boolean overheadUnderTarget, boolean harvestUnderTarget, List<String> problems) {

  /** Timing overhead per launch the bench expects to stay under. */
  public static final double OVERHEAD_TARGET_NANOS = 5_000;
  /** Harvest thread CPU, as a share of one core, the paced phase expects to stay under. */
  public static final double HARVEST_TARGET_SHARE = 0.01;

  /** Whether the timing machinery works here (the overhead and harvest targets are reported, not required). */
  public boolean passed() {
    return eventMatchesWall && kernelMatchesExpected && allHarvested;
  }

  /** Judges {@code r}. */
  public static BenchVerdict of(BenchResult r) {
    List<String> problems = new ArrayList<>();
    long ev = r.longKernelEventNanos();
    long wall = r.longKernelWallNanos();
    long slack = Math.max(2_000_000L, wall / 20);
    boolean match = ev > 0 && ev <= wall + 1_000_000L && wall - ev <= slack;
    if (!match) {
      problems.add("long kernel: event time " + ev + " ns vs host wall " + wall + " ns differ by more than "
          + slack + " ns");
    }
    boolean kernel = false;
    long expected = r.settings().kernelNanos();
    for (KernelTiming k : r.timing().kernels()) {
      if (k.kernel().equals(GpuBench.SPIN)) {
        long floor = r.eventFloorNanos();
        kernel = Math.abs(k.p50Nanos() - floor - expected) <= expected / 10 + 5_000;
        if (!kernel) {
          problems.add("spin kernel median " + k.p50Nanos() + " ns, expected about " + expected + " ns plus the "
              + floor + " ns an event pair measures around an empty kernel");
        }
      }
    }
    if (r.timing().kernels().stream().noneMatch(k -> k.kernel().equals(GpuBench.SPIN))) {
      problems.add("no spin kernel was timed");
    }
    boolean harvested = r.timing().pending() == 0 && r.timing().errors() == 0 && r.timing().timedLaunches() > 0;
    if (!harvested) {
      problems.add(r.timing().pending() + " event pairs not harvested, " + r.timing().errors() + " event errors");
    }
    boolean overhead = r.timing().overheadPerLaunchNanos() < OVERHEAD_TARGET_NANOS;
    boolean harvest = r.paced() != null && r.paced().harvestCpuShare() < HARVEST_TARGET_SHARE;
    return new BenchVerdict(match, kernel, harvested, overhead, harvest, List.copyOf(problems));
  }
}
