package dev.traceguard.gpu.agent;

import javax.management.openmbean.CompositeData;

/** One stream's figures as the MBean shows them (a CompositeData over JMX). */
public final class StreamStat {
  private final String stream;
  private final long launches;
  private final long busyNanos;
  private final double utilisation;
  private final long busySamples;
  private final long idleSamples;

  /**
   * A stream's figures.
   *
   * @param stream label
   * @param launches launches timed on it
   * @param busyNanos summed kernel time on it
   * @param utilisation busy time over the time since its first timed launch (0..1)
   * @param busySamples stream-state samples that found it busy
   * @param idleSamples stream-state samples that found it idle
   */
  public StreamStat(String stream, long launches, long busyNanos, double utilisation, long busySamples,
      long idleSamples) {
    this.stream = stream;
    this.launches = launches;
    this.busyNanos = busyNanos;
    this.utilisation = utilisation;
    this.busySamples = busySamples;
    this.idleSamples = idleSamples;
  }

  /** Rebuilds one from JMX data (the MXBean convention for proxies). */
  public static StreamStat from(CompositeData d) {
    return new StreamStat((String) d.get("stream"), (Long) d.get("launches"), (Long) d.get("busyNanos"),
        (Double) d.get("utilisation"), (Long) d.get("busySamples"), (Long) d.get("idleSamples"));
  }

  /** Stream label. */
  public String getStream() {
    return stream;
  }

  /** Launches timed on it. */
  public long getLaunches() {
    return launches;
  }

  /** Summed kernel time, ns. */
  public long getBusyNanos() {
    return busyNanos;
  }

  /** Busy time over the time since its first timed launch. */
  public double getUtilisation() {
    return utilisation;
  }

  /** Samples that found it busy. */
  public long getBusySamples() {
    return busySamples;
  }

  /** Samples that found it idle. */
  public long getIdleSamples() {
    return idleSamples;
  }
}
