package dev.traceguard.commands;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Parses durations as PromQL writes them: {@code 5m}, {@code 1h30m}, {@code 7d}, {@code 2w}, {@code 30s}. */
public final class PromDurations implements CommandLine.ITypeConverter<Duration> {
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d|w|y)");

  /** Used by picocli. */
  public PromDurations() {}

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  /** The duration, or a {@link CommandLine.TypeConversionException} saying what is wrong. */
  public static Duration parse(String value) {
    String v = value.trim();
    Matcher m = PART.matcher(v);
    int at = 0;
    Duration d = Duration.ZERO;
    while (at < v.length() && m.find(at) && m.start() == at) {
      long n = Long.parseLong(m.group(1));
      switch (m.group(2)) {
        case "ms":
          d = d.plusMillis(n);
          break;
        case "s":
          d = d.plusSeconds(n);
          break;
        case "m":
          d = d.plusMinutes(n);
          break;
        case "h":
          d = d.plusHours(n);
          break;
        case "d":
          d = d.plusDays(n);
          break;
        case "w":
          d = d.plusDays(7 * n);
          break;
        default:
          d = d.plusDays(365 * n);
          break;
      }
      at = m.end();
    }
    if (at != v.length() || v.isEmpty() || d.isZero()) {
      throw new CommandLine.TypeConversionException(
          "'" + value + "' is not a duration; write it as PromQL does, e.g. 30s, 5m, 1h30m, 7d");
    }
    return d;
  }
}
