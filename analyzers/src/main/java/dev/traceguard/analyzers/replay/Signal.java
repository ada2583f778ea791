package dev.traceguard.analyzers.replay;

import java.util.Locale;

/** The three OTLP signals, with their HTTP paths and what their records are called. */
public enum Signal {
  /** Spans. */
  TRACES("v1/traces", "spans"),
  /** Metric data points. */
  METRICS("v1/metrics", "data points"),
  /** Log records. */
  LOGS("v1/logs", "log records");

  private final String path;
  private final String records;

  Signal(String path, String records) {
    this.path = path;
    this.records = records;
  }

  /** The path appended to a base endpoint for OTLP/HTTP, e.g. {@code v1/traces}. */
  public String path() {
    return path;
  }

  /** What the records are called, e.g. {@code spans}. */
  public String records() {
    return records;
  }

  /** Lower-case name, e.g. {@code traces}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
