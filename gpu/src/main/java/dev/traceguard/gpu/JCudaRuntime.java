package dev.traceguard.gpu;

import java.nio.charset.StandardCharsets;
import jcuda.Pointer;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaDeviceProp;

/** {@link CudaRuntime} over JCuda's runtime API, with exceptions off (return codes are checked). */
final class JCudaRuntime implements CudaRuntime {
  JCudaRuntime() {}

  static void check(String call, int rc) throws CudaError {
    if (rc != 0) {
      throw error(call, rc);
    }
  }

  static CudaError error(String call, int rc) {
    String name;
    String text;
    try {
      name = JCuda.cudaGetErrorName(rc);
      text = JCuda.cudaGetErrorString(rc);
    } catch (RuntimeException | LinkageError e) {
      name = "cudaError " + rc;
      text = "unknown";
    }
    return new CudaError(call, rc, name == null ? "cudaError " + rc : name, text == null ? "" : text);
  }

  @Override
  public int deviceCount() throws CudaError {
    int[] n = new int[1];
    check("cudaGetDeviceCount", JCuda.cudaGetDeviceCount(n));
    return n[0];
  }

  @Override
  public int driverVersion() throws CudaError {
    int[] v = new int[1];
    check("cudaDriverGetVersion", JCuda.cudaDriverGetVersion(v));
    return v[0];
  }

  @Override
  public int runtimeVersion() throws CudaError {
    int[] v = new int[1];
    check("cudaRuntimeGetVersion", JCuda.cudaRuntimeGetVersion(v));
    return v[0];
  }

  @Override
  public DeviceInfo device(int ordinal) throws CudaError {
    cudaDeviceProp p = new cudaDeviceProp();
    check("cudaGetDeviceProperties", JCuda.cudaGetDeviceProperties(p, ordinal));
    check("cudaSetDevice", JCuda.cudaSetDevice(ordinal));
    // cudaFree(null) creates the device's primary context, which cudaMemGetInfo needs.
    check("cudaFree", JCuda.cudaFree(new Pointer()));
    long[] free = new long[1];
    long[] total = new long[1];
    check("cudaMemGetInfo", JCuda.cudaMemGetInfo(free, total));
    return new DeviceInfo(ordinal, cString(p.name), p.major, p.minor, p.multiProcessorCount, total[0], free[0],
        p.pciBusID);
  }

  private static String cString(byte[] b) {
    if (b == null) {
      return "";
    }
    int n = 0;
    while (n < b.length && b[n] != 0) {
      n++;
    }
    return new String(b, 0, n, StandardCharsets.UTF_8).trim();
  }
}
