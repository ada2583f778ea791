package dev.traceguard.commands;

import java.time.Duration;
import picocli.CommandLine;

/**
 * Parses durations as people write them: {@code 250us}, {@code 1ms}, {@code 2s}, {@code 1m},
 * {@code 6h}, {@code 1d}, {@code 2w}, or a bare {@code 0}.
 */
public final class Durations implements CommandLine.ITypeConverter<Duration> {
  /** Used by picocli. */
  public Durations() {}

  @Override
  public Duration convert(String value) {
    try {
      return DurationText.parse(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }
}
