package dev.traceguard.analyzers;

import java.time.Duration;

/**
 * Thresholds and limits for the analyzers. Start from {@link #defaults()} and change what you
 * need with the {@code with…} methods.
 *
 * @param clockSkewTolerance how far a child may start before or end after its parent
 * @param splitTolerance how far outside a client span's interval a server span may start and still
 *     be taken as its callee
 * @param contextLostMinOccurrences occurrences as a child needed before a root is suspicious
 * @param contextLostChildShare share of occurrences as a child needed (0..1)
 * @param maxFindingsPerRule findings listed per rule; the rest are counted
 */
public record AnalysisOptions(
    Duration clockSkewTolerance,
    Duration splitTolerance,
    int contextLostMinOccurrences,
    double contextLostChildShare,
    int maxFindingsPerRule) {

  /** The documented defaults: 1 ms skew, 50 ms split tolerance, 20 occurrences at 95%, 1000. */
  public static AnalysisOptions defaults() {
    return new AnalysisOptions(Duration.ofMillis(1), Duration.ofMillis(50), 20, 0.95, 1000);
  }

  /** With another clock skew tolerance. */
  public AnalysisOptions withClockSkewTolerance(Duration d) {
    return new AnalysisOptions(d, splitTolerance, contextLostMinOccurrences, contextLostChildShare, maxFindingsPerRule);
  }

  /** With another limit of findings listed per rule. */
  public AnalysisOptions withMaxFindingsPerRule(int n) {
    return new AnalysisOptions(clockSkewTolerance, splitTolerance, contextLostMinOccurrences, contextLostChildShare, n);
  }
}
