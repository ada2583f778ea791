package dev.traceguard.gpu.timing;

/**
 * Timing of one kernel: launches timed, their total, median and 99th percentile.
 *
 * @param kernel the kernel's name
 * @param count launches timed
 * @param totalNanos summed event time
 * @param p50Nanos median
 * @param p99Nanos 99th percentile
 * @param maxNanos longest
 */
public record KernelTiming(String kernel, long count, long totalNanos, long p50Nanos, long p99Nanos, long maxNanos) {}
