package dev.traceguard.gpu.agent;

/**
 * A stand-in driver class for the call-site rewriter tests: static methods like {@code
 * JCudaDriver}'s whose results say that the driver answered (1xx).
 */
public final class RewriteDriver {
  static int launches;

  private RewriteDriver() {}

  /** Redirected in the tests. */
  public static int cuLaunchKernel(String function, int grid, long shared, double weight) {
    launches++;
    return 100 + grid;
  }

  /** Redirected in the tests. */
  public static int cuModuleGetFunction(String name) {
    return 110 + name.length();
  }

  /** Never redirected (not in the method set). */
  public static int cuStreamQuery(int stream) {
    return 120 + stream;
  }
}
