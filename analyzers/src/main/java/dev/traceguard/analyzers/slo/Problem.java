package dev.traceguard.analyzers.slo;

/**
 * Input that could not be used as it is (a histogram without {@code +Inf}, buckets that are not
 * cumulative, NaN counters): what and where, in one line. A problem means part of the data was
 * left out, never guessed at.
 *
 * @param where the series or group concerned
 * @param message what is wrong and what was done about it
 */
public record Problem(String where, String message) {
  @Override
  public String toString() {
    return where + ": " + message;
  }
}
