package dev.traceguard.commands;

import dev.traceguard.analyzers.io.DumpReader;
import dev.traceguard.analyzers.model.InputSummary;
import dev.traceguard.analyzers.model.Labels;
import dev.traceguard.analyzers.model.Telemetry;
import dev.traceguard.analyzers.report.Severity;
import dev.traceguard.analyzers.report.html.SloHtmlWriter;
import dev.traceguard.analyzers.slo.GroupRates;
import dev.traceguard.analyzers.slo.OfflineRates;
import dev.traceguard.analyzers.slo.PrometheusSource;
import dev.traceguard.analyzers.slo.Problem;
import dev.traceguard.analyzers.slo.Selector;
import dev.traceguard.analyzers.slo.SliResult;
import dev.traceguard.analyzers.slo.SloBaseline;
import dev.traceguard.analyzers.slo.SloOptions;
import dev.traceguard.analyzers.slo.SloReport;
import dev.traceguard.analyzers.slo.SloRuleWriter;
import dev.traceguard.analyzers.slo.SpanIndicators;
import dev.traceguard.analyzers.slo.StreamingRates;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code traceguard slo baseline}: learn SLO baselines and objectives from history, and write rules. */
@Command(
    name = "baseline",
    sortOptions = false,
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Learn SLO baselines from metric history and suggest objectives the service actually meets;"
          + " write Prometheus rules (recording, multiwindow burn-rate and baseline alerts), a promtool"
          + " test for them, and OpenSLO or Sloth specs.",
      "",
      "Indicators are found by name: classic histograms (x_bucket with le) give latency quantiles and"
          + " the share of requests under a threshold; counters with a status label (code, status,"
          + " outcome…) give the error ratio; _sum/_count alone give the mean latency. Rates follow"
          + " Prometheus' rate() and quantiles its histogram_quantile(), step by step. Reads dumps"
          + " (OpenMetrics with timestamps as promtool writes them, query_range JSON with or without"
          + " the API envelope, promtool tsdb dump, OTLP metrics) or a live Prometheus-compatible API."
          + " Traces without metrics work too: SERVER span durations and status become the indicators."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  traceguard slo baseline testdata/slo/history.om.gz",
      "  traceguard slo baseline --rules-out slo-rules.yml --openslo-out slo.yaml history.om.gz",
      "  promtool test rules slo-rules.test.yml",
      "  TRACEGUARD_PROMETHEUS_TOKEN=$(cat token) traceguard slo baseline --prometheus https://prom:9090 \\",
      "      --selector '{job=\"inference\"}' --window 7d --format json",
      "  traceguard slo baseline --format html -o slo.html testdata/slo/history.om.gz",
      "",
      "Rules and how to fix what they find: docs/rules.md"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:no finding at or above --fail-on; all data usable",
      "1:findings at or above --fail-on",
      "2:usage error, or no input readable at all",
      "3:some input left out (see problems) and no finding at or above --fail-on",
      "5:Prometheus unreachable, timed out, answered an HTTP error or malformed JSON",
      "70:internal error (a bug: report it with the --verbose output)"
    })
public final class SloBaselineCommand implements Callable<Integer> {
  /** The environment variable read for a bearer token when no --token-env or --token-file is given. */
  public static final String TOKEN_ENV = "TRACEGUARD_PROMETHEUS_TOKEN";

  @Spec CommandSpec spec;

  @Mixin VerbosityMixin verbosity;

  @Parameters(arity = "0..*", paramLabel = "DUMP",
      description = "History dumps or directories to read; '-' reads standard input. Not with --prometheus.")
  List<String> dumps = new ArrayList<>();

  @Option(names = "--prometheus", paramLabel = "URL",
      description = "Query this Prometheus-compatible HTTP API instead of reading dumps (Prometheus, Thanos, Mimir, VictoriaMetrics).")
  URI prometheus;

  @Option(names = "--token-env", paramLabel = "VAR",
      description = "Read the bearer token from environment variable VAR (default: " + TOKEN_ENV + " when set). Never pass a token itself on the command line.")
  String tokenEnv;

  @Option(names = "--token-file", paramLabel = "FILE", description = "Read the bearer token from FILE.")
  Path tokenFile;

  @Option(names = "--timeout", paramLabel = "DURATION", converter = PromDurations.class,
      description = "Limit for connecting and for each query (default: 30s).")
  Duration timeout = Duration.ofSeconds(30);

  @Option(names = "--start", paramLabel = "TIME",
      description = "With --prometheus: start of the history, RFC 3339 or Unix seconds (default: --end minus --window).")
  String start;

  @Option(names = "--end", paramLabel = "TIME",
      description = "With --prometheus: end of the history, RFC 3339 or Unix seconds (default: now).")
  String end;

  @Option(names = "--selector", paramLabel = "MATCHERS",
      description = "Only series matching these PromQL label matchers, e.g. '{job=\"inference\",model=~\"llama.*\"}'.")
  String selector;

  @Option(names = "--group-by", split = ",", paramLabel = "LABEL",
      description = "Labels that split each indicator into SLOs (default: those present of model, model_name,"
          + " gen_ai_request_model, service, service_name, job). --group-by '' groups nothing.")
  List<String> groupBy;

  @Option(names = "--error-status", paramLabel = "REGEX",
      description = "Status label values that count as errors (full match; default: 5xx codes, SERVER_ERROR, error, failure, failed).")
  String errorStatus;

  @Option(names = "--window", paramLabel = "DURATION", converter = PromDurations.class,
      description = "History a baseline should cover; shorter or gappy history gives slo-insufficient-history (default: 7d).")
  Duration window;

  @Option(names = "--step", paramLabel = "DURATION", converter = PromDurations.class,
      description = "Evaluation step (default: 5m).")
  Duration step;

  @Option(names = "--rate-window", paramLabel = "DURATION", converter = PromDurations.class,
      description = "Range of rate() at each step (default: 5m).")
  Duration rateWindow;

  @Option(names = "--period", paramLabel = "DURATION", converter = PromDurations.class,
      description = "SLO period for objectives and burn rates (default: 30d).")
  Duration period;

  @Option(names = "--objective-window", paramLabel = "DURATION", converter = PromDurations.class,
      description = "Length of the windows a suggested objective must be met in (default: 1d).")
  Duration objectiveWindow;

  @Option(names = "--met-share", paramLabel = "SHARE",
      description = "Share of those windows the suggested objective must be met in (default: 0.9).")
  Double metShare;

  @Option(names = "--objective", paramLabel = "RATIO",
      description = "Use this objective (e.g. 0.999) instead of the suggested one.")
  BigDecimal objective;

  @Option(names = "--latency-threshold", paramLabel = "VALUE",
      description = "Latency SLI threshold in the histogram's unit (default: the smallest bucket bound at or above the median p99).")
  Double latencyThreshold;

  @Option(names = "-k", paramLabel = "K", description = "Band width in σ or MAD (default: 2).")
  Double k;

  @Option(names = "--low-traffic-share", paramLabel = "SHARE",
      description = "slo-low-traffic when one error burns more than this share of the budget (default: 0.05).")
  Double lowTrafficShare;

  @Option(names = "--rules-out", paramLabel = "FILE",
      description = "Write a Prometheus rule file, and a promtool test file beside it (NAME.test.yml).")
  Path rulesOut;

  @Option(names = "--naming", paramLabel = "STYLE",
      description = "Record names in the rule file: traceguard or sloth (slo:sli_error:ratio_rate5m…; default: traceguard).")
  String naming = "traceguard";

  @Option(names = "--baseline-for", paramLabel = "DURATION", converter = PromDurations.class,
      description = "How long a value must stay outside the learned band before the baseline alert fires (default: 15m).")
  Duration baselineFor = Duration.ofMinutes(15);

  @Option(names = "--openslo-out", paramLabel = "FILE", description = "Write an OpenSLO v1 spec.")
  Path opensloOut;

  @Option(names = "--sloth-out", paramLabel = "FILE", description = "Write a Sloth prometheus/v1 spec.")
  Path slothOut;

  @Option(names = {"-f", "--format"}, paramLabel = "FORMAT",
      description = "Report format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  SloFormat format = SloFormat.table;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the report to FILE instead of standard output.")
  Path output;

  @Option(names = "--fail-on", paramLabel = "LEVEL",
      description = "Exit 1 when a finding is at least this severe: error, warning, info or never (default: ${DEFAULT-VALUE}).")
  String failOn = "error";

  /** Used by picocli. */
  public SloBaselineCommand() {}

  private PrintWriter err;

  private int usage(String message) {
    err.println("traceguard slo baseline: " + message);
    err.flush();
    return ExitCode.USAGE.code();
  }

  @Override
  public Integer call() throws IOException {
    err = spec.commandLine().getErr();
    Severity threshold;
    try {
      threshold = failOn.equalsIgnoreCase("never") ? null : Severity.valueOf(failOn.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return usage("--fail-on: '" + failOn + "' is not one of error, warning, info, never");
    }
    if (prometheus == null && dumps.isEmpty()) {
      return usage("give history dumps or --prometheus URL");
    }
    if (prometheus != null && !dumps.isEmpty()) {
      return usage("give either dumps or --prometheus, not both");
    }
    SloRuleWriter.Naming names;
    try {
      names = SloRuleWriter.Naming.valueOf(naming.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return usage("--naming: '" + naming + "' is not traceguard or sloth");
    }
    SloOptions d = SloOptions.defaults();
    Selector sel = Selector.all();
    if (selector != null) {
      try {
        sel = Selector.parse(selector);
      } catch (IllegalArgumentException e) {
        return usage("--selector: " + e.getMessage());
      }
    }
    if (errorStatus != null) {
      try {
        java.util.regex.Pattern.compile(errorStatus);
      } catch (java.util.regex.PatternSyntaxException e) {
        return usage("--error-status: bad regular expression: " + e.getDescription());
      }
    }
    List<String> groups = groupBy == null ? null : groupBy.stream().filter(s -> !s.isBlank()).toList();
    if (objective != null && (objective.signum() <= 0 || objective.compareTo(BigDecimal.ONE) >= 0)) {
      return usage("--objective must lie between 0 and 1, e.g. 0.999");
    }
    SloOptions o = new SloOptions(
        window == null ? d.window() : window,
        step == null ? d.step() : step,
        rateWindow == null ? d.rateWindow() : rateWindow,
        period == null ? d.period() : period,
        objectiveWindow == null ? d.objectiveWindow() : objectiveWindow,
        metShare == null ? d.metShare() : metShare,
        k == null ? d.k() : k,
        d.trim(),
        objective,
        latencyThreshold == null ? d.latencyThreshold() : latencyThreshold,
        lowTrafficShare == null ? d.lowTrafficShare() : lowTrafficShare,
        d.minCoverage(),
        groups,
        errorStatus,
        sel);
    if (o.metShare() <= 0 || o.metShare() > 1) {
      return usage("--met-share must lie in (0, 1]");
    }

    OfflineRates.Result rates;
    List<InputSummary> inputs = List.of();
    String source;
    if (prometheus != null) {
      String token;
      try {
        token = token();
      } catch (IOException e) {
        return usage("--token-file: cannot read " + tokenFile + ": " + e.getMessage());
      }
      long endMs;
      long startMs;
      try {
        endMs = end == null ? System.currentTimeMillis() : time(end);
        startMs = start == null ? endMs - o.window().toMillis() : time(start);
      } catch (IllegalArgumentException e) {
        return usage(e.getMessage());
      }
      if (startMs >= endMs) {
        return usage("--start must be before --end");
      }
      if ((endMs - startMs) / o.step().toMillis() > OfflineRates.MAX_STEPS) {
        return usage("--start to --end is more than " + OfflineRates.MAX_STEPS + " steps of --step; use a larger"
            + " --step or a shorter range");
      }
      source = prometheus.toString();
      PrometheusSource p = new PrometheusSource(prometheus, token, timeout);
      try {
        rates = p.rates(o, startMs, endMs);
      } catch (PrometheusSource.PrometheusException e) {
        err.println("traceguard slo baseline: " + e.getMessage());
        err.flush();
        return ExitCode.PROMETHEUS.code();
      }
      if (verbosity.verbose()) {
        err.println("queried " + prometheus + ": " + p.queries() + " requests");
      }
    } else {
      // Points are turned into per-step rates series by series while reading, so a week of
      // thousands of series needs no room for all its points; input that is not written series
      // by series is read again the plain way.
      boolean stream = !dumps.contains("-");
      Telemetry telemetry = read(o, stream);
      StreamingRates streamed = streaming;
      if (stream && streamed.unsorted()) {
        if (verbosity.verbose()) {
          err.println("input is not grouped by series; reading it again into memory");
        }
        telemetry = read(o, false);
        streamed = null;
      }
      inputs = telemetry.inputs();
      boolean any = false;
      for (InputSummary in : inputs) {
        for (var e : in.errors()) {
          err.println("traceguard slo baseline: " + in.path() + (e.line() > 0 ? ":" + e.line() : "")
              + ": " + e.message());
        }
        any |= in.metricSeries() > 0 || in.spans() > 0;
      }
      if (!any) {
        err.flush();
        return usage("no metric series or spans could be read from the inputs");
      }
      source = String.join(" ", dumps);
      rates = streamed != null ? streamed.result() : OfflineRates.compute(telemetry, o);
      if (rates.slis().isEmpty() && telemetry.spans().size() > 0) {
        // No metric indicator: span durations and status are the indicators.
        err.println("traceguard slo baseline: no metric indicator found; using the durations and status of "
            + telemetry.spans().size() + " spans (SERVER spans where there are any)");
        rates = OfflineRates.compute(SpanIndicators.metrics(telemetry.spans()), o);
      }
    }
    return finish(o, sel, names, threshold, rates, inputs, source);
  }

  private StreamingRates streaming;

  private Telemetry read(SloOptions o, boolean stream) throws IOException {
    Telemetry telemetry = new Telemetry();
    streaming = stream ? new StreamingRates(o, telemetry) : null;
    telemetry.metrics().pointSink(streaming);
    for (String dump : dumps) {
      if (dump.equals("-")) {
        DumpReader.read("-", System.in, telemetry, null);
        continue;
      }
      Path path = Path.of(dump);
      if (Files.isDirectory(path)) {
        List<Path> files;
        try (Stream<Path> list = Files.list(path)) {
          files = list.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
          DumpReader.read(f, telemetry);
        }
      } else {
        DumpReader.read(path, telemetry);
      }
    }
    telemetry.metrics().pointSink(null);
    return telemetry;
  }

  private int finish(SloOptions o, Selector sel, SloRuleWriter.Naming names, Severity threshold,
      OfflineRates.Result rates, List<InputSummary> inputs, String source) throws IOException {
    SloBaseline.Outcome outcome = SloBaseline.run(rates.groups(), rates.problems(), o);
    SloReport report = new SloReport(VersionProvider.version(), source, inputs, o, outcome.results(), outcome.problems());
    for (Problem p : outcome.problems()) {
      err.println("traceguard slo baseline: " + p);
    }

    Map<String, Map<String, Labels>> examples = new HashMap<>();
    for (GroupRates g : rates.groups()) {
      examples.put(g.sli().name() + g.group(), g.examples());
    }
    List<SloRuleWriter.Slo> slos = new ArrayList<>();
    for (SliResult r : outcome.results()) {
      slos.add(new SloRuleWriter.Slo(r, examples.getOrDefault(r.sli().name() + r.group(), Map.of())));
    }
    SloRuleWriter writer = new SloRuleWriter(slos, names, o.period(), sel, SloBaseline.human(baselineFor.toMillis()));
    try {
      if (rulesOut != null) {
        write(rulesOut, writer::writeRules);
        Path test = testFile(rulesOut);
        write(test, w -> writer.writeTests(w, rulesOut.getFileName().toString()));
      }
      if (opensloOut != null) {
        write(opensloOut, writer::writeOpenSlo);
      }
      if (slothOut != null) {
        write(slothOut, writer::writeSloth);
      }
    } catch (IOException e) {
      return usage("cannot write: " + e.getMessage());
    }
    for (String s : writer.skipped()) {
      err.println("traceguard slo baseline: not in the rules: " + s);
    }

    if (output != null) {
      try (Writer w = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
        render(report, new PrintWriter(w));
      } catch (IOException e) {
        return usage("cannot write " + output + ": " + e.getMessage());
      }
    } else {
      render(report, spec.commandLine().getOut());
    }
    err.flush();
    if (threshold != null && report.anyAtLeast(threshold)) {
      return ExitCode.FINDINGS.code();
    }
    boolean skipped = inputs.stream().anyMatch(i -> i.skipped() > 0);
    return skipped || !outcome.problems().isEmpty() ? ExitCode.PARTIAL.code() : ExitCode.OK.code();
  }

  /** The test file beside a rule file: {@code rules.yml} gives {@code rules.test.yml}. */
  static Path testFile(Path rules) {
    String name = rules.getFileName().toString();
    String stem = name.replaceFirst("\\.ya?ml$", "");
    return rules.resolveSibling(stem + ".test.yml");
  }

  private void render(SloReport report, PrintWriter out) throws IOException {
    if (format == SloFormat.json) {
      report.writeJson(out);
    } else if (format == SloFormat.html) {
      new SloHtmlWriter().write(report, out);
    } else {
      report.writeTable(out);
    }
    out.flush();
  }

  private interface Body {
    void write(Writer w) throws IOException;
  }

  private static void write(Path p, Body body) throws IOException {
    try (Writer w = Files.newBufferedWriter(p, StandardCharsets.UTF_8)) {
      body.write(w);
    }
  }

  private String token() throws IOException {
    if (tokenFile != null) {
      return Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
    }
    String var = tokenEnv != null ? tokenEnv : TOKEN_ENV;
    String t = System.getenv(var);
    if (tokenEnv != null && (t == null || t.isBlank())) {
      throw new IOException("environment variable " + tokenEnv + " is not set");
    }
    return t == null || t.isBlank() ? null : t.strip();
  }

  static long time(String s) {
    String v = s.trim();
    try {
      if (v.matches("\\d+(\\.\\d+)?")) {
        return new BigDecimal(v).movePointRight(3).longValue();
      }
      return Instant.parse(v).toEpochMilli();
    } catch (DateTimeParseException | NumberFormatException e) {
      throw new IllegalArgumentException("'" + s + "' is not a time; use RFC 3339 (2026-11-01T00:00:00Z) or Unix seconds");
    }
  }
}
