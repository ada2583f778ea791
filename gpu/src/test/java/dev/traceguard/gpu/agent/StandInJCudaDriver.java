package dev.traceguard.gpu.agent;

import dev.traceguard.gpu.timing.TimingBackend;
import java.util.HashMap;
import java.util.Map;

/**
 * A stand-in for {@code jcuda.driver.JCudaDriver} for tests on machines without CUDA: the same
 * {@code cuModuleGetFunction}, {@code cuLaunchKernel} and {@code cuStreamQuery} signatures over
 * stand-in handles, a simulated device whose streams run kernels one after another, and events
 * that complete when the work queued before them has. The host clock is the test's.
 */
final class StandInJCudaDriver {
  /** A stand-in {@code CUfunction}. */
  static final class Function {}

  /** A stand-in {@code CUmodule}: kernel name to run time in ns. */
  static final class Module {
    final Map<String, Long> kernels = new HashMap<>();
  }

  /** A stand-in {@code CUstream}. */
  record Stream(int id) {}

  /** A stand-in event. */
  static final class Event {
    long at = -1;
  }

  static long now;
  static int launches;
  static Object[] lastLaunch;
  private static final Map<Function, Long> DURATIONS = new HashMap<>();
  private static final Map<Integer, Long> BUSY_UNTIL = new HashMap<>();

  private StandInJCudaDriver() {}

  static synchronized void reset() {
    now = 0;
    launches = 0;
    lastLaunch = null;
    DURATIONS.clear();
    BUSY_UNTIL.clear();
  }

  static synchronized void advance(long nanos) {
    now += nanos;
  }

  /** Same parameters as {@code JCudaDriver.cuModuleGetFunction}: 500 (not found) for unknown names. */
  static synchronized int cuModuleGetFunction(Function hfunc, Module hmod, String name) {
    Long d = hmod.kernels.get(name);
    if (d == null) {
      return 500;
    }
    DURATIONS.put(hfunc, d);
    return 0;
  }

  /** Same parameters as {@code JCudaDriver.cuLaunchKernel}: 400 (invalid handle) for unknown functions. */
  static synchronized int cuLaunchKernel(Function f, int gridDimX, int gridDimY, int gridDimZ, int blockDimX,
      int blockDimY, int blockDimZ, int sharedMemBytes, Stream hStream, Object kernelParams, Object extra) {
    lastLaunch = new Object[] {f, gridDimX, gridDimY, gridDimZ, blockDimX, blockDimY, blockDimZ, sharedMemBytes,
        hStream, kernelParams, extra};
    Long d = DURATIONS.get(f);
    if (d == null) {
      return 400;
    }
    launches++;
    int s = hStream == null ? 0 : hStream.id();
    BUSY_UNTIL.put(s, Math.max(now, BUSY_UNTIL.getOrDefault(s, 0L)) + d);
    return 0;
  }

  /** Same as {@code JCudaDriver.cuStreamQuery}: 0 idle, 600 busy. */
  static synchronized int cuStreamQuery(Stream hStream) {
    return now >= BUSY_UNTIL.getOrDefault(hStream == null ? 0 : hStream.id(), 0L) ? 0 : 600;
  }

  /** The calls, as an interceptor sees them. */
  static final class Calls implements DriverCalls<Function, Module, Stream, Object> {
    @Override
    public int getFunction(Function function, Module module, String name) {
      return cuModuleGetFunction(function, module, name);
    }

    @Override
    public int launch(Function f, int gx, int gy, int gz, int bx, int by, int bz, int shared, Stream stream,
        Object params, Object extra) {
      return cuLaunchKernel(f, gx, gy, gz, bx, by, bz, shared, stream, params, extra);
    }

    @Override
    public boolean busy(Stream stream) {
      return cuStreamQuery(stream) == 600;
    }
  }

  /** Events on the stand-in device; each record costs 500 ns of host time. */
  static final class Events implements TimingBackend<Stream, Event> {
    int created;
    int destroyed;

    @Override
    public Event create() {
      synchronized (StandInJCudaDriver.class) {
        created++;
      }
      return new Event();
    }

    @Override
    public void record(Event event, Stream stream) {
      synchronized (StandInJCudaDriver.class) {
        now += 500;
        int s = stream == null ? 0 : stream.id();
        event.at = Math.max(now, BUSY_UNTIL.getOrDefault(s, 0L));
      }
    }

    @Override
    public boolean done(Event event) {
      synchronized (StandInJCudaDriver.class) {
        return event.at >= 0 && now >= event.at;
      }
    }

    @Override
    public long elapsedNanos(Event start, Event stop) {
      return stop.at - start.at;
    }

    @Override
    public void destroy(Event event) {
      synchronized (StandInJCudaDriver.class) {
        destroyed++;
      }
    }
  }

  static long clock() {
    synchronized (StandInJCudaDriver.class) {
      return now;
    }
  }
}
