package dev.traceguard.analyzers.replay;

import java.time.Duration;

/**
 * What a receiver answered to one export request.
 *
 * @param delivered whether the request was accepted (possibly in part)
 * @param rejected records the receiver rejected in a partial success (permanently: not retried)
 * @param retryable whether a failed request may be sent again (OTLP retryable codes)
 * @param retryAfter the delay the receiver asked for (Retry-After, RetryInfo), or null
 * @param message the receiver's error or partial-success message, or empty
 */
public record ExportResult(
    boolean delivered, long rejected, boolean retryable, Duration retryAfter, String message) {

  /** Accepted, {@code rejected} records refused (0 for a full success). */
  public static ExportResult accepted(long rejected, String message) {
    return new ExportResult(true, rejected, false, null, message);
  }

  /** Failed; {@code retryable} says whether to try again. */
  public static ExportResult failed(boolean retryable, Duration retryAfter, String message) {
    return new ExportResult(false, 0, retryable, retryAfter, message);
  }
}
