package dev.traceguard.gpu.agent;

import dev.traceguard.gpu.GpuProbe;
import dev.traceguard.gpu.GpuStatus;
import dev.traceguard.gpu.timing.LaunchTimer;
import dev.traceguard.gpu.timing.TimingBackend;
import javax.management.JMException;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

/**
 * Drop-in replacements for {@code JCudaDriver.cuModuleGetFunction} and {@code
 * JCudaDriver.cuLaunchKernel} with the same signatures: they pass every call to JCuda and, while
 * {@link #install} is in force, time launches. Call sites of an application can be pointed here
 * (statically, or by rewriting them when the classes load); without {@link #install} they cost a
 * volatile read.
 */
public final class JCudaHooks {
  /**
   * Launches timed per second at most unless told otherwise; beyond it a random sample is timed
   * and every launch is still counted. Collecting one timed launch costs the harvest thread 5 to
   * 12 µs of CPU on an H200 (each {@code cuEventElapsedTime} reads the device's timestamps), so
   * this keeps the harvest thread under 1% of a core however fast the application launches.
   */
  public static final long DEFAULT_MAX_TIMED_PER_SECOND = 500;
  /** Pause between harvest rounds (finished pairs collected). */
  public static final long HARVEST_PERIOD_NANOS = 20_000_000;
  private static volatile KernelInterceptor<CUfunction, CUmodule, CUstream, Pointer> interceptor;
  private static volatile GpuKernelStats stats;
  /** The CUDA context the harvest thread binds: the installing thread's, or the first launch's. */
  private static volatile CUcontext context;

  private JCudaHooks() {}

  /** The driver calls of JCuda. */
  static final class JCudaCalls implements DriverCalls<CUfunction, CUmodule, CUstream, Pointer> {
    @Override
    public int getFunction(CUfunction function, CUmodule module, String name) {
      return JCudaDriver.cuModuleGetFunction(function, module, name);
    }

    @Override
    public int launch(CUfunction f, int gx, int gy, int gz, int bx, int by, int bz, int shared, CUstream stream,
        Pointer params, Pointer extra) {
      return JCudaDriver.cuLaunchKernel(f, gx, gy, gz, bx, by, bz, shared, stream, params, extra);
    }

    @Override
    public boolean busy(CUstream stream) {
      try {
        return JCudaDriver.cuStreamQuery(stream) == CUresult.CUDA_ERROR_NOT_READY;
      } catch (CudaException e) {
        return notReady(e);
      }
    }
  }

  /**
   * Whether {@code e} is JCuda's exception for {@code CUDA_ERROR_NOT_READY}: an application that
   * called {@code JCudaDriver.setExceptionsEnabled(true)} turns every code but success into one,
   * and "not ready" is an answer here, not a failure.
   */
  static boolean notReady(CudaException e) {
    return String.valueOf(e.getMessage()).contains(CUresult.stringFor(CUresult.CUDA_ERROR_NOT_READY));
  }

  /** Driver-API events, created in the launching thread's context. */
  static final class CuEventBackend implements TimingBackend<CUstream, CUevent> {
    @Override
    public CUevent create() {
      CUevent e = new CUevent();
      check(JCudaDriver.cuEventCreate(e, CUevent_flags.CU_EVENT_DEFAULT), "cuEventCreate");
      return e;
    }

    @Override
    public void record(CUevent event, CUstream stream) {
      check(JCudaDriver.cuEventRecord(event, stream), "cuEventRecord");
    }

    @Override
    public boolean done(CUevent event) {
      int rc;
      try {
        rc = JCudaDriver.cuEventQuery(event);
      } catch (CudaException e) {
        if (notReady(e)) {
          return false;
        }
        throw e;
      }
      if (rc == CUresult.CUDA_ERROR_NOT_READY) {
        return false;
      }
      check(rc, "cuEventQuery");
      return true;
    }

    @Override
    public long elapsedNanos(CUevent start, CUevent stop) {
      float[] ms = new float[1];
      check(JCudaDriver.cuEventElapsedTime(ms, start, stop), "cuEventElapsedTime");
      return Math.round(ms[0] * 1_000_000.0);
    }

    @Override
    public long elapsedIfDone(CUevent start, CUevent stop) {
      float[] ms = new float[1];
      int rc;
      try {
        rc = JCudaDriver.cuEventElapsedTime(ms, start, stop);
      } catch (CudaException e) {
        if (notReady(e)) {
          return NOT_DONE;
        }
        throw e;
      }
      if (rc == CUresult.CUDA_ERROR_NOT_READY) {
        return NOT_DONE;
      }
      check(rc, "cuEventElapsedTime");
      return Math.round(ms[0] * 1_000_000.0);
    }

    @Override
    public void destroy(CUevent event) {
      JCudaDriver.cuEventDestroy(event);
    }

    private static void check(int rc, String call) {
      if (rc != CUresult.CUDA_SUCCESS) {
        throw new IllegalStateException(call + " returned " + CUresult.stringFor(rc));
      }
    }
  }

  /**
   * Starts timing launches in this JVM and registers the MBean. Call on a thread whose current
   * CUDA context is the application's, or let the first timed launch tell it.
   *
   * @param maxPairs event pairs in flight at most
   * @param maxKernels kernel names tracked at most
   * @param maxTimedPerSecond launches timed per second at most, a random sample beyond (0: all)
   * @return the MBean, or null when the probe says CUDA cannot be used here
   */
  public static synchronized GpuKernelStats install(int maxPairs, int maxKernels, long maxTimedPerSecond)
      throws JMException {
    return install(maxPairs, maxKernels, maxTimedPerSecond, HARVEST_PERIOD_NANOS);
  }

  /**
   * As {@link #install(int, int, long)}, with the pause between harvest rounds.
   *
   * @param maxPairs event pairs in flight at most
   * @param maxKernels kernel names tracked at most
   * @param maxTimedPerSecond launches timed per second at most, a random sample beyond (0: all)
   * @param harvestPeriodNanos pause between harvest rounds
   * @return the MBean, or null when the probe says CUDA cannot be used here
   */
  public static synchronized GpuKernelStats install(int maxPairs, int maxKernels, long maxTimedPerSecond,
      long harvestPeriodNanos) throws JMException {
    GpuStatus s = GpuProbe.probe();
    if (!s.ok()) {
      return null;
    }
    GpuKernelStats mbean = start(maxPairs, maxKernels, maxTimedPerSecond, harvestPeriodNanos);
    mbean.register();
    return mbean;
  }

  /**
   * Starts timing launches in this JVM without registering the MBean (what the agent does, after
   * its own probe). The harvest thread makes the CUDA context current that is current here, or
   * else the one of the first timed launch.
   *
   * @param maxPairs event pairs in flight at most
   * @param maxKernels kernel names tracked at most
   * @param maxTimedPerSecond launches timed per second at most, a random sample beyond (0: all)
   * @return the MBean over the running timer, not registered
   */
  public static synchronized GpuKernelStats start(int maxPairs, int maxKernels, long maxTimedPerSecond)
      throws JMException {
    return start(maxPairs, maxKernels, maxTimedPerSecond, HARVEST_PERIOD_NANOS);
  }

  private static GpuKernelStats start(int maxPairs, int maxKernels, long maxTimedPerSecond, long harvestPeriodNanos)
      throws JMException {
    uninstall();
    CUcontext ctx = new CUcontext();
    try {
      JCudaDriver.cuCtxGetCurrent(ctx);
    } catch (RuntimeException e) {
      // Not initialised here (JCuda exceptions enabled): the first launch tells the context.
    }
    context = ctx.equals(new CUcontext()) ? null : ctx;
    LaunchTimer<CUstream, CUevent> timer = new LaunchTimer<>(new CuEventBackend(), System::nanoTime, maxPairs,
        maxKernels, maxTimedPerSecond);
    KernelInterceptor<CUfunction, CUmodule, CUstream, Pointer> i =
        new KernelInterceptor<>(new JCudaCalls(), timer, CUstream::toString, 4096, 256);
    CUcontext[] bound = {null};
    Harvester h = new Harvester(i, harvestPeriodNanos, () -> {
      CUcontext c = context;
      if (c != null && c != bound[0]) {
        bound[0] = c;
        try {
          JCudaDriver.cuCtxSetCurrent(c);
        } catch (RuntimeException e) {
          // Queries then fail and their pairs are dropped and counted; the thread goes on.
        }
      }
    });
    GpuKernelStats mbean = new GpuKernelStats(i, h);
    h.start();
    interceptor = i;
    stats = mbean;
    return mbean;
  }

  /** Stops timing and unregisters the MBean; launches go straight to JCuda again. */
  public static synchronized void uninstall() throws JMException {
    KernelInterceptor<CUfunction, CUmodule, CUstream, Pointer> i = interceptor;
    interceptor = null;
    context = null;
    if (stats != null) {
      stats.stop();
      stats = null;
      GpuKernelStats.unregister();
    } else if (i != null) {
      i.stop();
    }
  }

  /** Remembers the launching thread's context for the harvest thread (once). */
  private static void learnContext() {
    CUcontext c = new CUcontext();
    try {
      if (JCudaDriver.cuCtxGetCurrent(c) == CUresult.CUDA_SUCCESS && !c.equals(new CUcontext())) {
        synchronized (JCudaHooks.class) {
          if (context == null) {
            context = c;
          }
        }
      }
    } catch (RuntimeException e) {
      // JCuda exceptions enabled and no context: the launch itself will say so.
    }
  }

  /** Same as {@code JCudaDriver.cuModuleGetFunction}, remembering the name while installed. */
  public static int cuModuleGetFunction(CUfunction hfunc, CUmodule hmod, String name) {
    KernelInterceptor<CUfunction, CUmodule, CUstream, Pointer> i = interceptor;
    return i == null ? JCudaDriver.cuModuleGetFunction(hfunc, hmod, name) : i.cuModuleGetFunction(hfunc, hmod, name);
  }

  /** Same as {@code JCudaDriver.cuLaunchKernel}, timed with an event pair while installed. */
  public static int cuLaunchKernel(CUfunction f, int gridDimX, int gridDimY, int gridDimZ, int blockDimX,
      int blockDimY, int blockDimZ, int sharedMemBytes, CUstream hStream, Pointer kernelParams, Pointer extra) {
    KernelInterceptor<CUfunction, CUmodule, CUstream, Pointer> i = interceptor;
    if (i == null) {
      return JCudaDriver.cuLaunchKernel(f, gridDimX, gridDimY, gridDimZ, blockDimX, blockDimY, blockDimZ,
          sharedMemBytes, hStream, kernelParams, extra);
    }
    if (context == null) {
      learnContext();
    }
    return i.cuLaunchKernel(f, gridDimX, gridDimY, gridDimZ, blockDimX, blockDimY, blockDimZ, sharedMemBytes,
        hStream, kernelParams, extra);
  }
}
