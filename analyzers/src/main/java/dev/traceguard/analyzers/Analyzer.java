package dev.traceguard.analyzers;

import dev.traceguard.analyzers.model.Telemetry;

/** Looks at the whole model and reports findings. Implementations are stateless. */
public interface Analyzer {
  /** The name used in {@code --analyzers} and in findings, e.g. {@code context}. */
  String name();

  /** One line saying what it checks. */
  String description();

  /**
   * Analyses {@code telemetry}.
   *
   * @param telemetry everything read
   * @param options thresholds and limits
   * @param out where findings and counts go
   */
  void analyze(Telemetry telemetry, AnalysisOptions options, FindingSink out);
}
