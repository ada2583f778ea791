package dev.traceguard.gpu.agent;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.locks.LockSupport;

/**
 * The background thread that collects finished event pairs every {@code periodNanos} and samples
 * stream state at most every {@value #SAMPLE_PERIOD_NANOS} ns, {@value #STREAMS_PER_SAMPLE} streams
 * at a time. It only polls ({@code cuEventElapsedTime}, {@code cuStreamQuery}); it never waits on
 * the device. A daemon thread, so it never keeps the application alive.
 */
public final class Harvester implements Runnable {
  /** Least pause between two passes of stream-state sampling. */
  public static final long SAMPLE_PERIOD_NANOS = 100_000_000L;
  /** Streams queried in one pass at most (in turn when there are more). */
  public static final int STREAMS_PER_SAMPLE = 8;

  private final KernelInterceptor<?, ?, ?, ?> interceptor;
  private final long periodNanos;
  private final Runnable bindThread;
  private volatile boolean running = true;
  private volatile long cpuNanos;
  private volatile long rounds;
  private volatile long harvestNanos;
  private volatile long sampleNanos;
  private long lastSample = System.nanoTime() - SAMPLE_PERIOD_NANOS;
  private Thread thread;

  /**
   * A harvester.
   *
   * @param interceptor whose timer and streams to poll
   * @param periodNanos pause between rounds
   * @param bindThread run on the harvest thread before each round (e.g. make the application's
   *     CUDA context current once it is known); may do nothing, should be cheap when nothing changed
   */
  public Harvester(KernelInterceptor<?, ?, ?, ?> interceptor, long periodNanos, Runnable bindThread) {
    this.interceptor = interceptor;
    this.periodNanos = periodNanos;
    this.bindThread = bindThread;
  }

  /** Starts the thread. */
  public synchronized void start() {
    thread = new Thread(this, "traceguard-gpu-harvest");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void run() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long c0 = mx.isCurrentThreadCpuTimeSupported() ? mx.getCurrentThreadCpuTime() : 0;
    while (running) {
      try {
        bindThread.run();
        round();
      } catch (RuntimeException e) {
        // A failing query (a stream the application destroyed, say) must not end the thread.
      }
      if (mx.isCurrentThreadCpuTimeSupported()) {
        cpuNanos = mx.getCurrentThreadCpuTime() - c0;
      }
      LockSupport.parkNanos(periodNanos);
    }
    round();
  }

  /** One round: harvest finished pairs, sample streams. */
  public void round() {
    long t0 = System.nanoTime();
    interceptor.timer().harvest();
    long t1 = System.nanoTime();
    if (interceptor.active() && t1 - lastSample >= SAMPLE_PERIOD_NANOS) {
      lastSample = t1;
      interceptor.sampleStreams(STREAMS_PER_SAMPLE);
    }
    long t2 = System.nanoTime();
    // Written by the harvest thread alone (and by the last round after it stopped).
    rounds = rounds + 1;
    harvestNanos = harvestNanos + (t1 - t0);
    sampleNanos = sampleNanos + (t2 - t1);
  }

  /** CPU time the harvest thread has used. */
  public long cpuNanos() {
    return cpuNanos;
  }

  /** Rounds run so far. */
  public long rounds() {
    return rounds;
  }

  /** Host time spent collecting finished pairs, summed over the rounds. */
  public long harvestNanos() {
    return harvestNanos;
  }

  /** Host time spent sampling stream state, summed over the rounds. */
  public long sampleNanos() {
    return sampleNanos;
  }

  /** Stops the thread after its current round and waits for it briefly. */
  public void stop() {
    running = false;
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null) {
      LockSupport.unpark(t);
      try {
        t.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
