package dev.traceguard.gpu.agent;

import jcuda.driver.CUfunction;
import jcuda.driver.JCudaDriver;

/**
 * Calls the real {@code JCudaDriver} the way a JCuda application does, for the test that rewrites
 * it with the agent's method set (with null handles: whoever answers fails at once).
 */
public final class JCudaCaller implements Runnable {
  /** Used reflectively by the tests. */
  public JCudaCaller() {}

  @Override
  public void run() {
    CUfunction f = new CUfunction();
    JCudaDriver.cuModuleGetFunction(f, null, "k");
    JCudaDriver.cuLaunchKernel(f, 1, 1, 1, 1, 1, 1, 0, null, null, null);
  }
}
