package dev.traceguard.commands.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traceguard.gpu.DeviceInfo;
import dev.traceguard.gpu.GpuInfo;
import dev.traceguard.gpu.GpuStatus;
import dev.traceguard.gpu.NvidiaSmi;
import dev.traceguard.gpu.ProcessMemory;
import dev.traceguard.gpu.bench.BenchResult;
import dev.traceguard.gpu.bench.BenchSettings;
import dev.traceguard.gpu.bench.GpuBench;
import dev.traceguard.gpu.bench.PacedResult;
import dev.traceguard.gpu.timing.KernelTiming;
import dev.traceguard.gpu.timing.StreamTiming;
import dev.traceguard.gpu.timing.TimingSnapshot;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What gpu info and gpu bench print for a device, on figures a stand-in supplies (no GPU here). */
class GpuOutputTest {
  static final GpuStatus OK = new GpuStatus(GpuStatus.State.OK, 2, 12040, 12000, 0, "");
  static final List<DeviceInfo> DEVICES = List.of(
      new DeviceInfo(0, "NVIDIA H100 80GB HBM3", 9, 0, 132, 85_520_809_984L, 84_000_000_000L, 25),
      new DeviceInfo(1, "NVIDIA H100 80GB HBM3", 9, 0, 132, 85_520_809_984L, 1L << 30, 26));

  static String table(GpuInfo info) {
    StringWriter w = new StringWriter();
    GpuInfoCommand.writeTable(info, new PrintWriter(w));
    return w.toString();
  }

  static String json(GpuInfo info) throws IOException {
    StringWriter w = new StringWriter();
    GpuInfoCommand.writeJson(info, new PrintWriter(w));
    return w.toString();
  }

  @Test
  void infoTableListsDevicesVersionsAndProcesses() {
    GpuInfo info = new GpuInfo(OK, DEVICES, new NvidiaSmi.Result(true,
        List.of(new ProcessMemory(4711, 1536L << 20)), "pids are host pids (this runs in a container, whose own pids differ)"));
    String t = table(info);
    assertThat(t).startsWith("CUDA driver 12.4 (12040), runtime 12.0 (12000), 2 devices\n");
    assertThat(t).contains("DEVICE  NAME                   CC    SMS   MEMORY        FREE          PCI BUS\n")
        .contains("0       NVIDIA H100 80GB HBM3  9.0   132   79.6 GiB      78.2 GiB      25\n")
        .contains("1       NVIDIA H100 80GB HBM3  9.0   132   79.6 GiB      1.0 GiB       26\n")
        .contains("Processes (nvidia-smi; pids are host pids")
        .contains("4711      1.5 GiB");
    String none = table(new GpuInfo(OK, DEVICES, new NvidiaSmi.Result(false, List.of(),
        "nvidia-smi not found; per-process GPU memory is not available")));
    assertThat(none).contains("Processes: nvidia-smi not found");
  }

  @Test
  void infoJsonHasBytesAndSource() throws IOException {
    GpuInfo info = new GpuInfo(OK, DEVICES, new NvidiaSmi.Result(true, List.of(new ProcessMemory(4711, -1)), ""));
    String j = json(info);
    assertThat(j).contains("\"status\" : \"ok\"").contains("\"driverVersion\" : 12040")
        .contains("\"computeCapability\" : \"9.0\"").contains("\"memoryTotalBytes\" : 85520809984")
        .contains("\"source\" : \"nvidia-smi --query-compute-apps=pid,used_memory --format=csv\"")
        .contains("\"usedBytes\" : -1").doesNotContain("\"reason\"");
  }

  static BenchResult bench(long event, long wall) {
    TimingSnapshot t = new TimingSnapshot(
        List.of(new KernelTiming(GpuBench.SPIN, 20_000, 20_000, 410_000_000L, 20_480, 21_500, 30_000)),
        List.of(new StreamTiming("stream-0", 5_000, 102_500_000L, 410_000_000L)),
        20_000, 0, 0, 1.0, 0, 20_000L * 2_600, 0, 0);
    TimingSnapshot paced = new TimingSnapshot(List.of(), List.of(), 2_050, 0, 7_950, 0.2, 0, 0, 0, 0);
    return new BenchResult(DEVICES.get(0), BenchSettings.defaults(), t, 2_400, 5_100, 600, 48_000, 1_200_000,
        416_000_000L, event, wall, 700, 1_300, new PacedResult(9_990, paced, 3_100, 4_000_000, 1_001_000_000L));
  }

  @Test
  void benchTableAndJson() throws IOException {
    StringWriter w = new StringWriter();
    GpuBenchCommand.writeTable(bench(200_040_000, 200_310_000), new PrintWriter(w));
    String t = w.toString();
    assertThat(t).startsWith("device 0: NVIDIA H100 80GB HBM3 (compute 9.0, 132 SMs)")
        .contains("spin_ns   20000     410.0 ms    20.5 µs     21.5 µs     20.0 µs\n")
        .contains("stream-0  5000      102.5 ms    25.0%\n")
        .contains("timing overhead per launch: 2.6 µs (event records, host time; target < 5 µs: met)")
        .contains("event floor: an event pair around an empty kernel measures 600 ns")
        .contains("harvest: 1.3 µs per cudaEventElapsedTime (one per timed launch), 700 ns per cudaEventQuery;"
            + " every launch timed at 48000 launches/s: 0.29% of one core")
        .contains("paced as the agent times (at most 500 timed launches/s): 9990 launches/s, 2050 timed (21%),"
            + " launch call 3.1 µs on average; harvest thread CPU 0.40% of one core (target < 1%: met)")
        .contains("long kernel: event 200.0 ms, host wall 200.3 ms: agree")
        .endsWith("self-check passed\n");
    StringWriter j = new StringWriter();
    GpuBenchCommand.writeJson(bench(150_000_000, 200_310_000), new PrintWriter(j));
    assertThat(j.toString()).contains("\"p99Nanos\" : 21500").contains("\"timingOverheadPerLaunchNanos\" : 2600")
        .contains("\"eventFloorNanos\" : 600").contains("\"unsampledLaunches\" : 7950")
        .contains("\"harvestUnderTarget\" : true")
        .contains("\"passed\" : false").contains("\"eventMatchesWall\" : false").contains("long kernel: event time");
  }
}
