package dev.traceguard.gpu.agent;

/**
 * Stand-in hooks for the call-site rewriter tests: the redirected methods of {@link RewriteDriver}
 * with the same descriptors; each counts, calls the driver and marks the result (+1000) so a test
 * sees which class answered.
 */
public final class RewriteHooks {
  static volatile int calls;

  private RewriteHooks() {}

  /** Same descriptor as {@link RewriteDriver#cuLaunchKernel}. */
  public static int cuLaunchKernel(String function, int grid, long shared, double weight) {
    calls++;
    return 1000 + RewriteDriver.cuLaunchKernel(function, grid, shared, weight);
  }

  /** Same descriptor as {@link RewriteDriver#cuModuleGetFunction}. */
  public static int cuModuleGetFunction(String name) {
    calls++;
    return 1000 + RewriteDriver.cuModuleGetFunction(name);
  }
}
