package dev.traceguard.gpu.agent;

import javax.management.openmbean.CompositeData;

/** One kernel's timing as the MBean shows it (a CompositeData over JMX). */
public final class KernelStat {
  private final String kernel;
  private final long count;
  private final long timed;
  private final long totalNanos;
  private final long p50Nanos;
  private final long p99Nanos;

  /**
   * A kernel's figures.
   *
   * @param kernel name
   * @param count launches counted
   * @param timed launches timed (p50 and p99 are theirs)
   * @param totalNanos summed time (scaled up from the timed launches when not all were timed)
   * @param p50Nanos median
   * @param p99Nanos 99th percentile
   */
  public KernelStat(String kernel, long count, long timed, long totalNanos, long p50Nanos, long p99Nanos) {
    this.kernel = kernel;
    this.count = count;
    this.timed = timed;
    this.totalNanos = totalNanos;
    this.p50Nanos = p50Nanos;
    this.p99Nanos = p99Nanos;
  }

  /** Rebuilds one from JMX data (the MXBean convention for proxies). */
  public static KernelStat from(CompositeData d) {
    return new KernelStat((String) d.get("kernel"), (Long) d.get("count"), (Long) d.get("timed"),
        (Long) d.get("totalNanos"),
        (Long) d.get("p50Nanos"), (Long) d.get("p99Nanos"));
  }

  /** Kernel name. */
  public String getKernel() {
    return kernel;
  }

  /** Launches counted. */
  public long getCount() {
    return count;
  }

  /** Launches timed. */
  public long getTimed() {
    return timed;
  }

  /** Summed time, ns. */
  public long getTotalNanos() {
    return totalNanos;
  }

  /** Median, ns. */
  public long getP50Nanos() {
    return p50Nanos;
  }

  /** 99th percentile, ns. */
  public long getP99Nanos() {
    return p99Nanos;
  }
}
