package dev.traceguard.gpu.timing;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Times kernel launches with a pair of events recorded on the launch's own stream, and harvests
 * finished pairs asynchronously: {@link #harvest()} only asks {@link TimingBackend#elapsedIfDone}
 * and never waits, so the application's streams are never synchronised, and it makes its event
 * calls outside the lock that launching threads take. Event pairs come from a fixed pool; when all
 * are in flight (the device is far behind) further launches run untimed and are counted. Timing
 * never changes what a launch does or returns: a failing event call is counted and the launch goes
 * ahead.
 *
 * <p>Every launch is counted; with a budget of timed launches per second, launches beyond it are
 * timed at random (each with the same chance, re-estimated from the launch rate every 100 ms, or
 * sooner once a tenth of the budget's launches have been seen), so that the cost on a busy
 * application stays bounded. Totals and stream busy times are then estimates: the timed launches'
 * mean times the launches counted.
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

  private static final long RATE_WINDOW_NANOS = 100_000_000L;
  private static final long NOT_HARVESTED = Long.MIN_VALUE;
  private static final long FAILED = Long.MIN_VALUE + 1;

  private final TimingBackend<S, E> backend;
  private final LongSupplier hostNanos;
  private final int maxPairs;
  private final int maxKernels;
  private final int maxStreams;
  private final long maxTimedPerSecond;
  private final ArrayDeque<Pair<E>> free = new ArrayDeque<>();
  private int created;
  private final Map<String, KernelAcc> kernels = new LinkedHashMap<>();
  private final Map<String, StreamAcc> streams = new LinkedHashMap<>();
  private long timed;
  private long untimed;
  private long unsampled;
  private int pending;
  private long overhead;
  private long other;
  private long errors;
  private long windowStart;
  private long windowLaunches;
  private double share = 1.0;
  private long seed = 0x9E3779B97F4A7C15L;
  private volatile boolean closed;
  private final Object harvesting = new Object();
  private final List<Pending> batch = new ArrayList<>();

  /**
   * A timer that times every launch it can.
   *
   * @param backend creates, records and queries events
   * @param hostNanos the host clock (for the timing overhead and stream windows)
   * @param maxPairs event pairs in flight at most
   * @param maxKernels distinct kernel names tracked; the rest are pooled under {@link #OTHER}
   */
  public LaunchTimer(TimingBackend<S, E> backend, LongSupplier hostNanos, int maxPairs, int maxKernels) {
    this(backend, hostNanos, maxPairs, maxKernels, 0);
  }

  /**
   * A timer.
   *
   * @param backend creates, records and queries events
   * @param hostNanos the host clock (for the timing overhead, stream windows and the launch rate)
   * @param maxPairs event pairs in flight at most
   * @param maxKernels distinct kernel names tracked; the rest are pooled under {@link #OTHER}
   * @param maxTimedPerSecond launches timed per second at most, a random sample beyond that (every
   *     launch is still counted); 0 times every launch
   */
  public LaunchTimer(TimingBackend<S, E> backend, LongSupplier hostNanos, int maxPairs, int maxKernels,
      long maxTimedPerSecond) {
    if (maxPairs < 1 || maxKernels < 1 || maxTimedPerSecond < 0) {
      throw new IllegalArgumentException("maxPairs and maxKernels must be positive, maxTimedPerSecond not negative");
    }
    this.backend = backend;
    this.hostNanos = hostNanos;
    this.maxPairs = maxPairs;
    this.maxKernels = maxKernels;
    this.maxStreams = Math.max(1, maxKernels);
    this.maxTimedPerSecond = maxTimedPerSecond;
    this.windowStart = hostNanos.getAsLong();
  }

  private record Pair<E>(E start, E stop) {}

  /** Per kernel: launches counted, times of the timed ones. */
  private static final class KernelAcc {
    final LatencyHistogram times = new LatencyHistogram();
    long launches;
  }

  /** Per stream: launches counted and timed, summed time of the timed ones, pairs in flight. */
  private final class StreamAcc {
    final long since;
    final ArrayDeque<Pending> inFlight = new ArrayDeque<>();
    long launches;
    long timed;
    long busy;

    StreamAcc(long since) {
      this.since = since;
    }
  }

  /** A launch whose start event is recorded. */
  private final class Pending {
    private final Pair<E> pair;
    private final KernelAcc kernel;
    private final StreamAcc stream;
    private long overhead;
    private long nanos = NOT_HARVESTED;

    Pending(Pair<E> pair, KernelAcc kernel, StreamAcc stream) {
      this.pair = pair;
      this.kernel = kernel;
      this.stream = stream;
    }
  }

  /**
   * Times one launch: records the start event on {@code stream}, runs {@code launch}, records the
   * stop event. Returns what {@code launch} returned, or throws what it threw (the pair then goes
   * back to the pool, counted as untimed). A launch that returns non-zero is not counted.
   */
  public int time(String kernel, S stream, String streamLabel, IntSupplier launch) {
    if (closed) {
      return launch.getAsInt();
    }
    long t0 = hostNanos.getAsLong();
    Pending p = begin(kernel, stream, streamLabel, t0);
    int rc;
    try {
      rc = launch.getAsInt();
    } catch (RuntimeException | Error e) {
      // A launch that throws (JCuda with exceptions enabled) gives its pair back and goes on throwing.
      end(p, stream, false, kernel, streamLabel);
      throw e;
    }
    end(p, stream, rc == 0, kernel, streamLabel);
    return rc;
  }

  /**
   * Counts the launch and records its start event on {@code stream}; null when the launch goes
   * untimed (not sampled, no pair free, timer closed meanwhile, or the event call failed).
   */
  private Pending begin(String kernel, S stream, String streamLabel, long now) {
    KernelAcc k;
    StreamAcc s;
    Pair<E> pair;
    synchronized (this) {
      k = kernel(kernel);
      s = stream(streamLabel, now);
      k.launches++;
      s.launches++;
      if (closed) {
        return null;
      }
      if (!sampled(now)) {
        unsampled++;
        return null;
      }
      pair = take();
    }
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
    Pending p = new Pending(pair, k, s);
    p.overhead = hostNanos.getAsLong() - t0;
    return p;
  }

  /**
   * Records the stop event after the launch and queues the pair for harvest; with {@code
   * launched} false (the launch failed) the pair goes back to the pool untimed and the launch is
   * not counted.
   */
  private void end(Pending p, S stream, boolean launched, String kernel, String streamLabel) {
    if (!launched) {
      synchronized (this) {
        KernelAcc k = p == null ? kernels.get(kernels.containsKey(kernel) ? kernel : OTHER) : p.kernel;
        StreamAcc s = p == null ? streams.get(streams.containsKey(streamLabel) ? streamLabel : OTHER) : p.stream;
        if (k != null && k.launches > 0) {
          k.launches--;
        }
        if (s != null && s.launches > 0) {
          s.launches--;
        }
        if (p != null) {
          release(p.pair);
          untimed++;
        }
      }
      return;
    }
    if (p == null) {
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
    synchronized (this) {
      p.stream.inFlight.addLast(p);
      pending++;
      timed++;
      overhead += p.overhead;
    }
  }

  /** Whether this launch is timed: always under the budget, else with the current share. */
  private boolean sampled(long now) {
    if (maxTimedPerSecond == 0) {
      return true;
    }
    windowLaunches++;
    long span = now - windowStart;
    if (span >= RATE_WINDOW_NANOS || (windowLaunches >= Math.max(64, maxTimedPerSecond / 10) && span > 0)) {
      double rate = windowLaunches * 1e9 / span;
      share = Math.min(1.0, maxTimedPerSecond / rate);
      windowStart = now;
      windowLaunches = 0;
    }
    if (share >= 1.0) {
      return true;
    }
    seed ^= seed << 13;
    seed ^= seed >>> 7;
    seed ^= seed << 17;
    return (seed >>> 11) * 0x1.0p-53 < share;
  }

  private Pair<E> take() {
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
   * pair that has not finished. The event calls run outside the lock that launches take, so a
   * launching thread never waits for them.
   *
   * @return pairs harvested by this call
   */
  public int harvest() {
    synchronized (harvesting) {
      List<Pending> work = batch;
      work.clear();
      synchronized (this) {
        for (StreamAcc s : streams.values()) {
          if (!s.inFlight.isEmpty()) {
            work.addAll(s.inFlight);
          }
        }
      }
      // Outside the lock: one call per pair, and one more per stream for the first unfinished one.
      StreamAcc blocked = null;
      for (Pending p : work) {
        if (p.stream == blocked) {
          continue;
        }
        long nanos;
        try {
          nanos = backend.elapsedIfDone(p.pair.start(), p.pair.stop());
        } catch (Exception e) {
          nanos = FAILED;
        }
        if (nanos == TimingBackend.NOT_DONE) {
          blocked = p.stream;
        } else {
          p.nanos = nanos == FAILED ? FAILED : Math.max(0, nanos);
        }
      }
      int n = 0;
      synchronized (this) {
        for (Pending p : work) {
          if (p.nanos == NOT_HARVESTED) {
            continue;
          }
          // Only this method removes from the queues, and in their order: p is at the head.
          p.stream.inFlight.pollFirst();
          pending--;
          if (p.nanos == FAILED) {
            errors++;
            untimed++;
            timed--;
            created--;
            backend.destroy(p.pair.start());
            backend.destroy(p.pair.stop());
            continue;
          }
          n++;
          release(p.pair);
          p.kernel.times.record(p.nanos);
          p.stream.timed++;
          p.stream.busy += p.nanos;
        }
      }
      work.clear();
      return n;
    }
  }

  private KernelAcc kernel(String name) {
    KernelAcc k = kernels.get(name);
    if (k != null) {
      return k;
    }
    if (kernels.size() >= maxKernels) {
      other++;
      return kernels.computeIfAbsent(OTHER, x -> new KernelAcc());
    }
    k = new KernelAcc();
    kernels.put(name, k);
    return k;
  }

  private StreamAcc stream(String label, long now) {
    StreamAcc s = streams.get(label);
    if (s != null) {
      return s;
    }
    if (streams.size() >= maxStreams) {
      return streams.computeIfAbsent(OTHER, x -> new StreamAcc(now));
    }
    s = new StreamAcc(now);
    streams.put(label, s);
    return s;
  }

  /** Pairs recorded and not yet harvested. */
  public synchronized int pending() {
    return pending;
  }

  /** What has been measured so far. */
  public synchronized TimingSnapshot snapshot() {
    List<KernelTiming> ks = new ArrayList<>();
    for (Map.Entry<String, KernelAcc> e : kernels.entrySet()) {
      KernelAcc k = e.getValue();
      LatencyHistogram h = k.times;
      ks.add(new KernelTiming(e.getKey(), k.launches, h.count(), scale(h.total(), k.launches, h.count()),
          h.quantile(0.5), h.quantile(0.99), h.max()));
    }
    ks.sort(Comparator.comparingLong(KernelTiming::totalNanos).reversed().thenComparing(KernelTiming::kernel));
    long now = hostNanos.getAsLong();
    List<StreamTiming> ss = new ArrayList<>();
    for (Map.Entry<String, StreamAcc> e : streams.entrySet()) {
      StreamAcc s = e.getValue();
      ss.add(new StreamTiming(e.getKey(), s.launches, scale(s.busy, s.launches, s.timed), now - s.since));
    }
    return new TimingSnapshot(List.copyOf(ks), List.copyOf(ss), timed, untimed, unsampled, share, pending, overhead,
        other, errors);
  }

  /** {@code sum} of {@code n} timed launches scaled up to {@code launches} (exact when all were timed). */
  private static long scale(long sum, long launches, long n) {
    if (n == 0 || launches <= n) {
      return sum;
    }
    return Math.round((double) sum * launches / n);
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
