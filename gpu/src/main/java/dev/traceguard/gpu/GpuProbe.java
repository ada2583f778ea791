package dev.traceguard.gpu;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * Decides once whether CUDA can be used in this process. It touches only JCuda's runtime API
 * ({@code jcuda.runtime.JCuda}), which loads without a driver and then answers every call with
 * error 35; the driver API would fail to link instead, so nothing touches it before the probe says
 * {@link GpuStatus#ok()}. A {@link LinkageError} (natives missing for this platform, temporary
 * directory not writable) is caught and reported as {@link GpuStatus.State#UNAVAILABLE}. The
 * probe never throws and never prints.
 *
 * <pre>{@code
 * GpuStatus s = GpuProbe.probe();
 * if (!s.ok()) {
 *   System.err.println(s.reason());   // "no CUDA driver found (cudaGetDeviceCount returned 35 ...)"
 * }
 * }</pre>
 */
public final class GpuProbe {
  private static volatile GpuStatus cached;

  private GpuProbe() {}

  /** The status of this machine, probed on first use and remembered. */
  public static GpuStatus probe() {
    GpuStatus s = cached;
    if (s == null) {
      s = probe(CudaRuntime::jcuda, System.getProperty("os.name", ""), System.getProperty("os.arch", ""),
          System.getProperty("java.io.tmpdir", ""));
      cached = s;
    }
    return s;
  }

  /**
   * Probes through {@code runtime}.
   *
   * @param runtime supplies the runtime; creating or calling it may throw {@link LinkageError}
   * @param osName the {@code os.name} to judge the platform by
   * @param osArch the {@code os.arch} to judge the platform by
   * @param tmpdir where JCuda extracts its natives, for the message when they cannot load
   */
  public static GpuStatus probe(Supplier<CudaRuntime> runtime, String osName, String osArch, String tmpdir) {
    String os = osName.toLowerCase(Locale.ROOT);
    boolean supported = (os.startsWith("linux") || os.startsWith("windows"))
        && (osArch.equals("amd64") || osArch.equals("x86_64"));
    if (!supported) {
      return new GpuStatus(GpuStatus.State.UNAVAILABLE, 0, 0, 0, 0,
          "CUDA support is not available on " + osName + "/" + osArch
              + " (JCuda ships natives for linux-x86_64 and windows-x86_64 only)");
    }
    CudaRuntime rt;
    int runtimeVersion = 0;
    int driverVersion = 0;
    try {
      rt = runtime.get();
      try {
        runtimeVersion = rt.runtimeVersion();
      } catch (CudaError e) {
        runtimeVersion = 0;
      }
      try {
        driverVersion = rt.driverVersion();
      } catch (CudaError e) {
        driverVersion = 0;
      }
      int count = rt.deviceCount();
      if (count <= 0) {
        return new GpuStatus(GpuStatus.State.NO_DEVICE, 0, driverVersion, runtimeVersion, 0,
            "no CUDA device visible (cudaGetDeviceCount found 0 devices; " + deviceHint() + ")");
      }
      return new GpuStatus(GpuStatus.State.OK, count, driverVersion, runtimeVersion, 0, "");
    } catch (CudaError e) {
      return fromError(e, driverVersion, runtimeVersion);
    } catch (LinkageError e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : firstLine(e.getMessage());
      return new GpuStatus(GpuStatus.State.UNAVAILABLE, 0, 0, 0, 0,
          "CUDA support cannot be loaded (" + why + "); JCuda extracts its natives to java.io.tmpdir ("
              + tmpdir + "), which must be writable and allow executables");
    }
  }

  static GpuStatus fromError(CudaError e, int driverVersion, int runtimeVersion) {
    String what = e.call() + " returned " + e.code() + " " + e.name() + ": " + e.text();
    if (e.code() == CudaError.INSUFFICIENT_DRIVER) {
      if (driverVersion > 0) {
        return new GpuStatus(GpuStatus.State.NO_DRIVER, 0, driverVersion, runtimeVersion, e.code(),
            "CUDA driver " + GpuStatus.version(driverVersion) + " is too old for the CUDA "
                + GpuStatus.version(runtimeVersion) + " runtime (" + what + "); install an NVIDIA driver >= 525");
      }
      return new GpuStatus(GpuStatus.State.NO_DRIVER, 0, 0, runtimeVersion, e.code(),
          "no CUDA driver found (" + what + "; traceguard's CUDA support needs an NVIDIA driver >= 525,"
              + " which provides libcuda.so.1)");
    }
    if (e.code() == CudaError.NO_DEVICE) {
      return new GpuStatus(GpuStatus.State.NO_DEVICE, 0, driverVersion, runtimeVersion, e.code(),
          "no CUDA device visible (" + what + "; " + deviceHint() + ")");
    }
    return new GpuStatus(GpuStatus.State.UNAVAILABLE, 0, driverVersion, runtimeVersion, e.code(),
        "CUDA cannot be used (" + what + ")");
  }

  private static String deviceHint() {
    String visible = System.getenv("CUDA_VISIBLE_DEVICES");
    String v = visible == null ? "" : "CUDA_VISIBLE_DEVICES='" + visible + "'; ";
    return v + "in a container, pass the GPUs through, e.g. docker run --gpus all";
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
