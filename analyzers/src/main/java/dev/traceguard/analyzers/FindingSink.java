package dev.traceguard.analyzers;

import dev.traceguard.analyzers.report.Finding;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects findings, keeping at most a limit per rule (the rest are counted, so a badly broken
 * dump of millions of spans gives a readable report), and counts of what was analysed.
 */
public final class FindingSink {
  private final int maxPerRule;
  private final List<Finding> findings = new ArrayList<>();
  private final Map<String, Integer> perRule = new HashMap<>();
  private final Map<String, Long> suppressed = new LinkedHashMap<>();
  private final Map<String, Object> stats = new LinkedHashMap<>();

  /** A sink listing at most {@code maxPerRule} findings per rule. */
  public FindingSink(int maxPerRule) {
    this.maxPerRule = maxPerRule;
  }

  /** Adds a finding, or counts it when its rule is at the limit. */
  public void add(Finding f) {
    int n = perRule.merge(f.rule(), 1, Integer::sum);
    if (n <= maxPerRule) {
      findings.add(f);
    } else {
      suppressed.merge(f.rule(), 1L, Long::sum);
    }
  }

  /**
   * Adds what {@code other} collected, as if its findings, limits and statistics had been added
   * here one by one.
   */
  public void addAll(FindingSink other) {
    other.findings().forEach(this::add);
    other.suppressed().forEach(this::suppressed);
    other.stats().forEach(this::stat);
  }

  /** Counts {@code count} findings of {@code rule} that were dropped over the limit elsewhere. */
  public void suppressed(String rule, long count) {
    int n = (int) Math.min(Integer.MAX_VALUE, count);
    perRule.merge(rule, n, (x, y) -> (int) Math.min(Integer.MAX_VALUE, (long) x + y));
    suppressed.merge(rule, count, Long::sum);
  }

  /** Records a count of what was analysed, shown in the report's summary. */
  public void stat(String key, Object value) {
    stats.put(key, value);
  }

  /** Findings listed so far. */
  public List<Finding> findings() {
    return findings;
  }

  /** Per rule, findings counted but not listed. */
  public Map<String, Long> suppressed() {
    return suppressed;
  }

  /** Counts of what was analysed. */
  public Map<String, Object> stats() {
    return stats;
  }
}
