import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

/**
 * A plain JCuda application for bench/gpu-device-check.sh, the target of 'traceguard profile --pid
 * PID --gpu': it calls JCudaDriver directly (nothing of traceguard on its class path), launching
 * the spin kernel of the given PTX file at a fixed rate on two streams for the given time. Its
 * launching method runs once a second and looks the kernel up each time, as code that resolves
 * functions per request does, so launches get the kernel's name once an agent is in.
 * Usage: GpuApp PTX seconds launchesPerSecond kernelMicros
 * Prints "READY pid" once launching, and "app: ..." with what it did at the end. Without a CUDA
 * driver it says so, prints READY and idles for the given time (exit status 20).
 */
public final class GpuApp {
  public static void main(String[] args) throws IOException {
    String ptx = Files.readString(Path.of(args[0])) + "\0";
    double seconds = Double.parseDouble(args[1]);
    int rate = Integer.parseInt(args[2]);
    long kernelNanos = Long.parseLong(args[3]) * 1_000;
    try {
      JCudaDriver.setExceptionsEnabled(true);
      JCudaDriver.cuInit(0);
    } catch (LinkageError e) {
      // No driver: stay up as an idle JCuda application so the profile still runs and says why.
      String m = String.valueOf(e.getMessage());
      int at = m.lastIndexOf("UnsatisfiedLinkError: ");
      System.out.println("app: JCuda's driver API cannot load (" + (at < 0 ? m.lines().findFirst().orElse(m)
          : m.substring(at).lines().findFirst().orElse(m)) + "); idling " + seconds + " s");
      System.out.println("READY " + ProcessHandle.current().pid());
      System.out.flush();
      try {
        Thread.sleep((long) (seconds * 1000));
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
      System.exit(20);
    }
    CUdevice dev = new CUdevice();
    JCudaDriver.cuDeviceGet(dev, 0);
    CUcontext ctx = new CUcontext();
    JCudaDriver.cuCtxCreate(ctx, 0, dev);
    CUmodule module = new CUmodule();
    JCudaDriver.cuModuleLoadData(module, ptx);
    CUstream[] streams = {new CUstream(), new CUstream()};
    for (CUstream s : streams) {
      JCudaDriver.cuStreamCreate(s, 1);
    }
    Pointer params = Pointer.to(Pointer.to(new long[] {kernelNanos}));
    System.out.println("READY " + ProcessHandle.current().pid());
    System.out.flush();
    long period = 1_000_000_000L / rate;
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    long launches = 0;
    // One call per second: a method that is running when the agent redirects its class keeps its
    // old code until it is called again, so the launching code must not be one endless loop.
    for (long due = start; due < end; due += 1_000_000_000L) {
      launches += second(module, streams, params, due, Math.min(end, due + 1_000_000_000L), period);
    }
    JCudaDriver.cuCtxSynchronize();
    double elapsed = (System.nanoTime() - start) / 1e9;
    System.out.printf(Locale.ROOT, "app: %d launches in %.1f s (%.0f/s), expected kernel time %d ns%n", launches,
        elapsed, launches / elapsed, kernelNanos);
  }

  /** Looks the kernel up and launches it every {@code period} ns from {@code from} to {@code to}. */
  static long second(CUmodule module, CUstream[] streams, Pointer params, long from, long to, long period) {
    CUfunction spin = new CUfunction();
    JCudaDriver.cuModuleGetFunction(spin, module, "spin_ns");
    long n = 0;
    for (long due = from; due < to; due += period) {
      while (System.nanoTime() < due) {
        Thread.onSpinWait();
      }
      JCudaDriver.cuLaunchKernel(spin, 1, 1, 1, 1, 1, 1, 0, streams[(int) (n % 2)], params, null);
      n++;
    }
    return n;
  }
}
