package dev.traceguard.gpu.bench;

/**
 * What the bench runs.
 *
 * @param device the CUDA device number
 * @param streams streams the timed launches are spread over
 * @param launches timed launches of the spin kernel in all
 * @param kernelNanos how long each spin kernel runs on the device
 * @param longKernelNanos the long kernel whose event time is checked against host wall time
 * @param timeoutMillis how long to wait for outstanding work before giving up
 */
public record BenchSettings(int device, int streams, int launches, long kernelNanos, long longKernelNanos,
    long timeoutMillis) {

  /** 4 streams, 20 000 launches of a 20 µs kernel, a 200 ms long kernel, 60 s time limit. */
  public static BenchSettings defaults() {
    return new BenchSettings(0, 4, 20_000, 20_000, 200_000_000L, 60_000);
  }
}
