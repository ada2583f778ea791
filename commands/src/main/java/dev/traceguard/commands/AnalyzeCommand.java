package dev.traceguard.commands;

import dev.traceguard.analyzers.AnalysisOptions;
import dev.traceguard.analyzers.Analyzer;
import dev.traceguard.analyzers.Analyzers;
import dev.traceguard.analyzers.Parallelism;
import dev.traceguard.analyzers.drift.DriftOptions;
import dev.traceguard.analyzers.io.DumpReader;
import dev.traceguard.analyzers.metrics.MetricsOptions;
import dev.traceguard.analyzers.model.InputSummary;
import dev.traceguard.analyzers.model.Telemetry;
import dev.traceguard.analyzers.oom.OomOptions;
import dev.traceguard.analyzers.report.JsonReportWriter;
import dev.traceguard.analyzers.report.Report;
import dev.traceguard.analyzers.report.Severity;
import dev.traceguard.analyzers.report.TableReportWriter;
import dev.traceguard.analyzers.report.html.HtmlReportWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code traceguard analyze}: read dumps, run analyzers, report findings. */
@Command(
    name = "analyze",
    sortOptions = false,
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Read telemetry dumps and report what is broken: trace context, metric semantics (counter resets,"
          + " overflowing histograms, missing model labels, high cardinality), a taxonomy of errors, model"
          + " drift between versions or against a --baseline, and why a service ran out of memory.",
      "",
      "Reads any mix of OTLP/JSON (collector file exporter lines, a pretty document, logging-otlp"
          + " lines, Tempo batches), OTLP protobuf (file exporter proto format), Prometheus text"
          + " and OpenMetrics, Prometheus HTTP API JSON and promtool tsdb dump output, each"
          + " optionally gzip-compressed. The format is detected from the content. Files are merged"
          + " first, so one trace may span files. A directory means every dump file under it (other files, such as a README, are passed over). Unreadable"
          + " records are skipped, listed with their line and the reason, and the rest is analysed."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  traceguard analyze testdata/clean/pipeline.jsonl",
      "  traceguard analyze --format json --fail-on warning traces/*.jsonl.gz > report.json",
      "  traceguard analyze --format html -o report.html dump/",
      "  kubectl logs deploy/inference | traceguard analyze -",
      "  traceguard analyze --analyzers context --clock-skew-tolerance 5ms dump/",
      "  traceguard analyze --analyzers metrics --fail-on warning metrics.om.txt",
      "  traceguard analyze --analyzers oom --oom-horizon 6h metrics.om.txt app-logs.jsonl",
      "  traceguard analyze --analyzers drift today.jsonl.gz --baseline last-week.jsonl.gz",
      "  traceguard analyze report.sqlite   (nsys export --type sqlite report.nsys-rep)",
      "",
      "Rules and how to fix what they find: docs/rules.md"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:no finding at or above --fail-on; every input read whole",
      "1:findings at or above --fail-on",
      "2:usage error, or no input readable at all",
      "3:input partly unreadable (records skipped) and no finding at or above --fail-on",
      "70:internal error (a bug: report it with the --verbose output)"
    })
public final class AnalyzeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin VerbosityMixin verbosity;

  @Parameters(
      arity = "1..*",
      paramLabel = "DUMP",
      description = "Dump files or directories to read; '-' reads standard input.")
  List<String> dumps = new ArrayList<>();

  @Option(
      names = {"-f", "--format"},
      paramLabel = "FORMAT",
      description = "Report format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). html is one"
          + " self-contained page with trace waterfalls, drift distributions and memory timelines;"
          + " write it with -o.")
  ReportFormat format = ReportFormat.table;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "Write the report to FILE instead of standard output.")
  Path output;

  @Option(
      names = "--analyzers",
      split = ",",
      paramLabel = "NAME",
      completionCandidates = AnalyzerNames.class,
      description = "Analyzers to run, comma-separated, or 'all' (default). Known: ${COMPLETION-CANDIDATES}.")
  List<String> analyzers = new ArrayList<>(List.of("all"));

  @Option(
      names = "--fail-on",
      paramLabel = "LEVEL",
      completionCandidates = FailOnLevels.class,
      description = "Exit 1 when a finding is at least this severe: error, warning, info or never (default: ${DEFAULT-VALUE}).")
  String failOn = "error";

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Threads for parsing JSON lines and running analyzers (default: one per processor, at most "
          + Parallelism.DEFAULT_MAX + "). Use 1 to leave the other processors to a busy host; the report is the"
          + " same either way.")
  int threads;

  @Option(
      names = "--clock-skew-tolerance",
      paramLabel = "DURATION",
      converter = Durations.class,
      description = "How far a child span may start before or end after its parent before clock-skew fires, e.g. 500us, 5ms (default: 1ms).")
  Duration clockSkewTolerance;

  @Option(
      names = "--oom-horizon",
      paramLabel = "DURATION",
      converter = Durations.class,
      description = "How far ahead oom-risk looks: a memory whose trend reaches its limit within this time is reported, e.g. 30m, 6h (default: 1h).")
  Duration oomHorizon;

  @Option(
      names = "--baseline",
      paramLabel = "FILE",
      arity = "1..*",
      description = "Dumps (files or directories) from before, for the drift analyzer to compare against the"
          + " DUMPs: the same model before and after. Without it, drift compares the versions of each model"
          + " within the DUMPs (an A/B rollout). Takes every argument up to the next option or '--'.")
  List<String> baseline = new ArrayList<>();

  @Option(
      names = "--group-by",
      split = ",",
      paramLabel = "KEY",
      description = "For drift: the span attribute or metric label naming the model, then optionally the one"
          + " naming its version, e.g. --group-by ranker.model,deploy.color (default: gen_ai.request.model;"
          + " version from model.version, gen_ai.response.model, service.version, or labels model/version).")
  List<String> groupBy = new ArrayList<>();

  @Option(
      names = "--drift-alpha",
      paramLabel = "P",
      description = "For drift: significance level after the Bonferroni correction (default: 0.05).")
  Double driftAlpha;

  @Option(
      names = "--drift-effect-floor",
      paramLabel = "D",
      description = "For drift: smallest normed Wasserstein or Jensen-Shannon distance reported (default: 0.1).")
  Double driftEffectFloor;

  @Option(
      names = "--drift-min-samples",
      paramLabel = "N",
      description = "For drift: fewer values than this on either side is 'not enough data' (default: 30).")
  Integer driftMinSamples;

  @Option(
      names = "--max-findings-per-rule",
      paramLabel = "N",
      description = "List at most N findings per rule; the rest are counted in the summary (default: ${DEFAULT-VALUE}).")
  int maxFindingsPerRule = 1000;

  @Option(
      names = "--strict",
      description = "Validate Prometheus text as OpenMetrics 1.0 exactly: every deviation is a read error"
          + " (see also 'traceguard validate').")
  boolean strict;

  @Option(
      names = "--cardinality-limit",
      paramLabel = "N",
      description = "high-cardinality fires when one label of one metric has more than N distinct values (default: 1000).")
  Integer cardinalityLimit;

  @Option(
      names = "--histogram-overflow",
      paramLabel = "PERCENT",
      description = "histogram-overflow fires when more than this share of a histogram's observations is above its largest finite bucket, e.g. 5%% or 0.05 (default: 5%%).")
  String histogramOverflow;

  /** Used by picocli. */
  public AnalyzeCommand() {}

  /** Completion candidates for {@code --fail-on}. */
  static final class FailOnLevels implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return List.of("error", "warning", "info", "never").iterator();
    }
  }

  @Override
  public Integer call() throws IOException {
    try {
      return analyze();
    } finally {
      // --threads holds for this run only (the shell runs more commands in the same JVM).
      Parallelism.set(0);
    }
  }

  private Integer analyze() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter stdout = spec.commandLine().getOut();
    Severity threshold;
    try {
      threshold = failOn.equalsIgnoreCase("never") ? null : Severity.valueOf(failOn.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      err.println("traceguard analyze: --fail-on: '" + failOn + "' is not one of error, warning, info, never");
      return ExitCode.USAGE.code();
    }
    if (threads < 0) {
      err.println("traceguard analyze: --threads: must be 1 or more (0 means one per processor), got " + threads);
      return ExitCode.USAGE.code();
    }
    Parallelism.set(threads);
    List<Analyzer> selected;
    try {
      selected = Analyzers.select(analyzers);
    } catch (IllegalArgumentException e) {
      err.println("traceguard analyze: --analyzers: " + e.getMessage());
      return ExitCode.USAGE.code();
    }
    if (maxFindingsPerRule < 1) {
      err.println("traceguard analyze: --max-findings-per-rule must be at least 1");
      return ExitCode.USAGE.code();
    }
    AnalysisOptions options = AnalysisOptions.defaults().withMaxFindingsPerRule(maxFindingsPerRule);
    if (clockSkewTolerance != null) {
      options = options.withClockSkewTolerance(clockSkewTolerance);
    }
    try {
      options = options.with(MetricsOptions.class, metricsOptions());
    } catch (IllegalArgumentException e) {
      err.println("traceguard analyze: " + e.getMessage());
      return ExitCode.USAGE.code();
    }
    if (oomHorizon != null) {
      if (oomHorizon.isNegative() || oomHorizon.isZero()) {
        err.println("traceguard analyze: --oom-horizon must be positive");
        return ExitCode.USAGE.code();
      }
      options = options.with(OomOptions.class, OomOptions.defaults().withHorizon(oomHorizon));
    }

    if (!baseline.isEmpty() || !groupBy.isEmpty() || driftAlpha != null || driftEffectFloor != null
        || driftMinSamples != null) {
      DriftOptions drift = DriftOptions.defaults();
      try {
        if (!groupBy.isEmpty()) {
          drift = drift.withGroupBy(groupBy);
        }
        if (driftAlpha != null) {
          drift = drift.withAlpha(driftAlpha);
        }
        if (driftEffectFloor != null) {
          drift = drift.withEffectFloor(driftEffectFloor);
        }
        if (driftMinSamples != null) {
          drift = drift.withMinSamples(driftMinSamples);
        }
      } catch (IllegalArgumentException e) {
        err.println("traceguard analyze: " + e.getMessage());
        return ExitCode.USAGE.code();
      }
      if (!baseline.isEmpty()) {
        Telemetry before = new Telemetry();
        readAll(baseline, before, err);
        for (InputSummary in : before.inputs()) {
          if (in.format().equals("unreadable") && !in.errors().isEmpty()) {
            err.println("traceguard analyze: --baseline " + in.path() + ": " + in.errors().get(0).message());
          } else if (in.skipped() > 0) {
            err.println("traceguard analyze: --baseline " + in.path() + ": " + in.skipped() + " records skipped"
                + (in.errors().isEmpty() ? "" : "; first at " + in.errors().get(0).position() + ": "
                    + in.errors().get(0).message()));
          }
        }
        if (!anyRead(before)) {
          err.println("traceguard analyze: --baseline: nothing readable in " + String.join(", ", baseline));
          return ExitCode.USAGE.code();
        }
        drift = drift.withBaseline(before);
      }
      options = options.with(DriftOptions.class, drift);
    }

    Telemetry telemetry = new Telemetry();
    readAll(dumps, telemetry, err);
    return finish(selected, telemetry, options, threshold, stdout, err);
  }

  private void readAll(List<String> paths, Telemetry telemetry, PrintWriter err) {
    Inputs inputs = Inputs.expand(paths);
    for (String d : inputs.emptyDirectories()) {
      err.println("traceguard analyze: " + d + ": directory holds no dump files");
    }
    if (verbosity.verbose()) {
      for (String f : inputs.passedOver()) {
        err.println("traceguard analyze: passed over " + f + " (not a dump)");
      }
    }
    for (String d : inputs.inputs()) {
      if (d.equals(Inputs.STDIN)) {
        DumpReader.read(Inputs.STDIN, System.in, telemetry, null, strict);
      } else {
        read(Path.of(d), telemetry, err);
      }
    }
  }

  private Integer finish(List<Analyzer> selected, Telemetry telemetry, AnalysisOptions options, Severity threshold,
      PrintWriter stdout, PrintWriter err) throws IOException {
    Report report = Analyzers.run(selected, telemetry, options, VersionProvider.version());
    if (output != null) {
      try (Writer w = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
        write(report, telemetry, new PrintWriter(w), false);
      } catch (IOException e) {
        err.println("traceguard analyze: cannot write " + output + ": " + e.getMessage());
        return ExitCode.USAGE.code();
      }
    } else {
      boolean color = Terminal.colorAllowed() && format == ReportFormat.table;
      write(report, telemetry, stdout, color);
    }
    for (InputSummary in : telemetry.inputs()) {
      if (in.skipped() > 0 && format != ReportFormat.table && output == null) {
        err.println("traceguard analyze: " + in.path() + ": " + in.skipped() + " records skipped (see inputs[].errors)");
      }
    }
    return exitCode(report, telemetry, threshold).code();
  }

  private MetricsOptions metricsOptions() {
    MetricsOptions m = MetricsOptions.defaults();
    if (cardinalityLimit != null) {
      if (cardinalityLimit < 1) {
        throw new IllegalArgumentException("--cardinality-limit must be at least 1");
      }
      m = m.withCardinalityLimit(cardinalityLimit);
    }
    if (histogramOverflow != null) {
      String v = histogramOverflow.trim();
      double share;
      try {
        share = v.endsWith("%") ? Double.parseDouble(v.substring(0, v.length() - 1)) / 100 : Double.parseDouble(v);
      } catch (NumberFormatException e) {
        share = Double.NaN;
      }
      if (!(share >= 0 && share < 1)) {
        throw new IllegalArgumentException("--histogram-overflow: '" + histogramOverflow
            + "' is not a share from 0% to below 100% (e.g. 5% or 0.05)");
      }
      m = m.withOverflowShare(share);
    }
    return m;
  }

  private void read(Path p, Telemetry telemetry, PrintWriter err) {
    // Unknown size (a pipe, a FIFO): a bar without percentage or ETA.
    long size = -1;
    try {
      if (Files.isRegularFile(p)) {
        size = Files.size(p);
      }
    } catch (IOException e) {
      size = -1;
    }
    long started = System.nanoTime();
    InputSummary s;
    try (ReadProgress progress = ReadProgress.start(err, "reading " + (p.getFileName() == null ? p : p.getFileName()), size, progressMinBytes(), " MiB", 1 << 20)) {
      s = DumpReader.read(p, telemetry, progress::step, strict);
    }
    if (Thread.currentThread().isInterrupted()) {
      // Ctrl-C in the shell: reading stopped part way, so there is nothing sound to report.
      throw new CancellationException("cancelled");
    }
    if (verbosity.verbose()) {
      err.printf("read %s as %s: %d spans, %d series, %d samples, %d logs, %d skipped in %d ms%n",
          s.path(), s.format(), s.spans(), s.metricSeries(), s.samples(), s.logs(), s.skipped(),
          (System.nanoTime() - started) / 1_000_000);
      err.flush();
    }
  }

  /** Files smaller than this are read without a bar; {@code traceguard.progress.minBytes} overrides. */
  static long progressMinBytes() {
    return Long.getLong("traceguard.progress.minBytes", ReadProgress.DEFAULT_MIN_BYTES);
  }

  private void write(Report report, Telemetry telemetry, PrintWriter out, boolean color) throws IOException {
    if (format == ReportFormat.json) {
      JsonReportWriter.write(report, out);
    } else if (format == ReportFormat.html) {
      new HtmlReportWriter().write(report, telemetry, out);
    } else {
      new TableReportWriter(color).write(report, out);
    }
    out.flush();
  }

  private static boolean anyRead(Telemetry telemetry) {
    for (InputSummary in : telemetry.inputs()) {
      boolean known = !in.format().equals("unknown") && !in.format().equals("unreadable");
      if (in.spans() + in.duplicateSpans() + in.metricSeries() + in.logs() + in.gpuActivities() > 0
          || (known && in.skipped() == 0)) {
        return true;
      }
    }
    return false;
  }

  static ExitCode exitCode(Report report, Telemetry telemetry, Severity threshold) {
    if (!anyRead(telemetry)) {
      return ExitCode.USAGE;
    }
    if (threshold != null && report.anyAtLeast(threshold)) {
      return ExitCode.FINDINGS;
    }
    return report.anySkipped() ? ExitCode.PARTIAL : ExitCode.OK;
  }
}
