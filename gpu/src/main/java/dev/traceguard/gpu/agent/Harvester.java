package dev.traceguard.gpu.agent;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.locks.LockSupport;

/**
 * The background thread that collects finished event pairs and samples stream state every {@code
 * periodNanos}. It only polls ({@code cuEventQuery}, {@code cuStreamQuery}); it never waits on the
 * device. A daemon thread, so it never keeps the application alive.
 */
public final class Harvester implements Runnable {
  private final KernelInterceptor<?, ?, ?, ?> interceptor;
  private final long periodNanos;
  private final Runnable bindThread;
  private volatile boolean running = true;
  private volatile long cpuNanos;
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
    interceptor.timer().harvest();
    if (interceptor.active()) {
      interceptor.sampleStreams();
    }
  }

  /** CPU time the harvest thread has used. */
  public long cpuNanos() {
    return cpuNanos;
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
