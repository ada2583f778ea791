package dev.traceguard.gpu;

/**
 * What the probe found: whether CUDA can be used here, and if not, why in one sentence.
 *
 * @param state the outcome
 * @param deviceCount devices visible (0 unless {@link State#OK})
 * @param driverVersion {@code cudaDriverGetVersion}, e.g. 12040; 0 when no driver is installed or
 *     it could not be asked
 * @param runtimeVersion {@code cudaRuntimeGetVersion} of the runtime JCuda links, e.g. 12000; 0
 *     when unknown
 * @param errorCode the CUDA error code behind the outcome, or 0
 * @param reason why CUDA cannot be used (empty when it can); a plain sentence without a stack trace
 */
public record GpuStatus(State state, int deviceCount, int driverVersion, int runtimeVersion, int errorCode,
    String reason) {

  /** The outcomes of a probe. */
  public enum State {
    /** A driver and at least one device. */
    OK,
    /** No CUDA driver (libcuda.so.1) or one too old for the runtime: error 35. */
    NO_DRIVER,
    /** A driver, but no device visible to this process: error 100, or a count of 0. */
    NO_DEVICE,
    /** JCuda's natives cannot be loaded here (platform, read-only temporary directory, …). */
    UNAVAILABLE
  }

  /** Whether CUDA can be used. */
  public boolean ok() {
    return state == State.OK;
  }

  /** A version number such as 12040 as {@code 12.4}. */
  public static String version(int v) {
    if (v <= 0) {
      return "none";
    }
    return (v / 1000) + "." + (v % 1000) / 10;
  }
}
