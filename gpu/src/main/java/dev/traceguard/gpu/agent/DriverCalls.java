package dev.traceguard.gpu.agent;

/**
 * The driver calls a {@link KernelInterceptor} wraps, with the driver API's parameters.
 *
 * @param <F> function handle ({@code CUfunction})
 * @param <M> module handle ({@code CUmodule})
 * @param <S> stream handle ({@code CUstream})
 * @param <P> pointer ({@code Pointer})
 */
public interface DriverCalls<F, M, S, P> {
  /** {@code cuModuleGetFunction}. */
  int getFunction(F function, M module, String name);

  /** {@code cuLaunchKernel}. */
  int launch(F function, int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ, int sharedMemBytes,
      S stream, P kernelParams, P extra);

  /** {@code cuStreamQuery}: whether the stream has work pending (busy) right now; never blocks. */
  boolean busy(S stream);
}
