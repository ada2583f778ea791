import dev.traceguard.gpu.agent.GpuKernelStats;
import dev.traceguard.gpu.agent.JCudaHooks;
import dev.traceguard.gpu.agent.KernelStat;
import dev.traceguard.gpu.agent.StreamStat;
import dev.traceguard.gpu.bench.GpuBench;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;
import jcuda.runtime.JCuda;

/**
 * A small JCuda application for bench/gpu-device-check.sh: launches the bench's spin kernel
 * through JCudaHooks (the drop-in launch calls) at a fixed rate on two streams, then reads the
 * kernel statistics back through the MBean, as traceguard profile would over JMX.
 * Usage: GpuWorkload [launches] [launchesPerSecond] [kernelMicros] [maxTimedPerSecond, 0: all] [harvestPeriodMs]
 */
public final class GpuWorkload {
  public static void main(String[] args) throws Exception {
    int launches = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    long kernelNanos = (args.length > 2 ? Long.parseLong(args[2]) : 20) * 1_000;
    long budget = args.length > 3 ? Long.parseLong(args[3]) : 0;
    long periodNanos = args.length > 4 ? Long.parseLong(args[4]) * 1_000_000L : JCudaHooks.HARVEST_PERIOD_NANOS;
    if (!dev.traceguard.gpu.GpuProbe.probe().ok()) {
      System.out.println("workload: " + dev.traceguard.gpu.GpuProbe.probe().reason());
      System.exit(20);
    }
    JCuda.cudaSetDevice(0);
    JCuda.cudaFree(new Pointer());
    JCudaDriver.cuInit(0);
    CUmodule module = new CUmodule();
    check(JCudaDriver.cuModuleLoadData(module, GpuBench.ptx()), "cuModuleLoadData");
    CUstream[] streams = {new CUstream(), new CUstream()};
    for (CUstream s : streams) {
      check(JCudaDriver.cuStreamCreate(s, 1), "cuStreamCreate");
    }
    Pointer params = Pointer.to(Pointer.to(new long[] {kernelNanos}));

    // Untimed baseline: host cost of a launch through the hooks before install (plain JCuda).
    CUfunction plain = new CUfunction();
    check(JCudaHooks.cuModuleGetFunction(plain, module, "spin_ns"), "cuModuleGetFunction");
    long t0 = System.nanoTime();
    for (int i = 0; i < 2000; i++) {
      check(JCudaHooks.cuLaunchKernel(plain, 1, 1, 1, 1, 1, 1, 0, streams[i % 2], params, null), "cuLaunchKernel");
    }
    double untimed = (System.nanoTime() - t0) / 2000.0;
    JCuda.cudaDeviceSynchronize();

    GpuKernelStats mbean = JCudaHooks.install(8192, 256, budget, periodNanos);
    if (mbean == null) {
      System.out.println("workload: CUDA unavailable");
      System.exit(20);
    }
    CUfunction spin = new CUfunction();
    check(JCudaHooks.cuModuleGetFunction(spin, module, "spin_ns"), "cuModuleGetFunction");
    long period = 1_000_000_000L / rate;
    long start = System.nanoTime();
    long launchNanos = 0;
    for (int i = 0; i < launches; i++) {
      long due = start + i * period;
      while (System.nanoTime() < due) {
        Thread.onSpinWait();
      }
      long a = System.nanoTime();
      check(JCudaHooks.cuLaunchKernel(spin, 1, 1, 1, 1, 1, 1, 0, streams[i % 2], params, null), "cuLaunchKernel");
      launchNanos += System.nanoTime() - a;
    }
    long elapsed = System.nanoTime() - start;
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (mbean.getPending() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name = new ObjectName(GpuKernelStats.OBJECT_NAME);
    System.out.printf(Locale.ROOT, "workload: %d launches at %.0f/s, expected kernel time %d ns, timed at most %s%n",
        launches, launches * 1e9 / elapsed, kernelNanos, budget == 0 ? "every launch" : budget + " launches/s");
    for (CompositeData d : (CompositeData[]) server.getAttribute(name, "Kernels")) {
      KernelStat k = KernelStat.from(d);
      System.out.printf(Locale.ROOT, "kernel %s: count %d, timed %d, total %d ns, p50 %d ns, p99 %d ns%n",
          k.getKernel(), k.getCount(), k.getTimed(), k.getTotalNanos(), k.getP50Nanos(), k.getP99Nanos());
    }
    for (CompositeData d : (CompositeData[]) server.getAttribute(name, "Streams")) {
      StreamStat s = StreamStat.from(d);
      System.out.printf(Locale.ROOT, "stream %s: launches %d, busy %d ns, utilisation %.3f, samples busy %d idle %d%n",
          s.getStream(), s.getLaunches(), s.getBusyNanos(), s.getUtilisation(), s.getBusySamples(), s.getIdleSamples());
    }
    long cpu = (Long) server.getAttribute(name, "HarvestCpuNanos");
    System.out.printf(Locale.ROOT, "timed %d, untimed %d, unsampled %d (timed share now %.3f), pending %d%n",
        server.getAttribute(name, "TimedLaunches"), server.getAttribute(name, "UntimedLaunches"),
        server.getAttribute(name, "UnsampledLaunches"), server.getAttribute(name, "TimedShare"),
        server.getAttribute(name, "Pending"));
    System.out.printf(Locale.ROOT, "timing overhead per timed launch: %.0f ns (event records); launch call %.0f ns"
        + " on average through the hooks vs %.0f ns before install%n", (Double) server.getAttribute(name, "TimingOverheadNanosPerLaunch"),
        (double) launchNanos / launches, untimed);
    System.out.printf(Locale.ROOT, "harvest thread CPU: %.3f%% of one core (period %d ms)%n", 100.0 * cpu / elapsed,
        periodNanos / 1_000_000);
    dev.traceguard.gpu.agent.Harvester h = mbean.harvester();
    long timedNow = (Long) server.getAttribute(name, "TimedLaunches");
    System.out.printf(Locale.ROOT, "harvest rounds %d: %.1f us per round collecting pairs (%.2f us per pair),"
        + " %.1f us per round sampling streams; CPU %.1f us per round in all%n", h.rounds(),
        h.harvestNanos() / 1e3 / Math.max(1, h.rounds()), h.harvestNanos() / 1e3 / Math.max(1, timedNow),
        h.sampleNanos() / 1e3 / Math.max(1, h.rounds()), cpu / 1e3 / Math.max(1, h.rounds()));
    JCudaHooks.uninstall();
    check(JCudaHooks.cuLaunchKernel(spin, 1, 1, 1, 1, 1, 1, 0, streams[0], params, null), "cuLaunchKernel");
    JCuda.cudaDeviceSynchronize();
    System.out.println("after uninstall: launches go straight through; MBean registered: "
        + server.isRegistered(name));
  }

  private static void check(int rc, String call) {
    if (rc != 0) {
      throw new IllegalStateException(call + " returned " + rc);
    }
  }
}
