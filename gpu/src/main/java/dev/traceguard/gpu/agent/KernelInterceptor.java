package dev.traceguard.gpu.agent;

import dev.traceguard.gpu.timing.LaunchTimer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Function;

/**
 * Wraps the driver calls of an application: remembers the name each {@code CUfunction} was looked
 * up by, and times each launch with an event pair on the launch's own stream. What the
 * application passes and gets back is never changed; after {@link #stop()} every call goes
 * straight through. Memory is bounded: at most {@code maxFunctions} names and {@code maxStreams}
 * streams are remembered (weakly, so handles the application drops are forgotten).
 *
 * @param <F> function handle
 * @param <M> module handle
 * @param <S> stream handle
 * @param <P> pointer
 */
public final class KernelInterceptor<F, M, S, P> {
  /** The name of a function looked up before timing began, or beyond the name limit. */
  public static final String UNNAMED = "(unnamed)";

  private final DriverCalls<F, M, S, P> driver;
  private final LaunchTimer<S, ?> timer;
  private final Function<S, String> streamLabel;
  private final int maxFunctions;
  private final int maxStreams;
  private final Map<F, String> names = Collections.synchronizedMap(new WeakHashMap<>());
  private final Map<S, String> streams = Collections.synchronizedMap(new WeakHashMap<>());
  private final Map<String, long[]> samples = new LinkedHashMap<>();
  private int nextSampled;
  private volatile boolean active = true;

  /**
   * An interceptor.
   *
   * @param driver the real calls
   * @param timer times launches
   * @param streamLabel names a stream for statistics (null is the default stream)
   * @param maxFunctions function names remembered at most
   * @param maxStreams streams sampled at most
   */
  public KernelInterceptor(DriverCalls<F, M, S, P> driver, LaunchTimer<S, ?> timer, Function<S, String> streamLabel,
      int maxFunctions, int maxStreams) {
    this.driver = driver;
    this.timer = timer;
    this.streamLabel = streamLabel;
    this.maxFunctions = maxFunctions;
    this.maxStreams = maxStreams;
  }

  /** {@code cuModuleGetFunction}: the real call, then the name is remembered for timing. */
  public int cuModuleGetFunction(F function, M module, String name) {
    int rc = driver.getFunction(function, module, name);
    if (rc == 0 && active && function != null && name != null && names.size() < maxFunctions) {
      names.put(function, name);
    }
    return rc;
  }

  /** {@code cuLaunchKernel}: the real call, between a start and a stop event on {@code stream}. */
  public int cuLaunchKernel(F function, int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ,
      int sharedMemBytes, S stream, P kernelParams, P extra) {
    if (!active) {
      return driver.launch(function, gridX, gridY, gridZ, blockX, blockY, blockZ, sharedMemBytes, stream,
          kernelParams, extra);
    }
    String label = label(stream);
    return timer.time(nameOf(function), stream, label, () -> driver.launch(function, gridX, gridY, gridZ, blockX,
        blockY, blockZ, sharedMemBytes, stream, kernelParams, extra));
  }

  private String label(S stream) {
    if (stream == null) {
      return "default";
    }
    String l = streams.get(stream);
    if (l == null) {
      l = streamLabel.apply(stream);
      if (streams.size() < maxStreams) {
        streams.put(stream, l);
      }
    }
    return l;
  }

  /** The name {@code function} was looked up by, or {@link #UNNAMED}. */
  public String nameOf(F function) {
    String n = function == null ? null : names.get(function);
    return n == null ? UNNAMED : n;
  }

  /**
   * Samples whether each known stream is busy ({@code cuStreamQuery}); the shares of busy samples
   * are in {@link #streamSamples()}.
   */
  public void sampleStreams() {
    sampleStreams(Integer.MAX_VALUE);
  }

  /**
   * Samples at most {@code max} of the known streams, taking up where the last call left off, so
   * that every stream is sampled in turn however many there are ({@code cuStreamQuery} costs tens
   * of µs on some machines).
   */
  public void sampleStreams(int max) {
    List<Map.Entry<S, String>> known;
    synchronized (streams) {
      known = new ArrayList<>(streams.entrySet());
    }
    if (known.size() > max) {
      int from = nextSampled % known.size();
      List<Map.Entry<S, String>> turn = new ArrayList<>(max);
      for (int k = 0; k < max; k++) {
        turn.add(known.get((from + k) % known.size()));
      }
      nextSampled = (from + max) % known.size();
      known = turn;
    }
    for (Map.Entry<S, String> e : known) {
      boolean busy = driver.busy(e.getKey());
      synchronized (samples) {
        long[] c = samples.computeIfAbsent(e.getValue(), k -> new long[2]);
        c[busy ? 0 : 1]++;
      }
    }
  }

  /** Per stream label: {busy samples, idle samples}. */
  public Map<String, long[]> streamSamples() {
    synchronized (samples) {
      Map<String, long[]> copy = new LinkedHashMap<>();
      samples.forEach((k, v) -> copy.put(k, v.clone()));
      return copy;
    }
  }

  /** The timer behind this interceptor. */
  public LaunchTimer<S, ?> timer() {
    return timer;
  }

  /** Whether launches are still timed. */
  public boolean active() {
    return active;
  }

  /** Stops timing: later calls go straight to the driver; the timer releases its events. */
  public void stop() {
    active = false;
    timer.close();
    names.clear();
  }
}
