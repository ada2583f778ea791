package dev.traceguard.commands.profile;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for an inference server, run as its own JVM by the tests and the benchmark: a thread
 * pool serving "requests" that allocate and drop tensors (allocation churn), and a direct-buffer
 * cache that grows by a known amount when told to on standard input ("grow"). Prints {@code READY}
 * once serving, {@code CACHE <bytes> <epoch ms>} after each
 * step, {@code GROWN <bytes>} when the cache has grown, {@code OPS <n>} each second with
 * {@code --report}.
 *
 * <p>Options: {@code --threads N}, {@code --step-kib N}, {@code --steps N}, {@code --step-ms N},
 * {@code --deadlock}, {@code --exit-after-ms N}, {@code --report}, {@code --run-ms N}, {@code --retain-mib N}
 * (a live set kept on the heap), {@code --pause-us N}
 * (rest between requests, so tests on a busy machine do not starve the target).
 */
public final class InferenceWorkload {
  private InferenceWorkload() {}

  static final List<ByteBuffer> CACHE = new ArrayList<>();
  static volatile long sink;
  static List<byte[]> RETAINED;

  public static void main(String[] args) throws Exception {
    int threads = 4;
    int stepKib = 2048;
    int steps = 30;
    int stepMs = 100;
    boolean deadlock = false;
    long exitAfter = -1;
    boolean report = false;
    long runMs = -1;
    long pauseUs = 0;
    int retainMib = 0;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--threads": threads = Integer.parseInt(args[++i]); break;
        case "--step-kib": stepKib = Integer.parseInt(args[++i]); break;
        case "--steps": steps = Integer.parseInt(args[++i]); break;
        case "--step-ms": stepMs = Integer.parseInt(args[++i]); break;
        case "--deadlock": deadlock = true; break;
        case "--exit-after-ms": exitAfter = Long.parseLong(args[++i]); break;
        case "--report": report = true; break;
        case "--run-ms": runMs = Long.parseLong(args[++i]); break;
        case "--pause-us": pauseUs = Long.parseLong(args[++i]); break;
        case "--retain-mib": retainMib = Integer.parseInt(args[++i]); break;
        default: throw new IllegalArgumentException(args[i]);
      }
    }
    // A live set that never goes away (loaded model weights on the heap): with a small -Xmx the
    // collector runs all the time.
    List<byte[]> retained = new ArrayList<>();
    for (int i = 0; i < retainMib * 16; i++) {
      retained.add(new byte[64 << 10]);
    }
    RETAINED = retained;
    AtomicLong ops = new AtomicLong();
    final long pauseNanos = pauseUs * 1000;
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "inference-worker");
      t.setDaemon(true);
      return t;
    });
    for (int i = 0; i < threads; i++) {
      pool.submit(() -> {
        float[] weights = new float[4096];
        for (int k = 0; k < weights.length; k++) {
          weights[k] = k * 0.001f;
        }
        while (true) {
          request(weights, ops);
          if (pauseNanos > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(pauseNanos);
          }
        }
      });
    }
    if (deadlock) {
      Object a = new Object();
      Object b = new Object();
      startLocker("locker-a", a, b);
      startLocker("locker-b", b, a);
    }
    if (exitAfter >= 0) {
      final long exitMs = exitAfter;
      Thread t = new Thread(() -> {
        sleep(exitMs);
        Runtime.getRuntime().halt(0);
      }, "exit-timer");
      t.setDaemon(true);
      t.start();
    }
    System.out.println("READY " + ProcessHandle.current().pid() + " direct=" + directUsed());
    System.out.flush();
    final int kib = stepKib;
    final int n = steps;
    final int ms = stepMs;
    Thread input = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.trim().equals("grow")) {
            long before = directUsed();
            for (int k = 0; k < n; k++) {
              ByteBuffer buf = ByteBuffer.allocateDirect(kib * 1024);
              buf.put(0, (byte) 1);
              synchronized (CACHE) {
                CACHE.add(buf);
              }
              System.out.println("CACHE " + (long) (k + 1) * kib * 1024 + " " + System.currentTimeMillis());
              System.out.flush();
              sleep(ms);
            }
            System.out.println("GROWN " + (directUsed() - before));
            System.out.flush();
          }
        }
      } catch (java.io.IOException e) {
        // Stdin closed: keep serving.
      }
    }, "cache-loader");
    input.setDaemon(true);
    input.start();
    long start = System.nanoTime();
    while (runMs < 0 || System.nanoTime() - start < runMs * 1_000_000L) {
      long before = ops.get();
      sleep(1000);
      if (report) {
        System.out.println("OPS " + (ops.get() - before));
        System.out.flush();
      }
    }
    pool.shutdownNow();
    pool.awaitTermination(1, TimeUnit.SECONDS);
    System.exit(0);
  }

  /**
   * One "request": an input tensor, a little math, an output tensor; all garbage after. A method
   * of its own, called per request as a server's handler is, so the JIT compiles it normally (an
   * endless loop would only ever run as on-stack-replaced code, which a deoptimization, e.g. when
   * JFR starts in the target, leaves recompiled with a worse profile for good).
   */
  static void request(float[] weights, AtomicLong ops) {
    float[] input = new float[16 * 1024];
    for (int k = 0; k < input.length; k++) {
      input[k] = (k ^ ops.get()) * 0.5f;
    }
    float acc = 0;
    for (int k = 0; k < input.length; k++) {
      acc += input[k] * weights[k & 4095];
    }
    byte[] out = new byte[8 * 1024];
    out[0] = (byte) acc;
    sink += out[0];
    ops.incrementAndGet();
  }

  private static void startLocker(String name, Object first, Object second) {
    Thread t = new Thread(() -> {
      synchronized (first) {
        sleep(200);
        synchronized (second) {
          sink++;
        }
      }
    }, name);
    t.setDaemon(true);
    t.start();
  }

  static long directUsed() {
    for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (b.getName().equals("direct")) {
        return b.getMemoryUsed();
      }
    }
    return -1;
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
