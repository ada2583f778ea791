package dev.traceguard.analyzers.report;

import dev.traceguard.analyzers.model.InputSummary;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of an analysis: inputs, sorted findings, and counts. Writers render it as JSON or a
 * table; both show the same records.
 */
public final class Report {
  private final String toolVersion;
  private final List<InputSummary> inputs;
  private final List<Finding> findings;
  private final Map<String, Object> stats;
  private final Map<String, Long> suppressed;

  /**
   * A report.
   *
   * @param toolVersion traceguard version
   * @param inputs per-input summaries
   * @param findings findings in any order; they are sorted here
   * @param stats what was analysed (counts), shown in the summary
   * @param suppressed per rule, occurrences beyond the per-rule limit that were counted, not listed
   */
  public Report(
      String toolVersion,
      List<InputSummary> inputs,
      List<Finding> findings,
      Map<String, Object> stats,
      Map<String, Long> suppressed) {
    this.toolVersion = toolVersion;
    this.inputs = List.copyOf(inputs);
    List<Finding> sorted = new ArrayList<>(findings);
    sorted.sort(FindingOrder.ORDER);
    this.findings = Collections.unmodifiableList(sorted);
    this.stats = Collections.unmodifiableMap(new LinkedHashMap<>(stats));
    this.suppressed = Collections.unmodifiableMap(new LinkedHashMap<>(suppressed));
  }

  /** traceguard version. */
  public String toolVersion() {
    return toolVersion;
  }

  /** Per-input summaries. */
  public List<InputSummary> inputs() {
    return inputs;
  }

  /** Findings, sorted by severity, analyzer, subject. */
  public List<Finding> findings() {
    return findings;
  }

  /** Counts of what was analysed. */
  public Map<String, Object> stats() {
    return stats;
  }

  /** Occurrences not listed because a rule hit its limit, per rule. */
  public Map<String, Long> suppressed() {
    return suppressed;
  }

  /** Number of findings of a severity. */
  public long count(Severity s) {
    return findings.stream().filter(f -> f.severity() == s).count();
  }

  /** Whether any input had records skipped. */
  public boolean anySkipped() {
    return inputs.stream().anyMatch(i -> i.skipped() > 0);
  }

  /** Whether any finding is at least as bad as {@code threshold}. */
  public boolean anyAtLeast(Severity threshold) {
    for (Finding f : findings) {
      if (f.severity().atLeast(threshold)) {
        return true;
      }
    }
    return false;
  }
}
