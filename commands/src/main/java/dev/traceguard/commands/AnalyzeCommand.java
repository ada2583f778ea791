package dev.traceguard.commands;

import dev.traceguard.analyzers.AnalysisOptions;
import dev.traceguard.analyzers.Analyzer;
import dev.traceguard.analyzers.Analyzers;
import dev.traceguard.analyzers.io.DumpReader;
import dev.traceguard.analyzers.metrics.MetricsOptions;
import dev.traceguard.analyzers.model.InputSummary;
import dev.traceguard.analyzers.model.Telemetry;
import dev.traceguard.analyzers.report.JsonReportWriter;
import dev.traceguard.analyzers.report.Report;
import dev.traceguard.analyzers.report.Severity;
import dev.traceguard.analyzers.report.TableReportWriter;
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
import java.util.stream.Stream;
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
          + " overflowing histograms, missing model labels, high cardinality) and a taxonomy of errors.",
      "",
      "Reads any mix of OTLP/JSON (collector file exporter lines, a pretty document, logging-otlp"
          + " lines, Tempo batches), OTLP protobuf (file exporter proto format), Prometheus text"
          + " and OpenMetrics, Prometheus HTTP API JSON and promtool tsdb dump output, each"
          + " optionally gzip-compressed. The format is detected from the content. Files are merged"
          + " first, so one trace may span files. A directory means every file in it. Unreadable"
          + " records are skipped, listed with their line and the reason, and the rest is analysed."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  traceguard analyze testdata/clean/pipeline.jsonl",
      "  traceguard analyze --format json --fail-on warning traces/*.jsonl.gz > report.json",
      "  kubectl logs deploy/inference | traceguard analyze -",
      "  traceguard analyze --analyzers context --clock-skew-tolerance 5ms dump/",
      "  traceguard analyze --analyzers metrics --fail-on warning metrics.om.txt",
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
      description = "Report format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  OutputFormat format = OutputFormat.table;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "Write the report to FILE instead of standard output.")
  Path output;

  @Option(
      names = "--analyzers",
      split = ",",
      paramLabel = "NAME",
      description = "Analyzers to run, comma-separated, or 'all' (default). Known: context, metrics.")
  List<String> analyzers = new ArrayList<>(List.of("all"));

  @Option(
      names = "--fail-on",
      paramLabel = "LEVEL",
      description = "Exit 1 when a finding is at least this severe: error, warning, info or never (default: ${DEFAULT-VALUE}).")
  String failOn = "error";

  @Option(
      names = "--clock-skew-tolerance",
      paramLabel = "DURATION",
      converter = Durations.class,
      description = "How far a child span may start before or end after its parent before clock-skew fires, e.g. 500us, 5ms (default: 1ms).")
  Duration clockSkewTolerance;

  @Option(
      names = "--max-findings-per-rule",
      paramLabel = "N",
      description = "List at most N findings per rule; the rest are counted in the summary (default: ${DEFAULT-VALUE}).")
  int maxFindingsPerRule = 1000;

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

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter stdout = spec.commandLine().getOut();
    Severity threshold;
    try {
      threshold = failOn.equalsIgnoreCase("never") ? null : Severity.valueOf(failOn.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      err.println("traceguard analyze: --fail-on: '" + failOn + "' is not one of error, warning, info, never");
      return ExitCode.USAGE.code();
    }
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

    Telemetry telemetry = new Telemetry();
    Progress progress = new Progress(err, verbosity.verbose());
    for (String d : dumps) {
      if (d.equals("-")) {
        DumpReader.read("-", System.in, telemetry, null);
        continue;
      }
      Path p = Path.of(d);
      if (Files.isDirectory(p)) {
        List<Path> files;
        try (Stream<Path> list = Files.list(p)) {
          files = list.filter(Files::isRegularFile).sorted().toList();
        }
        if (files.isEmpty()) {
          err.println("traceguard analyze: " + d + ": directory holds no files");
        }
        for (Path f : files) {
          read(f, telemetry, progress);
        }
      } else {
        read(p, telemetry, progress);
      }
    }
    progress.done();

    Report report = Analyzers.run(selected, telemetry, options, VersionProvider.version());
    if (output != null) {
      try (Writer w = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
        write(report, new PrintWriter(w), false);
      } catch (IOException e) {
        err.println("traceguard analyze: cannot write " + output + ": " + e.getMessage());
        return ExitCode.USAGE.code();
      }
    } else {
      boolean color = Terminal.colorAllowed() && format == OutputFormat.table;
      write(report, stdout, color);
    }
    for (InputSummary in : telemetry.inputs()) {
      if (in.skipped() > 0 && format == OutputFormat.json && output == null) {
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

  private void read(Path p, Telemetry telemetry, Progress progress) {
    long size = 0;
    try {
      size = Files.size(p);
    } catch (IOException e) {
      size = 0;
    }
    progress.start(p.toString(), size);
    InputSummary s = DumpReader.read(p, telemetry, progress::bytes);
    progress.finished(s);
  }

  private void write(Report report, PrintWriter out, boolean color) throws IOException {
    if (format == OutputFormat.json) {
      JsonReportWriter.write(report, out);
    } else {
      new TableReportWriter(color).write(report, out);
    }
    out.flush();
  }

  static ExitCode exitCode(Report report, Telemetry telemetry, Severity threshold) {
    boolean anyRead = false;
    for (InputSummary in : telemetry.inputs()) {
      boolean known = !in.format().equals("unknown") && !in.format().equals("unreadable");
      if (in.spans() + in.duplicateSpans() + in.metricSeries() + in.logs() > 0 || (known && in.skipped() == 0)) {
        anyRead = true;
      }
    }
    if (!anyRead) {
      return ExitCode.USAGE;
    }
    if (threshold != null && report.anyAtLeast(threshold)) {
      return ExitCode.FINDINGS;
    }
    return report.anySkipped() ? ExitCode.PARTIAL : ExitCode.OK;
  }

  /** Progress on stderr for big inputs, when stderr is a terminal (or with --verbose). */
  private static final class Progress {
    private final PrintWriter err;
    private final boolean enabled;
    private final boolean verbose;
    private String name;
    private long size;
    private int lastPercent = -1;
    private long started;

    Progress(PrintWriter err, boolean verbose) {
      this.err = err;
      this.verbose = verbose;
      this.enabled = Terminal.interactive();
    }

    void start(String name, long size) {
      this.name = name;
      this.size = size;
      this.lastPercent = -1;
      this.started = System.nanoTime();
    }

    void bytes(long read) {
      if (!enabled || size < (64L << 20)) {
        return;
      }
      int pct = (int) Math.min(100, read * 100 / Math.max(1, size));
      if (pct != lastPercent) {
        lastPercent = pct;
        err.printf("\rreading %s: %3d%% (%d MiB)", name, pct, read >> 20);
        err.flush();
      }
    }

    void finished(InputSummary s) {
      if (enabled && lastPercent >= 0) {
        err.print("\r\u001b[K");
      }
      if (verbose) {
        err.printf("read %s as %s: %d spans, %d series, %d samples, %d logs, %d skipped in %d ms%n",
            s.path(), s.format(), s.spans(), s.metricSeries(), s.samples(), s.logs(), s.skipped(),
            (System.nanoTime() - started) / 1_000_000);
      }
      err.flush();
    }

    void done() {
      err.flush();
    }
  }
}
