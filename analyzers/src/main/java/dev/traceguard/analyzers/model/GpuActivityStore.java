package dev.traceguard.analyzers.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * GPU activity in columns: kernels, memory copies and sets, NVTX ranges and launch API calls, each
 * with device, stream (the host thread for NVTX ranges and API calls), start, end and name. Times
 * are nanoseconds on the source's clock (Nsight Systems: since the session start). Kernel
 * summaries (per-kernel aggregates without individual launches, as {@code nsys stats} prints
 * them) are kept apart. The store holds at most {@link #limit()} records; {@link #add} says when it
 * is full.
 *
 * <pre>{@code
 * GpuActivityStore g = telemetry.gpu();
 * for (int i = 0; i < g.size(); i++) {
 *   if (g.kind(i) == GpuActivityStore.Kind.KERNEL) {
 *     System.out.println(g.name(i) + " on stream " + g.stream(i) + ": " + (g.end(i) - g.start(i)) + " ns");
 *   }
 * }
 * }</pre>
 */
public final class GpuActivityStore {
  /** What a record is. */
  public enum Kind {
    /** A kernel execution on the device. */
    KERNEL,
    /** A memory copy on the device (host-to-device, device-to-host, …). */
    MEMCPY,
    /** A memory set on the device. */
    MEMSET,
    /** An NVTX range on a host thread ({@link #stream} holds the thread id). */
    NVTX,
    /** A kernel launch API call on a host thread ({@link #stream} holds the thread id). */
    LAUNCH_API
  }

  /**
   * Per-kernel aggregates without the individual launches.
   *
   * @param name kernel name
   * @param instances launches
   * @param totalNanos summed duration
   * @param medianNanos median duration
   * @param minNanos shortest
   * @param maxNanos longest
   * @param input the input it came from
   */
  public record KernelSummary(String name, long instances, long totalNanos, long medianNanos, long minNanos,
      long maxNanos, int input) {}

  /** Records kept at most by default. */
  public static final int DEFAULT_LIMIT = 20_000_000;

  private static final Kind[] KINDS = Kind.values();
  private final int limit;
  private final IntColumn kindAndDevice = new IntColumn();
  private final LongColumn stream = new LongColumn();
  private final LongColumn start = new LongColumn();
  private final LongColumn end = new LongColumn();
  private final IntColumn name = new IntColumn();
  private final LongColumn correlation = new LongColumn();
  private final LongColumn bytes = new LongColumn();
  private final IntColumn input = new IntColumn();
  private final StringTable names = new StringTable();
  private final List<KernelSummary> summaries = new ArrayList<>();

  /** A store of at most {@link #DEFAULT_LIMIT} records. */
  public GpuActivityStore() {
    this(DEFAULT_LIMIT);
  }

  /** A store of at most {@code limit} records. */
  public GpuActivityStore(int limit) {
    this.limit = limit;
  }

  /** The most records this store keeps. */
  public int limit() {
    return limit;
  }

  /**
   * Appends a record.
   *
   * @param kind what it is
   * @param device the CUDA device id (0 for host-side records)
   * @param stream the stream id, or the host thread id for {@link Kind#NVTX} and {@link
   *     Kind#LAUNCH_API}
   * @param startNanos start time
   * @param endNanos end time
   * @param name kernel name, copy kind, range text or API name; may be empty
   * @param correlationId links a launch API call to its kernel; 0 when unknown
   * @param byteCount bytes copied or set; 0 otherwise
   * @param inputIndex the input it came from
   * @return false (and nothing stored) when the store is full
   */
  public boolean add(Kind kind, int device, long stream, long startNanos, long endNanos, String name,
      long correlationId, long byteCount, int inputIndex) {
    if (size() >= limit) {
      return false;
    }
    kindAndDevice.add((device << 4) | kind.ordinal());
    this.stream.add(stream);
    start.add(startNanos);
    end.add(endNanos);
    this.name.add(names.intern(name == null ? "" : name));
    correlation.add(correlationId);
    bytes.add(byteCount);
    input.add(inputIndex);
    return true;
  }

  /** Adds a per-kernel summary. */
  public void addSummary(KernelSummary s) {
    summaries.add(s);
  }

  /** Records stored. */
  public int size() {
    return start.size();
  }

  /** What record {@code i} is. */
  public Kind kind(int i) {
    return KINDS[kindAndDevice.get(i) & 0xf];
  }

  /** The device of record {@code i}. */
  public int device(int i) {
    return kindAndDevice.get(i) >> 4;
  }

  /** The stream of record {@code i} (the thread for NVTX ranges and API calls). */
  public long stream(int i) {
    return stream.get(i);
  }

  /** Start of record {@code i}, ns. */
  public long start(int i) {
    return start.get(i);
  }

  /** End of record {@code i}, ns. */
  public long end(int i) {
    return end.get(i);
  }

  /** The name of record {@code i}. */
  public String name(int i) {
    return names.get(name.get(i));
  }

  /** The correlation id of record {@code i}, 0 when unknown. */
  public long correlationId(int i) {
    return correlation.get(i);
  }

  /** Bytes of record {@code i} (copies and sets). */
  public long bytes(int i) {
    return bytes.get(i);
  }

  /** The input record {@code i} came from. */
  public int input(int i) {
    return input.get(i);
  }

  /** Per-kernel summaries read. */
  public List<KernelSummary> summaries() {
    return Collections.unmodifiableList(summaries);
  }

  /** Whether there is nothing at all. */
  public boolean isEmpty() {
    return size() == 0 && summaries.isEmpty();
  }
}
