package dev.traceguard.analyzers.replay;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How to replay.
 *
 * @param batchSize records (spans, data points, log records) per export request at most
 * @param shift fixed offset added to every timestamp; ignored when {@code shiftToNow}
 * @param shiftToNow move times so the latest record lands now (with {@code speed}: the earliest
 *     record lands when the replay starts)
 * @param speed keep the original rhythm scaled by this factor (2 = twice as fast); 0 = off
 * @param rate at most this many records per second; 0 = off
 * @param redactor what to redact
 * @param maxRetries tries after the first for one batch on retryable errors
 * @param initialBackoff first retry delay (doubled per retry, with jitter)
 * @param maxBackoff the longest delay between two tries
 * @param maxRetryAfter the longest receiver-requested delay honoured; longer means give up
 * @param spill where batches that could not be delivered go (OTLP/JSON lines); null = no spill
 * @param dryRun read and prepare everything, send nothing
 */
public record ReplayOptions(
    int batchSize,
    Duration shift,
    boolean shiftToNow,
    double speed,
    double rate,
    Redactor redactor,
    int maxRetries,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration maxRetryAfter,
    Path spill,
    boolean dryRun) {

  /** Defaults: 512 records a batch, no shift, no pacing, default redaction, 5 retries. */
  public static ReplayOptions defaults() {
    return new ReplayOptions(512, Duration.ZERO, false, 0, 0, Redactor.defaults(java.util.List.of()),
        5, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(5), null, false);
  }

  /** With another batch size. */
  public ReplayOptions withBatchSize(int n) {
    return new ReplayOptions(n, shift, shiftToNow, speed, rate, redactor, maxRetries,
        initialBackoff, maxBackoff, maxRetryAfter, spill, dryRun);
  }

  /** With a fixed shift. */
  public ReplayOptions withShift(Duration d) {
    return new ReplayOptions(batchSize, d, false, speed, rate, redactor, maxRetries,
        initialBackoff, maxBackoff, maxRetryAfter, spill, dryRun);
  }

  /** Shifting so the dump ends now. */
  public ReplayOptions withShiftToNow() {
    return new ReplayOptions(batchSize, Duration.ZERO, true, speed, rate, redactor, maxRetries,
        initialBackoff, maxBackoff, maxRetryAfter, spill, dryRun);
  }

  /** With pacing: speed factor and rate cap (0 = off). */
  public ReplayOptions withPacing(double speed, double rate) {
    return new ReplayOptions(batchSize, shift, shiftToNow, speed, rate, redactor, maxRetries,
        initialBackoff, maxBackoff, maxRetryAfter, spill, dryRun);
  }

  /** With another redactor. */
  public ReplayOptions withRedactor(Redactor r) {
    return new ReplayOptions(batchSize, shift, shiftToNow, speed, rate, r, maxRetries,
        initialBackoff, maxBackoff, maxRetryAfter, spill, dryRun);
  }

  /** With another retry policy. */
  public ReplayOptions withRetries(int max, Duration initial, Duration maxDelay) {
    return new ReplayOptions(batchSize, shift, shiftToNow, speed, rate, redactor, max,
        initial, maxDelay, maxRetryAfter, spill, dryRun);
  }

  /** With a spill file. */
  public ReplayOptions withSpill(Path p) {
    return new ReplayOptions(batchSize, shift, shiftToNow, speed, rate, redactor, maxRetries,
        initialBackoff, maxBackoff, maxRetryAfter, p, dryRun);
  }

  /** As a dry run. */
  public ReplayOptions withDryRun(boolean on) {
    return new ReplayOptions(batchSize, shift, shiftToNow, speed, rate, redactor, maxRetries,
        initialBackoff, maxBackoff, maxRetryAfter, spill, on);
  }
}
