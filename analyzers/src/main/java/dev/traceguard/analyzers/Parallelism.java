package dev.traceguard.analyzers;

/**
 * How many threads reading and analysing may use: by default one per processor, at most 8. A
 * command sets it once (for example from {@code --threads}) before it reads; results do not depend
 * on it, only speed does.
 */
public final class Parallelism {
  /** The most threads used when none are asked for. */
  public static final int DEFAULT_MAX = 8;
  private static volatile int threads;

  private Parallelism() {}

  /** Threads to use: the number set, or one per processor up to {@value #DEFAULT_MAX}. */
  public static int threads() {
    int t = threads;
    return t > 0 ? t : Math.min(DEFAULT_MAX, Runtime.getRuntime().availableProcessors());
  }

  /** Sets the number of threads; 0 goes back to the default. */
  public static void set(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("threads must be 0 or more: " + n);
    }
    threads = n;
  }
}
