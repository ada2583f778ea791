package dev.traceguard.analyzers;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Thresholds and limits for the analyzers. Start from {@link #defaults()} and change what you
 * need with the {@code with…} methods. Analyzers with settings of their own keep them in a record
 * of their own type, attached with {@link #with(Class, Object)} and read with {@link #get(Class,
 * Supplier)}, so adding an analyzer never changes this record.
 *
 * @param clockSkewTolerance how far a child may start before or end after its parent
 * @param splitTolerance how far outside a client span's interval a server span may start and still
 *     be taken as its callee
 * @param contextLostMinOccurrences occurrences as a child needed before a root is suspicious
 * @param contextLostChildShare share of occurrences as a child needed (0..1)
 * @param maxFindingsPerRule findings listed per rule; the rest are counted
 * @param extensions per-analyzer settings, keyed by their type
 */
public record AnalysisOptions(
    Duration clockSkewTolerance,
    Duration splitTolerance,
    int contextLostMinOccurrences,
    double contextLostChildShare,
    int maxFindingsPerRule,
    Map<Class<?>, Object> extensions) {

  /** Copies the extension map so the record stays immutable. */
  public AnalysisOptions {
    extensions = Map.copyOf(extensions);
  }

  /** The documented defaults: 1 ms skew, 50 ms split tolerance, 20 occurrences at 95%, 1000. */
  public static AnalysisOptions defaults() {
    return new AnalysisOptions(Duration.ofMillis(1), Duration.ofMillis(50), 20, 0.95, 1000, Map.of());
  }

  /** With another clock skew tolerance. */
  public AnalysisOptions withClockSkewTolerance(Duration d) {
    return new AnalysisOptions(
        d, splitTolerance, contextLostMinOccurrences, contextLostChildShare, maxFindingsPerRule, extensions);
  }

  /** With another limit of findings listed per rule. */
  public AnalysisOptions withMaxFindingsPerRule(int n) {
    return new AnalysisOptions(
        clockSkewTolerance, splitTolerance, contextLostMinOccurrences, contextLostChildShare, n, extensions);
  }

  /** With {@code settings} attached under {@code type}, replacing any attached before. */
  public <T> AnalysisOptions with(Class<T> type, T settings) {
    Map<Class<?>, Object> m = new HashMap<>(extensions);
    m.put(type, Objects.requireNonNull(settings, "settings"));
    return new AnalysisOptions(
        clockSkewTolerance, splitTolerance, contextLostMinOccurrences, contextLostChildShare, maxFindingsPerRule, m);
  }

  /** The settings attached under {@code type}, or {@code defaults} when none were. */
  public <T> T get(Class<T> type, Supplier<T> defaults) {
    Object o = extensions.get(type);
    return o == null ? defaults.get() : type.cast(o);
  }
}
