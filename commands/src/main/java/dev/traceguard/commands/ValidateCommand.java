package dev.traceguard.commands;

import dev.traceguard.analyzers.io.DumpReader;
import dev.traceguard.analyzers.model.InputSummary;
import dev.traceguard.analyzers.model.ReadError;
import dev.traceguard.analyzers.model.Telemetry;
import dev.traceguard.analyzers.report.JsonReportWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code traceguard validate}: check that dumps are well-formed, without analysing them. */
@Command(
    name = "validate",
    sortOptions = false,
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Check that dumps are well-formed: detect each one's format, read every record and list what"
          + " cannot be read, with its line (or byte offset) and what was expected. Nothing is analysed.",
      "",
      "By default a file is read as leniently as 'analyze' reads it (as Prometheus' own parsers do),"
          + " and the deviations it tolerates are listed as notes. With --strict, Prometheus text is"
          + " validated as OpenMetrics 1.0 exactly (the OpenMetrics parser test suite's verdicts):"
          + " a missing '# EOF', a counter without '_total', a bad escape, any deviation is an error."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  traceguard validate testdata/metrics/inference.om.txt",
      "  traceguard validate --strict metrics.om.txt",
      "  curl -s -H 'Accept: application/openmetrics-text' http://pod:8080/metrics | traceguard validate --strict -",
      "  traceguard validate --format json dumps/ > validation.json"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every input is valid",
      "1:some input holds records that cannot be read (or, with --strict, deviate from OpenMetrics 1.0)",
      "2:usage error, or an input that cannot be opened or is in no known format"
    })
public final class ValidateCommand implements Callable<Integer> {
  /** Errors listed per input in the table; the JSON holds all that were kept. */
  private static final int SHOWN_ERRORS = 20;

  @Spec CommandSpec spec;

  @Mixin VerbosityMixin verbosity;

  @Parameters(
      arity = "1..*",
      paramLabel = "DUMP",
      description = "Dump files or directories to check; '-' reads standard input.")
  List<String> dumps = new ArrayList<>();

  @Option(
      names = "--strict",
      description = "Validate Prometheus text as OpenMetrics 1.0 exactly.")
  boolean strict;

  @Option(
      names = {"-f", "--format"},
      paramLabel = "FORMAT",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  OutputFormat format = OutputFormat.table;

  /** Used by picocli. */
  public ValidateCommand() {}

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Inputs inputs = Inputs.expand(dumps);
    for (String d : inputs.emptyDirectories()) {
      err.println("traceguard validate: " + d + ": directory holds no dump files");
    }
    List<InputSummary> read = new ArrayList<>();
    for (String d : inputs.inputs()) {
      // One model per input: nothing is analysed, so nothing needs to stay in memory.
      Telemetry t = new Telemetry();
      InputSummary s = d.equals(Inputs.STDIN)
          ? DumpReader.read(Inputs.STDIN, System.in, t, null, strict)
          : DumpReader.read(Path.of(d), t, null, strict);
      read.add(s);
    }
    if (read.isEmpty() && inputs.emptyDirectories().isEmpty()) {
      err.println("traceguard validate: nothing to read");
      return ExitCode.USAGE.code();
    }
    boolean unreadable = !inputs.emptyDirectories().isEmpty();
    boolean invalid = false;
    for (InputSummary s : read) {
      if (s.format().equals("unknown") || s.format().equals("unreadable")) {
        unreadable = true;
      } else if (s.skipped() > 0) {
        invalid = true;
      }
    }
    if (format == OutputFormat.json) {
      JsonReportWriter.writeValidation(read, strict, out);
    } else {
      table(read, out);
    }
    out.flush();
    if (unreadable) {
      return ExitCode.USAGE.code();
    }
    return invalid ? ExitCode.FINDINGS.code() : ExitCode.OK.code();
  }

  private void table(List<InputSummary> read, PrintWriter out) {
    boolean color = Terminal.colorAllowed();
    for (InputSummary s : read) {
      boolean known = !s.format().equals("unknown") && !s.format().equals("unreadable");
      boolean ok = known && s.skipped() == 0;
      String verdict = ok ? paint(color, "32", "valid") : paint(color, "31", known ? "INVALID" : "UNREADABLE");
      out.printf("%s  [%s]  %s  %s%n", s.path(), s.format(), verdict, counts(s));
      int shown = 0;
      for (ReadError e : s.errors()) {
        if (shown++ == SHOWN_ERRORS) {
          break;
        }
        String where = e.where();
        out.println("  " + (where.isEmpty() ? "" : where + ": ") + e.message());
      }
      if (s.skipped() > shown) {
        out.println("  ... " + (s.skipped() - shown) + " more (all kept errors with --format json)");
      }
      for (String n : s.notes()) {
        out.println("  note: " + n);
      }
    }
    long bad = read.stream().filter(s -> s.skipped() > 0 || s.format().equals("unknown")
        || s.format().equals("unreadable")).count();
    out.println();
    out.println(bad == 0
        ? read.size() + (read.size() == 1 ? " input" : " inputs") + " valid" + (strict ? " (strict OpenMetrics 1.0)" : "")
        : bad + " of " + read.size() + (read.size() == 1 ? " input" : " inputs") + " not valid"
            + (strict ? " (strict OpenMetrics 1.0)" : ""));
  }

  private static String counts(InputSummary s) {
    List<String> parts = new ArrayList<>();
    if (s.spans() + s.duplicateSpans() > 0) {
      parts.add(s.spans() + s.duplicateSpans() + " spans");
    }
    if (s.metricSeries() > 0) {
      parts.add(s.metricSeries() + " series, " + s.samples() + " samples");
    }
    if (s.logs() > 0) {
      parts.add(s.logs() + " logs");
    }
    if (s.skipped() > 0) {
      parts.add(s.skipped() + (s.skipped() == 1 ? " error" : " errors"));
    }
    return parts.isEmpty() ? "no records" : String.join(", ", parts);
  }

  private static String paint(boolean color, String code, String text) {
    return color ? "\u001b[" + code + "m" + text + "\u001b[0m" : text;
  }
}
