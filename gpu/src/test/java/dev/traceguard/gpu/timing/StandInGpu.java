package dev.traceguard.gpu.timing;

import java.util.HashMap;
import java.util.Map;

/**
 * A stand-in for a CUDA device with a host clock under the test's control: streams run their
 * kernels one after another, an event completes when the work queued before it on its stream has
 * finished, and each event record costs {@link #RECORD_COST} of host time.
 */
final class StandInGpu implements TimingBackend<Integer, StandInGpu.Event> {
  static final long RECORD_COST = 700;

  /** An event: the device time it completes at, once recorded. */
  static final class Event {
    long at = -1;
    boolean destroyed;
  }

  long now;
  int created;
  int destroyed;
  boolean failRecords;
  private final Map<Integer, Long> busyUntil = new HashMap<>();

  /** Queues a kernel of {@code nanos} on {@code stream}. */
  int launch(int stream, long nanos) {
    long start = Math.max(now, busyUntil.getOrDefault(stream, 0L));
    busyUntil.put(stream, start + nanos);
    return 0;
  }

  @Override
  public Event create() {
    created++;
    return new Event();
  }

  @Override
  public void record(Event e, Integer stream) {
    if (failRecords) {
      throw new IllegalStateException("record failed");
    }
    now += RECORD_COST;
    e.at = Math.max(now, busyUntil.getOrDefault(stream, 0L));
  }

  @Override
  public boolean done(Event e) {
    return e.at >= 0 && now >= e.at;
  }

  @Override
  public long elapsedNanos(Event start, Event stop) {
    return stop.at - start.at;
  }

  @Override
  public void destroy(Event e) {
    e.destroyed = true;
    destroyed++;
  }
}
