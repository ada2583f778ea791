package dev.traceguard.gpu;

/**
 * The few CUDA runtime calls traceguard needs to describe the machine. {@link #jcuda()} is the
 * real one; tests pass stand-ins to exercise the outcomes a machine without a GPU cannot produce.
 * The first call on the real one loads JCuda's natives and may throw a {@link LinkageError}.
 */
public interface CudaRuntime {
  /** {@code cudaGetDeviceCount}. */
  int deviceCount() throws CudaError;

  /** {@code cudaDriverGetVersion}: e.g. 12040 for 12.4; 0 when no driver is installed. */
  int driverVersion() throws CudaError;

  /** {@code cudaRuntimeGetVersion}: the version of the CUDA runtime JCuda links. */
  int runtimeVersion() throws CudaError;

  /** {@code cudaGetDeviceProperties} and, with the device current, {@code cudaMemGetInfo}. */
  DeviceInfo device(int ordinal) throws CudaError;

  /** The runtime backed by JCuda ({@code jcuda.runtime.JCuda}). */
  static CudaRuntime jcuda() {
    return new JCudaRuntime();
  }
}
