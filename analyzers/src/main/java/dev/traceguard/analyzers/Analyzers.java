package dev.traceguard.analyzers;

import dev.traceguard.analyzers.context.ContextAnalyzer;
import dev.traceguard.analyzers.drift.DriftAnalyzer;
import dev.traceguard.analyzers.gpu.GpuAnalyzer;
import dev.traceguard.analyzers.jvm.JvmAnalyzer;
import dev.traceguard.analyzers.metrics.MetricsAnalyzer;
import dev.traceguard.analyzers.model.Telemetry;
import dev.traceguard.analyzers.oom.OomAnalyzer;
import dev.traceguard.analyzers.report.Report;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The analyzers traceguard ships, and running a selection of them into a {@link Report}. */
public final class Analyzers {
  private Analyzers() {}

  /** Every analyzer, in the order they run. */
  public static List<Analyzer> all() {
    return List.of(
        new ContextAnalyzer(), new MetricsAnalyzer(), new DriftAnalyzer(), new OomAnalyzer(), new JvmAnalyzer(),
        new GpuAnalyzer());
  }

  /** Names of every analyzer. */
  public static List<String> names() {
    List<String> n = new ArrayList<>();
    for (Analyzer a : all()) {
      n.add(a.name());
    }
    return n;
  }

  /**
   * The analyzers named in {@code names} (case-insensitive); {@code all} selects every one.
   *
   * @throws IllegalArgumentException naming the unknown analyzer and the known ones
   */
  public static List<Analyzer> select(List<String> names) {
    List<Analyzer> out = new ArrayList<>();
    for (String raw : names) {
      String n = raw.trim().toLowerCase(Locale.ROOT);
      if (n.isEmpty()) {
        continue;
      }
      if (n.equals("all")) {
        return all();
      }
      Analyzer found = null;
      for (Analyzer a : all()) {
        if (a.name().equals(n)) {
          found = a;
        }
      }
      if (found == null) {
        throw new IllegalArgumentException("unknown analyzer '" + raw + "'; known: " + String.join(", ", names()));
      }
      if (!out.contains(found)) {
        out.add(found);
      }
    }
    return out;
  }

  /**
   * Runs {@code analyzers} over {@code telemetry} and assembles the report. Analyzers only read
   * the model, so they run side by side on {@link Parallelism#threads()} threads; their
   * findings are merged in the order of {@code analyzers}, so the report is the same as from one
   * thread.
   */
  public static Report run(List<Analyzer> analyzers, Telemetry telemetry, AnalysisOptions options, String toolVersion) {
    List<FindingSink> sinks = new ArrayList<>();
    List<Runnable> tasks = new ArrayList<>();
    for (Analyzer a : analyzers) {
      FindingSink own = new FindingSink(options.maxFindingsPerRule());
      sinks.add(own);
      tasks.add(() -> a.analyze(telemetry, options, own));
    }
    SideBySide.run(tasks, Parallelism.threads());
    FindingSink sink = new FindingSink(options.maxFindingsPerRule());
    sinks.forEach(sink::addAll);
    return new Report(toolVersion, telemetry.inputs(), sink.findings(), sink.stats(), sink.suppressed());
  }
}
