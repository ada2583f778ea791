package dev.traceguard.gpu;

/**
 * One CUDA device as the runtime reports it.
 *
 * @param ordinal the CUDA device number
 * @param name the marketing name, e.g. {@code NVIDIA H100 80GB HBM3}
 * @param major compute capability, major part
 * @param minor compute capability, minor part
 * @param multiprocessors streaming multiprocessors (SMs)
 * @param memoryTotal device memory in bytes ({@code cudaMemGetInfo})
 * @param memoryFree free device memory in bytes at the time of the query
 * @param pciBusId the PCI bus number
 */
public record DeviceInfo(
    int ordinal, String name, int major, int minor, int multiprocessors, long memoryTotal, long memoryFree,
    int pciBusId) {

  /** The compute capability as written in CUDA's documentation, e.g. {@code 9.0}. */
  public String computeCapability() {
    return major + "." + minor;
  }

  /** Memory in use on the device by every process, in bytes. */
  public long memoryUsed() {
    return Math.max(0, memoryTotal - memoryFree);
  }
}
