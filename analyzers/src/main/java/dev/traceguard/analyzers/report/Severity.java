package dev.traceguard.analyzers.report;

import java.util.Locale;

/** How bad a finding is, worst first. */
public enum Severity {
  /** Telemetry or service is broken. */
  ERROR,
  /** Likely wrong. */
  WARNING,
  /** Worth knowing. */
  INFO;

  /** The name used in JSON and on the command line, e.g. {@code error}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether this is at least as bad as {@code other}. */
  public boolean atLeast(Severity other) {
    return ordinal() <= other.ordinal();
  }
}
