package dev.traceguard.gpu.agent;

import java.util.function.IntSupplier;
import java.util.function.ToIntFunction;

/**
 * An application class for the call-site rewriter tests: calls {@link RewriteDriver} directly, through a
 * lambda and through a method reference, next to long, double, string and invokedynamic constants
 * (the constant pool entries the rewriter has to step over).
 */
public final class RewriteApp implements IntSupplier {
  static final long BIG = 0x1234_5678_9abcL;
  static final double RATIO = 2.5e-3;

  /** Used reflectively by the tests. */
  public RewriteApp() {}

  /**
   * Sum of the answers: 449 from the driver alone, 4449 when the four calls of cuLaunchKernel and
   * cuModuleGetFunction (one of them a method reference) go through {@link RewriteHooks}.
   */
  @Override
  public int getAsInt() {
    String name = "spin" + (BIG > 0 ? "" : "!");
    int a = RewriteDriver.cuLaunchKernel(name, 3, BIG, RATIO);
    int b = RewriteDriver.cuModuleGetFunction(name);
    IntSupplier c = () -> RewriteDriver.cuStreamQuery(7);
    ToIntFunction<String> d = RewriteDriver::cuModuleGetFunction;
    return a + b + c.getAsInt() + d.applyAsInt("x") - 110 - 1 + RewriteDriver.cuLaunchKernel("y", 5, 0, RATIO);
  }
}
