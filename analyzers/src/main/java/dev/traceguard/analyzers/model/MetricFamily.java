package dev.traceguard.analyzers.model;

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
}
