package dev.traceguard.gpu.timing;

/**
 * Timing of one stream: kernels on one stream run one after another, so their summed time is the
 * stream's busy time.
 *
 * @param stream the stream's label, e.g. its handle or number
 * @param launches launches counted on it
 * @param busyNanos summed kernel time (scaled up from the timed launches when not all were timed)
 * @param windowNanos host time from its first timed launch to the snapshot
 */
public record StreamTiming(String stream, long launches, long busyNanos, long windowNanos) {
  /** Share of the window the stream was busy (0..1). */
  public double utilisation() {
    return windowNanos <= 0 ? 0 : Math.min(1.0, (double) busyNanos / windowNanos);
  }
}
