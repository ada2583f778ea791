package dev.traceguard.analyzers.oom;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the {@code oom} analyzer, attached with {@code AnalysisOptions.with(OomOptions.class,
 * ...)}.
 *
 * @param horizon how far ahead {@code oom-risk} looks: a memory whose trend reaches its limit
 *     within this time is reported
 * @param warmup time after a start (or restart) that is not compared: weights load, caches fill,
 *     the JIT settles
 * @param significance Mann–Kendall p-value below which a trend counts (a leak, a rising risk)
 */
public record OomOptions(Duration horizon, Duration warmup, double significance) {
  /** Checks the values. */
  public OomOptions {
    Objects.requireNonNull(horizon, "horizon");
    Objects.requireNonNull(warmup, "warmup");
    if (horizon.isNegative() || horizon.isZero()) {
      throw new IllegalArgumentException("horizon must be positive");
    }
    if (warmup.isNegative()) {
      throw new IllegalArgumentException("warm-up must not be negative");
    }
    if (!(significance > 0 && significance < 1)) {
      throw new IllegalArgumentException("significance must be between 0 and 1");
    }
  }

  /** The documented defaults: 1 h horizon, 5 min warm-up, p &lt; 0.05. */
  public static OomOptions defaults() {
    return new OomOptions(Duration.ofHours(1), Duration.ofMinutes(5), 0.05);
  }

  /** With another horizon. */
  public OomOptions withHorizon(Duration d) {
    return new OomOptions(d, warmup, significance);
  }

  /** With another warm-up. */
  public OomOptions withWarmup(Duration d) {
    return new OomOptions(horizon, d, significance);
  }
}
