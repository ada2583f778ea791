package dev.traceguard.gpu.timing;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Times kernel launches with a pair of events recorded on the launch's own stream, and harvests
 * finished pairs asynchronously: {@link #harvest()} only asks {@link TimingBackend#done} and never
 * waits, so the application's streams are never synchronised. Event pairs come from a fixed pool;
 * when all are in flight (the device is far behind) further launches run untimed and are counted.
 * Timing never changes what a launch does or returns: a failing event call is counted and the
 * launch goes ahead.
 *
 * <pre>{@code
 * LaunchTimer<cudaStream_t, cudaEvent_t> timer = new LaunchTimer<>(backend, System::nanoTime, 1024, 256);
 * int rc = timer.time("gemm", stream, "stream-1", () -> cuLaunchKernel(...));
 * timer.harvest();                       // from a background thread, now and then
 * TimingSnapshot s = timer.snapshot();   // count, total, p50, p99 per kernel; busy time per stream
 * }</pre>
 *
 * @param <S> the stream handle type
 * @param <E> the event handle type
 */
public final class LaunchTimer<S, E> {
  /** The name launches of kernels beyond the tracked limit are pooled under. */
  public static final String OTHER = "(other)";

  private final TimingBackend<S, E> backend;
  private final LongSupplier hostNanos;
  private final int maxPairs;
  private final int maxKernels;
  private final int maxStreams;
  private final ArrayDeque<Pair<E>> free = new ArrayDeque<>();
  private int created;
  private final Map<String, ArrayDeque<Pending<E>>> inFlight = new LinkedHashMap<>();
  private final Map<String, LatencyHistogram> kernels = new LinkedHashMap<>();
  private final Map<String, long[]> streams = new LinkedHashMap<>();
  private long timed;
  private long untimed;
  private int pending;
  private long overhead;
  private long other;
  private long errors;
  private volatile boolean closed;

  /**
   * A timer.
   *
   * @param backend creates, records and queries events
   * @param hostNanos the host clock (for the timing overhead and stream windows)
   * @param maxPairs event pairs in flight at most
   * @param maxKernels distinct kernel names tracked; the rest are pooled under {@link #OTHER}
   */
  public LaunchTimer(TimingBackend<S, E> backend, LongSupplier hostNanos, int maxPairs, int maxKernels) {
    if (maxPairs < 1 || maxKernels < 1) {
      throw new IllegalArgumentException("maxPairs and maxKernels must be positive");
    }
    this.backend = backend;
    this.hostNanos = hostNanos;
    this.maxPairs = maxPairs;
    this.maxKernels = maxKernels;
    this.maxStreams = Math.max(1, maxKernels);
  }

  private record Pair<E>(E start, E stop) {}

  /** A launch whose start event is recorded; pass it to {@link #end}. */
  public static final class Pending<E> {
    private final Pair<E> pair;
    private final String kernel;
    private final String stream;
    private long overhead;

    private Pending(Pair<E> pair, String kernel, String stream) {
      this.pair = pair;
      this.kernel = kernel;
      this.stream = stream;
    }
  }

  /**
   * Times one launch: records the start event on {@code stream}, runs {@code launch}, records the
   * stop event. Returns what {@code launch} returned, or throws what it threw (the pair then goes
   * back to the pool, counted as untimed).
   */
  public int time(String kernel, S stream, String streamLabel, IntSupplier launch) {
    Pending<E> p = begin(kernel, stream, streamLabel);
    int rc;
    try {
      rc = launch.getAsInt();
    } catch (RuntimeException | Error e) {
      // A launch that throws (JCuda with exceptions enabled) gives its pair back and goes on throwing.
      end(p, stream, false);
      throw e;
    }
    end(p, stream, rc == 0);
    return rc;
  }

  /**
   * Records the start event of a launch on {@code stream}; null when the launch goes untimed (no
   * pair free, timer closed, or the event call failed).
   */
  public Pending<E> begin(String kernel, S stream, String streamLabel) {
    if (closed) {
      return null;
    }
    Pair<E> pair = take();
    if (pair == null) {
      return null;
    }
    long t0 = hostNanos.getAsLong();
    try {
      backend.record(pair.start(), stream);
    } catch (Exception e) {
      drop(pair);
      return null;
    }
    Pending<E> p = new Pending<>(pair, kernel, streamLabel);
    p.overhead = hostNanos.getAsLong() - t0;
    return p;
  }

  /**
   * Records the stop event after the launch and queues the pair for harvest; with {@code
   * launched} false (the launch failed) the pair goes back to the pool untimed.
   */
  public void end(Pending<E> p, S stream, boolean launched) {
    if (p == null) {
      return;
    }
    if (!launched) {
      synchronized (this) {
        release(p.pair);
        untimed++;
      }
      return;
    }
    long t0 = hostNanos.getAsLong();
    try {
      backend.record(p.pair.stop(), stream);
    } catch (Exception e) {
      drop(p.pair);
      return;
    }
    p.overhead += hostNanos.getAsLong() - t0;
    long now = hostNanos.getAsLong();
    synchronized (this) {
      String label = streams.containsKey(p.stream) || streams.size() < maxStreams ? p.stream : OTHER;
      streams.computeIfAbsent(label, k -> new long[] {0, 0, now});
      inFlight.computeIfAbsent(label, k -> new ArrayDeque<>()).addLast(p);
      pending++;
      timed++;
      overhead += p.overhead;
    }
  }

  private synchronized Pair<E> take() {
    Pair<E> pair = free.poll();
    if (pair != null) {
      return pair;
    }
    if (created >= maxPairs) {
      untimed++;
      return null;
    }
    try {
      E a = backend.create();
      E b;
      try {
        b = backend.create();
      } catch (Exception e) {
        backend.destroy(a);
        throw e;
      }
      created++;
      return new Pair<>(a, b);
    } catch (Exception e) {
      errors++;
      untimed++;
      return null;
    }
  }

  private void release(Pair<E> pair) {
    if (closed) {
      created--;
      backend.destroy(pair.start());
      backend.destroy(pair.stop());
    } else {
      free.push(pair);
    }
  }

  private synchronized void drop(Pair<E> pair) {
    errors++;
    untimed++;
    created--;
    backend.destroy(pair.start());
    backend.destroy(pair.stop());
  }

  /**
   * Collects every finished pair without waiting: per stream, in launch order, up to the first
   * pair whose stop event is still pending.
   *
   * @return pairs harvested by this call
   */
  public synchronized int harvest() {
    int n = 0;
    for (Map.Entry<String, ArrayDeque<Pending<E>>> q : inFlight.entrySet()) {
      Iterator<Pending<E>> it = q.getValue().iterator();
      while (it.hasNext()) {
        Pending<E> p = it.next();
        long nanos;
        try {
          if (!backend.done(p.pair.stop())) {
            break;
          }
          nanos = backend.elapsedNanos(p.pair.start(), p.pair.stop());
        } catch (Exception e) {
          it.remove();
          pending--;
          drop(p.pair);
          continue;
        }
        it.remove();
        pending--;
        n++;
        release(p.pair);
        kernel(p.kernel).record(nanos);
        long[] s = streams.get(q.getKey());
        s[0]++;
        s[1] += nanos;
      }
    }
    return n;
  }

  private LatencyHistogram kernel(String name) {
    LatencyHistogram h = kernels.get(name);
    if (h != null) {
      return h;
    }
    if (kernels.size() >= maxKernels) {
      other++;
      return kernels.computeIfAbsent(OTHER, k -> new LatencyHistogram());
    }
    h = new LatencyHistogram();
    kernels.put(name, h);
    return h;
  }

  /** Pairs recorded and not yet harvested. */
  public synchronized int pending() {
    return pending;
  }

  /** What has been measured so far. */
  public synchronized TimingSnapshot snapshot() {
    List<KernelTiming> ks = new ArrayList<>();
    for (Map.Entry<String, LatencyHistogram> e : kernels.entrySet()) {
      LatencyHistogram h = e.getValue();
      ks.add(new KernelTiming(e.getKey(), h.count(), h.total(), h.quantile(0.5), h.quantile(0.99), h.max()));
    }
    ks.sort(Comparator.comparingLong(KernelTiming::totalNanos).reversed().thenComparing(KernelTiming::kernel));
    long now = hostNanos.getAsLong();
    List<StreamTiming> ss = new ArrayList<>();
    for (Map.Entry<String, long[]> e : streams.entrySet()) {
      long[] s = e.getValue();
      ss.add(new StreamTiming(e.getKey(), s[0], s[1], now - s[2]));
    }
    return new TimingSnapshot(List.copyOf(ks), List.copyOf(ss), timed, untimed, pending, overhead, other, errors);
  }

  /**
   * Stops timing new launches and releases every pooled pair; pairs still in flight are released
   * by later {@link #harvest()} calls as they finish.
   */
  public synchronized void close() {
    closed = true;
    for (Pair<E> p : free) {
      backend.destroy(p.start());
      backend.destroy(p.stop());
    }
    free.clear();
  }

  /** Whether {@link #close()} was called. */
  public boolean closed() {
    return closed;
  }
}
