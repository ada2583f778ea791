package dev.traceguard.gpu.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.traceguard.gpu.CudaError;
import dev.traceguard.gpu.DeviceInfo;
import dev.traceguard.gpu.GpuProbe;
import dev.traceguard.gpu.timing.KernelTiming;
import dev.traceguard.gpu.timing.StreamTiming;
import dev.traceguard.gpu.timing.TimingSnapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class BenchTest {
  private static final DeviceInfo DEVICE = new DeviceInfo(0, "Stand-in", 9, 0, 132, 80L << 30, 79L << 30, 1);

  private static BenchResult result(long p50, int pending, long overheadPerLaunch, long event, long wall) {
    return result(p50, 0, pending, overheadPerLaunch, event, wall, 2_000_000);
  }

  private static BenchResult result(long p50, long floor, int pending, long overheadPerLaunch, long event, long wall,
      long pacedHarvestCpu) {
    TimingSnapshot t = new TimingSnapshot(
        List.of(new KernelTiming(GpuBench.SPIN, 1000, 1000, 1000 * p50, p50, p50 + 500, p50 + 900)),
        List.of(new StreamTiming("stream-0", 1000, 1000 * p50, 1000 * p50 * 2)),
        1000, 0, 0, 1.0, pending, 1000 * overheadPerLaunch, 0, 0);
    TimingSnapshot pacedTiming = new TimingSnapshot(List.of(), List.of(), 2000, 0, 8000, 0.2, 0, 0, 0, 0);
    PacedResult paced = new PacedResult(10_000, pacedTiming, 3_000, pacedHarvestCpu, 1_000_000_000L);
    return new BenchResult(DEVICE, BenchSettings.defaults(), t, 2500, 5000, floor, 10_000, 1_000_000, 2_000_000_000L,
        event, wall, 900, 1_100, paced);
  }

  @Test
  void goodFiguresPass() {
    BenchVerdict v = result(20_400, 0, 2_100, 200_010_000, 200_600_000).verdict();
    assertThat(v.passed()).isTrue();
    assertThat(v.overheadUnderTarget()).isTrue();
    assertThat(v.problems()).isEmpty();
  }

  @Test
  void eachBadFigureIsNamed() {
    BenchVerdict wall = result(20_400, 0, 2_100, 150_000_000, 200_600_000).verdict();
    assertThat(wall.passed()).isFalse();
    assertThat(wall.problems()).singleElement().asString().contains("long kernel");
    BenchVerdict slow = result(40_000, 0, 2_100, 200_010_000, 200_600_000).verdict();
    assertThat(slow.kernelMatchesExpected()).isFalse();
    BenchVerdict left = result(20_400, 3, 2_100, 200_010_000, 200_600_000).verdict();
    assertThat(left.allHarvested()).isFalse();
    BenchVerdict costly = result(20_400, 0, 9_000, 200_010_000, 200_600_000).verdict();
    assertThat(costly.passed()).isTrue();
    assertThat(costly.overheadUnderTarget()).isFalse();
    assertThat(costly.harvestUnderTarget()).isTrue();
    BenchVerdict busyHarvest = result(20_400, 0, 0, 2_100, 200_010_000, 200_600_000, 30_000_000).verdict();
    assertThat(busyHarvest.passed()).isTrue();
    assertThat(busyHarvest.harvestUnderTarget()).isFalse();
  }

  @Test
  void theSpinKernelIsJudgedAboveTheEventFloor() {
    // An event pair around a 20 µs kernel on an idle stream also spans the launch's submission and
    // start-up: 28.5 µs is right when the empty kernel measures 8 µs, and too long when it measures 0.
    assertThat(result(28_500, 8_000, 0, 2_100, 200_010_000, 200_600_000, 2_000_000).verdict().kernelMatchesExpected())
        .isTrue();
    BenchVerdict noFloor = result(28_500, 0, 0, 2_100, 200_010_000, 200_600_000, 2_000_000).verdict();
    assertThat(noFloor.kernelMatchesExpected()).isFalse();
    assertThat(noFloor.problems()).singleElement().asString().contains("28500 ns").contains("plus the 0 ns");
  }

  @Test
  void shippedPtxHasTheKernelsAndAnOldEnoughIsa() throws IOException {
    byte[] ptx = GpuBench.ptx();
    assertThat(ptx[ptx.length - 1]).isZero();
    String text = new String(ptx, 0, ptx.length - 1, StandardCharsets.US_ASCII);
    assertThat(text).contains(".visible .entry " + GpuBench.SPIN + "(").contains(".visible .entry " + GpuBench.NOOP + "(");
    Matcher m = Pattern.compile("(?m)^\\.version (\\d+)\\.(\\d+)").matcher(text);
    assertThat(m.find()).isTrue();
    // A driver >= 525 (CUDA 12.0) JITs PTX ISA up to 8.0.
    assertThat(Integer.parseInt(m.group(1)) * 10 + Integer.parseInt(m.group(2))).isLessThanOrEqualTo(80);
  }

  @Test
  void benchOnARealGpu() throws CudaError, IOException {
    assumeTrue(GpuProbe.probe().ok(), () -> "needs a CUDA device: " + GpuProbe.probe().reason());
    BenchSettings s = new BenchSettings(0, 2, 2_000, 20_000, 50_000_000L, 30_000);
    BenchResult r = GpuBench.run(GpuProbe.probe(), s);
    assertThat(r.verdict().problems()).isEmpty();
    assertThat(r.timing().kernels()).extracting(KernelTiming::kernel).contains(GpuBench.SPIN);
  }
}
