package dev.traceguard.analyzers.model;

import java.util.Objects;

/**
 * What is known about a metric family: its type, unit and help text.
 *
 * @param name family name, e.g. {@code http_request_duration_seconds}
 * @param type family type; {@link MetricType#UNKNOWN} when never declared
 * @param unit unit, or empty
 * @param help help text, or empty
 */
public record MetricFamily(String name, MetricType type, String unit, String help) {
  /** A family nothing is known about. */
  public static MetricFamily unknown(String name) {
    return new MetricFamily(name, MetricType.UNKNOWN, "", "");
  }

  // equals and hashCode are written out: a record's own are bootstrapped through method handles on
  // first use, tens of milliseconds of a short command such as a one-snapshot profile.
  @Override
  public boolean equals(Object o) {
    return o instanceof MetricFamily f && Objects.equals(name, f.name) && type == f.type
        && Objects.equals(unit, f.unit) && Objects.equals(help, f.help);
  }

  @Override
  public int hashCode() {
    return ((Objects.hashCode(name) * 31 + Objects.hashCode(type)) * 31 + Objects.hashCode(unit)) * 31
        + Objects.hashCode(help);
  }
}
