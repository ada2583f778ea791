package dev.traceguard.gpu.timing;

/**
 * Timing of one kernel: launches, their total time, median and 99th percentile.
 *
 * @param kernel the kernel's name
 * @param count launches counted
 * @param timed launches timed (all of them, unless sampled or the event pool ran dry)
 * @param totalNanos summed event time; when not every launch was timed, the timed launches' mean
 *     times {@code count}
 * @param p50Nanos median
 * @param p99Nanos 99th percentile
 * @param maxNanos longest
 */
public record KernelTiming(
    String kernel, long count, long timed, long totalNanos, long p50Nanos, long p99Nanos, long maxNanos) {}
