package dev.traceguard.commands;

import java.time.Duration;
import java.util.Locale;

/**
 * Parses durations as people write them: {@code 250us}, {@code 1ms}, {@code 2s}, {@code 1m},
 * {@code 6h}, {@code 1d}, {@code 2w}, or a bare {@code 0}. Free of the command-line parser, for
 * paths that run without it ({@link Durations} is its converter).
 */
public final class DurationText {
  private DurationText() {}

  /**
   * The duration {@code value} names.
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  public static Duration parse(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.equals("0")) {
      return Duration.ZERO;
    }
    int i = 0;
    while (i < v.length() && (Character.isDigit(v.charAt(i)) || v.charAt(i) == '.')) {
      i++;
    }
    if (i == 0) {
      throw new IllegalArgumentException(
          "'" + value + "' is not a duration; write a number and a unit, e.g. 500us, 1ms, 2s");
    }
    double n;
    try {
      n = Double.parseDouble(v.substring(0, i));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + value + "' is not a duration; e.g. 1ms");
    }
    String unit = v.substring(i).trim();
    double nanos;
    switch (unit) {
      case "ns":
        nanos = n;
        break;
      case "us":
      case "µs":
        nanos = n * 1e3;
        break;
      case "ms":
        nanos = n * 1e6;
        break;
      case "s":
        nanos = n * 1e9;
        break;
      case "m":
        nanos = n * 60e9;
        break;
      case "h":
        nanos = n * 3600e9;
        break;
      case "d":
        nanos = n * 86400e9;
        break;
      case "w":
        nanos = n * 7 * 86400e9;
        break;
      default:
        throw new IllegalArgumentException(
            "'" + value + "': unknown unit '" + unit + "'; use ns, us, ms, s, m, h, d or w");
    }
    return Duration.ofNanos(Math.round(nanos));
  }
}
