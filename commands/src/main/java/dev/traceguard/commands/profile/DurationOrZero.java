package dev.traceguard.commands.profile;

import dev.traceguard.commands.Durations;
import java.time.Duration;
import picocli.CommandLine;

/** A duration as {@link Durations} reads it, or a bare {@code 0}. */
public final class DurationOrZero implements CommandLine.ITypeConverter<Duration> {
  /** Used by picocli. */
  public DurationOrZero() {}

  @Override
  public Duration convert(String value) {
    return value.trim().equals("0") ? Duration.ZERO : new Durations().convert(value);
  }
}
