package dev.traceguard.gpu.bench;

import dev.traceguard.gpu.CudaError;
import dev.traceguard.gpu.CudaRuntime;
import dev.traceguard.gpu.DeviceInfo;
import dev.traceguard.gpu.GpuStatus;
import dev.traceguard.gpu.agent.JCudaHooks;
import dev.traceguard.gpu.timing.CudaEventBackend;
import dev.traceguard.gpu.timing.LaunchTimer;
import dev.traceguard.gpu.timing.TimingSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaEvent_t;
import jcuda.runtime.cudaStream_t;

/**
 * Runs the bench on a real device: launches the shipped spin kernel on several streams, each
 * launch timed by an event pair on its stream and harvested by a background thread through {@code
 * cudaEventQuery} (the launching streams are never synchronised), measures what the timing adds to
 * a launch, and checks event time against host wall time on one long kernel.
 */
public final class GpuBench {
  /** The kernel that busy-waits a given number of nanoseconds. */
  public static final String SPIN = "spin_ns";
  /** The empty kernel, for launch cost. */
  public static final String NOOP = "noop";
  /** Launch rate of the paced phase, which runs as the agent does (its sampling budget and harvest period). */
  public static final int PACED_RATE = 10_000;
  /** Where the PTX lives on the class path. */
  public static final String PTX_RESOURCE = "/dev/traceguard/gpu/bench/kernels.ptx";

  private static final int NON_BLOCKING = 0x01;

  private GpuBench() {}

  /** The PTX text of the bench kernels, NUL-terminated as {@code cuModuleLoadData} wants it. */
  public static byte[] ptx() throws IOException {
    try (InputStream in = GpuBench.class.getResourceAsStream(PTX_RESOURCE)) {
      if (in == null) {
        throw new IOException("bench kernels missing from the jar: " + PTX_RESOURCE);
      }
      byte[] b = in.readAllBytes();
      byte[] z = new byte[b.length + 1];
      System.arraycopy(b, 0, z, 0, b.length);
      return z;
    }
  }

  /** Runs the bench; call only when {@code status.ok()}. */
  public static BenchResult run(GpuStatus status, BenchSettings s) throws CudaError, IOException {
    DeviceInfo device = CudaRuntime.jcuda().device(s.device());
    check("cudaSetDevice", JCuda.cudaSetDevice(s.device()));
    check("cudaFree", JCuda.cudaFree(new Pointer()));
    driver("cuInit", JCudaDriver.cuInit(0));
    CUmodule module = new CUmodule();
    driver("cuModuleLoadData", JCudaDriver.cuModuleLoadData(module, ptx()));
    CUfunction spin = new CUfunction();
    driver("cuModuleGetFunction", JCudaDriver.cuModuleGetFunction(spin, module, SPIN));
    CUfunction noop = new CUfunction();
    driver("cuModuleGetFunction", JCudaDriver.cuModuleGetFunction(noop, module, NOOP));
    cudaStream_t[] streams = new cudaStream_t[s.streams()];
    CUstream[] cuStreams = new CUstream[s.streams()];
    for (int i = 0; i < streams.length; i++) {
      streams[i] = new cudaStream_t();
      check("cudaStreamCreateWithFlags", JCuda.cudaStreamCreateWithFlags(streams[i], NON_BLOCKING));
      cuStreams[i] = new CUstream(streams[i]);
    }
    long deadline = System.nanoTime() + s.timeoutMillis() * 1_000_000L;
    Pointer spinArgs = Pointer.to(Pointer.to(new long[] {s.kernelNanos()}));
    try {
      // Warm up: the first launches pay for module and stream setup.
      for (int i = 0; i < 100; i++) {
        launch(noop, cuStreams[0], null);
      }
      waitIdle(streams, deadline);

      int n = Math.max(100, s.launches() / 10);
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        launch(noop, cuStreams[0], null);
      }
      double untimed = (double) (System.nanoTime() - t0) / n;
      waitIdle(streams, deadline);

      LaunchTimer<cudaStream_t, cudaEvent_t> timer =
          new LaunchTimer<>(new CudaEventBackend(), System::nanoTime, 4096, 64);
      t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        timer.time(NOOP, streams[0], "stream-0", () -> launchRc(noop, cuStreams[0], null));
      }
      double timed = (double) (System.nanoTime() - t0) / n;
      waitHarvested(timer, deadline);
      waitIdle(streams, deadline);
      // What an event pair measures around an empty kernel: on an idle stream the start event
      // completes at once, so the pair also spans the host's submission of the launch and the
      // device's start-up of the kernel.
      long floor = timer.snapshot().kernels().stream().filter(k -> k.kernel().equals(NOOP)).findFirst()
          .map(k -> k.p50Nanos()).orElse(0L);

      LaunchTimer<cudaStream_t, cudaEvent_t> bench =
          new LaunchTimer<>(new CudaEventBackend(), System::nanoTime, 8192, 64);
      Harvest harvester = new Harvest(bench, 1_000_000, "traceguard-bench-harvest");
      long p0 = System.nanoTime();
      for (int i = 0; i < s.launches(); i++) {
        int k = i % streams.length;
        bench.time(SPIN, streams[k], "stream-" + k, () -> launchRc(spin, cuStreams[k], spinArgs));
      }
      while (bench.pending() > 0 && System.nanoTime() < deadline) {
        LockSupport.parkNanos(1_000_000);
      }
      long phase = System.nanoTime() - p0;
      long harvestCpu = harvester.stop();
      TimingSnapshot snap = bench.snapshot();
      bench.close();
      timer.close();
      waitIdle(streams, deadline);

      // Paced: PACED_RATE launches/s for one second, timed as the agent times them (its budget of
      // timed launches per second, its harvest period), so the harvest thread's share of a core
      // is the one an application launching that fast would see.
      LaunchTimer<cudaStream_t, cudaEvent_t> paced = new LaunchTimer<>(new CudaEventBackend(), System::nanoTime,
          8192, 64, JCudaHooks.DEFAULT_MAX_TIMED_PER_SECOND);
      Harvest pacedHarvester = new Harvest(paced, JCudaHooks.HARVEST_PERIOD_NANOS, "traceguard-bench-harvest-paced");
      long period = 1_000_000_000L / PACED_RATE;
      long q0 = System.nanoTime();
      long launchHost = 0;
      for (int i = 0; i < PACED_RATE; i++) {
        long due = q0 + i * period;
        while (System.nanoTime() < due) {
          Thread.onSpinWait();
        }
        int k = i % streams.length;
        long a = System.nanoTime();
        paced.time(SPIN, streams[k], "stream-" + k, () -> launchRc(spin, cuStreams[k], spinArgs));
        launchHost += System.nanoTime() - a;
      }
      long pacedPhase = System.nanoTime() - q0;
      while (paced.pending() > 0 && System.nanoTime() < deadline) {
        LockSupport.parkNanos(1_000_000);
      }
      long pacedCpu = pacedHarvester.stop();
      TimingSnapshot pacedSnap = paced.snapshot();
      paced.close();
      PacedResult pacedResult = new PacedResult(PACED_RATE * 1e9 / pacedPhase, pacedSnap, (double) launchHost / PACED_RATE,
          pacedCpu, pacedPhase);

      // One long kernel: event time against host wall time, polling the stop event.
      CudaEventBackend ev = new CudaEventBackend();
      cudaEvent_t a = ev.create();
      cudaEvent_t b = ev.create();
      Pointer longArgs = Pointer.to(Pointer.to(new long[] {s.longKernelNanos()}));
      long w0 = System.nanoTime();
      ev.record(a, streams[0]);
      launch(spin, cuStreams[0], longArgs);
      ev.record(b, streams[0]);
      while (!ev.done(b) && System.nanoTime() < deadline) {
        LockSupport.parkNanos(20_000);
      }
      long wall = System.nanoTime() - w0;
      long evNanos = ev.elapsedNanos(a, b);
      // What the harvest pays per call, on a pair that has finished.
      int calls = 2_000;
      long c0 = System.nanoTime();
      for (int i = 0; i < calls; i++) {
        ev.done(b);
      }
      double query = (double) (System.nanoTime() - c0) / calls;
      c0 = System.nanoTime();
      for (int i = 0; i < calls; i++) {
        ev.elapsedIfDone(a, b);
      }
      double elapsed = (double) (System.nanoTime() - c0) / calls;
      ev.destroy(a);
      ev.destroy(b);
      double rate = phase <= 0 ? 0 : s.launches() * 1e9 / phase;
      return new BenchResult(device, s, snap, untimed, timed, floor, rate, harvestCpu, phase, evNanos, wall,
          query, elapsed, pacedResult);
    } catch (CudaError | IOException e) {
      throw e;
    } catch (Exception e) {
      throw new CudaError("cudaEvent*", -1, "error", e.getMessage());
    } finally {
      for (cudaStream_t st : streams) {
        if (st != null) {
          JCuda.cudaStreamDestroy(st);
        }
      }
      JCudaDriver.cuModuleUnload(module);
    }
  }

  /** A thread that harvests {@code timer} every {@code periodNanos} until stopped, and its CPU time. */
  private static final class Harvest {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong cpu = new AtomicLong();
    private final Thread thread;

    Harvest(LaunchTimer<?, ?> timer, long periodNanos, String name) {
      thread = new Thread(() -> {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long c0 = mx.getCurrentThreadCpuTime();
        while (running.get()) {
          timer.harvest();
          LockSupport.parkNanos(periodNanos);
        }
        cpu.set(mx.getCurrentThreadCpuTime() - c0);
      }, name);
      thread.setDaemon(true);
      thread.start();
    }

    /** Stops the thread and returns the CPU time it used. */
    long stop() {
      running.set(false);
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return cpu.get();
    }
  }

  private static int launchRc(CUfunction f, CUstream stream, Pointer args) {
    return JCudaDriver.cuLaunchKernel(f, 1, 1, 1, 1, 1, 1, 0, stream, args, null);
  }

  private static void launch(CUfunction f, CUstream stream, Pointer args) throws CudaError {
    driver("cuLaunchKernel", launchRc(f, stream, args));
  }

  /** Waits until every stream is idle by polling cudaStreamQuery (never cudaStreamSynchronize). */
  private static void waitIdle(cudaStream_t[] streams, long deadline) throws CudaError {
    for (cudaStream_t st : streams) {
      int rc;
      while ((rc = JCuda.cudaStreamQuery(st)) == CudaError.NOT_READY) {
        if (System.nanoTime() > deadline) {
          throw new CudaError("cudaStreamQuery", CudaError.NOT_READY, "cudaErrorNotReady",
              "the device did not finish the bench's work in time");
        }
        LockSupport.parkNanos(100_000);
      }
      check("cudaStreamQuery", rc);
    }
  }

  private static void waitHarvested(LaunchTimer<?, ?> timer, long deadline) {
    while (timer.pending() > 0 && System.nanoTime() < deadline) {
      timer.harvest();
      LockSupport.parkNanos(100_000);
    }
  }

  private static void check(String call, int rc) throws CudaError {
    if (rc != 0) {
      throw new CudaError(call, rc, JCuda.cudaGetErrorName(rc), JCuda.cudaGetErrorString(rc));
    }
  }

  private static void driver(String call, int rc) throws CudaError {
    if (rc != 0) {
      throw new CudaError(call, rc, jcuda.driver.CUresult.stringFor(rc), "CUDA driver API error");
    }
  }
}
