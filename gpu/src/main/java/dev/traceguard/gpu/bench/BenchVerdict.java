package dev.traceguard.gpu.bench;

import dev.traceguard.gpu.timing.KernelTiming;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether the bench's figures are believable: the long kernel's event time agrees with host wall
 * time, the spin kernel's median matches the time it was asked to spin, every timed launch was
 * harvested, and the timing overhead per launch is under 5 µs.
 *
 * @param eventMatchesWall event time within max(2 ms, 5%) below host wall time
 * @param kernelMatchesExpected spin kernel median within 10% (plus 5 µs) of the requested time
 * @param allHarvested nothing left pending, no event errors
 * @param overheadUnderTarget timing overhead per launch under 5 µs
 * @param problems one sentence per failed check
 */
public record BenchVerdict(boolean eventMatchesWall, boolean kernelMatchesExpected, boolean allHarvested,
    boolean overheadUnderTarget, List<String> problems) {

  /** Timing overhead per launch the bench expects to stay under. */
  public static final double OVERHEAD_TARGET_NANOS = 5_000;

  /** Whether the timing machinery works here (the overhead target is reported, not required). */
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
        kernel = Math.abs(k.p50Nanos() - expected) <= expected / 10 + 5_000;
        if (!kernel) {
          problems.add("spin kernel median " + k.p50Nanos() + " ns, expected about " + expected + " ns");
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
    return new BenchVerdict(match, kernel, harvested, overhead, List.copyOf(problems));
  }
}
