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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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
    int threads = Math.min(analyzers.size(), Parallelism.threads());
    FindingSink sink = new FindingSink(options.maxFindingsPerRule());
    if (threads <= 1) {
      for (Analyzer a : analyzers) {
        a.analyze(telemetry, options, sink);
      }
    } else {
      for (FindingSink own : runSideBySide(analyzers, telemetry, options, threads)) {
        own.findings().forEach(sink::add);
        own.suppressed().forEach(sink::suppressed);
        own.stats().forEach(sink::stat);
      }
    }
    return new Report(toolVersion, telemetry.inputs(), sink.findings(), sink.stats(), sink.suppressed());
  }

  private static List<FindingSink> runSideBySide(
      List<Analyzer> analyzers, Telemetry telemetry, AnalysisOptions options, int threads) {
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "traceguard-analyzer");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<FindingSink>> running = new ArrayList<>();
      for (Analyzer a : analyzers) {
        running.add(pool.submit(() -> {
          FindingSink own = new FindingSink(options.maxFindingsPerRule());
          a.analyze(telemetry, options, own);
          return own;
        }));
      }
      List<FindingSink> out = new ArrayList<>();
      for (Future<FindingSink> f : running) {
        out.add(f.get());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while analysing", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException) {
        throw (RuntimeException) c;
      }
      if (c instanceof Error) {
        throw (Error) c;
      }
      throw new IllegalStateException(c);
    } finally {
      pool.shutdownNow();
    }
  }
}
