package dev.traceguard.gpu;

/**
 * A CUDA call that returned an error code.
 *
 * <p>Codes worth knowing: 2 {@code cudaErrorMemoryAllocation}, 35 {@code
 * cudaErrorInsufficientDriver} (no driver, or one older than the runtime), 100 {@code
 * cudaErrorNoDevice}, 600 {@code cudaErrorNotReady}.
 */
public final class CudaError extends Exception {
  private static final long serialVersionUID = 1L;

  /** cudaErrorInsufficientDriver: no CUDA driver, or one too old for the runtime. */
  public static final int INSUFFICIENT_DRIVER = 35;
  /** cudaErrorNoDevice: a driver, but no device visible to this process. */
  public static final int NO_DEVICE = 100;
  /** cudaErrorNotReady: the event or stream has work still pending. */
  public static final int NOT_READY = 600;

  private final String call;
  private final int code;
  private final String name;
  private final String text;

  /**
   * An error returned by {@code call}.
   *
   * @param call the CUDA function, e.g. {@code cudaGetDeviceCount}
   * @param code its return code
   * @param name the code's name, e.g. {@code cudaErrorInsufficientDriver}
   * @param text CUDA's description of the code
   */
  public CudaError(String call, int code, String name, String text) {
    super(call + " returned " + code + " " + name + ": " + text);
    this.call = call;
    this.code = code;
    this.name = name;
    this.text = text;
  }

  /** The CUDA function that failed. */
  public String call() {
    return call;
  }

  /** The return code. */
  public int code() {
    return code;
  }

  /** The code's name, e.g. {@code cudaErrorNoDevice}. */
  public String name() {
    return name;
  }

  /** CUDA's description of the code. */
  public String text() {
    return text;
  }
}
