package dev.traceguard.commands;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.traceguard.analyzers.model.InputSummary;
import dev.traceguard.analyzers.model.ReadError;
import dev.traceguard.analyzers.replay.ExporterConfig;
import dev.traceguard.analyzers.replay.OtlpTransport;
import dev.traceguard.analyzers.replay.Redactor;
import dev.traceguard.analyzers.replay.ReplayOptions;
import dev.traceguard.analyzers.replay.ReplaySummary;
import dev.traceguard.analyzers.replay.Replayer;
import dev.traceguard.analyzers.replay.Signal;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code traceguard replay}: send dumps to an OTLP receiver again, faithfully and safely. */
@Command(
    name = "replay",
    sortOptions = false,
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Send dumps to an OTLP collector or tracing backend again, record for record: to look at an"
          + " incident in Jaeger, Tempo or an APM, or to reproduce what an alert saw.",
      "",
      "Reads every format analyze reads. OTLP dumps are sent as the raw OTLP records they hold"
          + " (ids, broken ones included, parent links, flags, trace state, kinds, status,"
          + " attributes of every type, events, links, resources and scopes unchanged); the OTel"
          + " SDK exporter is not used because it re-encodes spans and drops invalid parent ids,"
          + " which would repair a broken trace in transit. Prometheus dumps become OTLP metrics"
          + " (counters as cumulative monotonic sums, gauges, classic histograms with their"
          + " bounds, summaries).",
      "",
      "Settings come from the standard OTEL_EXPORTER_OTLP_* variables (ENDPOINT, the per-signal"
          + " *_ENDPOINT, HEADERS, PROTOCOL, COMPRESSION, TIMEOUT, CERTIFICATE, CLIENT_CERTIFICATE,"
          + " CLIENT_KEY) with their usual meaning; flags override them. Header values are never"
          + " printed, logged or written anywhere.",
      "",
      "Content attributes (gen_ai.input.messages, gen_ai.output.messages,"
          + " gen_ai.system_instructions, gen_ai.prompt, gen_ai.completion) are redacted by"
          + " default: the value becomes '[redacted: N chars]', the key stays.",
      "",
      "Nothing is lost silently: retryable failures (gRPC UNAVAILABLE and the other OTLP"
          + " retryable codes, HTTP 429/502/503/504) are retried with exponential backoff,"
          + " honouring Retry-After and RetryInfo; partial successes are counted; batches that"
          + " still fail go to a spill file (OTLP/JSON lines, as sent: already shifted and"
          + " redacted) that replay takes again."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  traceguard replay testdata/clean/pipeline.jsonl --endpoint http://localhost:4317",
      "  traceguard replay dump/ --protocol http/protobuf --endpoint https://otlp.example.com"
          + " --headers api-key=$KEY --shift-to-now",
      "  OTEL_EXPORTER_OTLP_ENDPOINT=http://tempo:4317 traceguard replay incident.jsonl.gz"
          + " --speed 10",
      "  traceguard replay traceguard-spill-20261120-101500.jsonl --no-redact",
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:everything read was delivered",
      "2:usage error, or no input readable at all",
      "3:everything read was delivered, but some input records could not be read",
      "4:not everything read was delivered (rejected by the receiver, or in the spill file)",
      "70:internal error (a bug: report it with the --verbose output)"
    })
public final class ReplayCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin VerbosityMixin verbosity;

  /** The environment the exporter settings are read from; tests replace it. */
  Map<String, String> env = System.getenv();

  @Parameters(
      arity = "1..*",
      paramLabel = "DUMP",
      description = "Dump files or directories to send; '-' reads standard input.")
  List<String> dumps = new ArrayList<>();

  @Option(
      names = "--endpoint",
      paramLabel = "URL",
      description = "Receiver base URL, as OTEL_EXPORTER_OTLP_ENDPOINT (for HTTP, /v1/traces,"
          + " /v1/metrics, /v1/logs are appended). Default: http://localhost:4317 (gRPC),"
          + " http://localhost:4318 (HTTP).")
  String endpoint;

  @Option(
      names = "--protocol",
      paramLabel = "PROTOCOL",
      description = "grpc, http/protobuf or http/json (default: OTEL_EXPORTER_OTLP_PROTOCOL, else grpc).")
  String protocol;

  @Option(
      names = "--headers",
      paramLabel = "KEY=VALUE,...",
      description = "Request headers (e.g. an API key), added to OTEL_EXPORTER_OTLP_HEADERS;"
          + " values may be percent-encoded. Never printed.")
  List<String> headers = new ArrayList<>();

  @Option(
      names = "--compression",
      paramLabel = "gzip|none",
      description = "Request compression (default: OTEL_EXPORTER_OTLP_COMPRESSION, else none).")
  String compression;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = SignedDuration.class,
      description = "Time allowed per request, e.g. 10s (default: OTEL_EXPORTER_OTLP_TIMEOUT, else 10s).")
  Duration timeout;

  @Option(names = "--certificate", paramLabel = "PEM", description = "Trusted CA certificates for an https endpoint.")
  Path certificate;

  @Option(names = "--client-certificate", paramLabel = "PEM", description = "Client certificate chain for mutual TLS.")
  Path clientCertificate;

  @Option(names = "--client-key", paramLabel = "PEM", description = "Client key (PKCS#8) for mutual TLS.")
  Path clientKey;

  @ArgGroup(exclusive = true)
  ShiftGroup shiftGroup;

  /** --shift and --shift-to-now exclude each other. */
  static final class ShiftGroup {
    @Option(
        names = "--shift",
        paramLabel = "DURATION",
        converter = SignedDuration.class,
        description = "Add DURATION to every timestamp, e.g. 72h, -30m, 1d.")
    Duration shift;

    @Option(
        names = "--shift-to-now",
        description = "Move every timestamp by one offset so the latest record is now (with"
            + " --speed: the earliest record is when the replay starts). Reads the inputs twice.")
    boolean shiftToNow;
  }

  @ArgGroup(exclusive = true)
  PacingGroup pacing;

  /** --speed and --rate exclude each other. */
  static final class PacingGroup {
    @Option(
        names = "--speed",
        paramLabel = "FACTOR",
        description = "Keep the original rhythm, FACTOR times faster (1 = real time, 10 = ten"
            + " times faster). Default: as fast as the receiver takes it.")
    Double speed;

    @Option(
        names = "--rate",
        paramLabel = "N[/s]",
        converter = Rate.class,
        description = "At most N records (spans, data points, log records) per second.")
    Double rate;
  }

  @Option(
      names = "--redact",
      split = ",",
      paramLabel = "KEY",
      description = "More attribute keys to redact, or patterns with *, e.g. user.email,http.request.header.*")
  List<String> redact = new ArrayList<>();

  @Option(names = "--no-redact", description = "Send content attributes as they are (stated in the output).")
  boolean noRedact;

  @Option(
      names = "--batch-size",
      paramLabel = "N",
      description = "Records per request at most (default: ${DEFAULT-VALUE}).")
  int batchSize = 512;

  @Option(
      names = "--max-retries",
      paramLabel = "N",
      description = "Retries per batch on retryable errors (default: ${DEFAULT-VALUE}).")
  int maxRetries = 5;

  @Option(
      names = "--parallel",
      paramLabel = "N",
      description = "Requests in flight at a time (default: ${DEFAULT-VALUE}); more hides the round"
          + " trip to a distant receiver, records may then arrive out of order across requests.")
  int parallel = 2;

  @Option(
      names = "--spill",
      paramLabel = "FILE",
      description = "Where batches that could not be delivered go (appended; created only when"
          + " needed). Default: traceguard-spill-DATE-TIME.jsonl in the current directory.")
  Path spill;

  @Option(names = "--dry-run", description = "Read and prepare everything, send nothing.")
  boolean dryRun;

  @Option(
      names = {"-f", "--format"},
      paramLabel = "FORMAT",
      description = "Summary format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  OutputFormat format = OutputFormat.table;

  /** Used by picocli. */
  public ReplayCommand() {}

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    if (batchSize < 1 || maxRetries < 0 || parallel < 1 || parallel > 64) {
      err.println("traceguard replay: --batch-size and --parallel (at most 64) must be at least 1,"
          + " --max-retries at least 0");
      return ExitCode.USAGE.code();
    }
    if (pacing != null && pacing.speed != null && !(pacing.speed > 0)) {
      err.println("traceguard replay: --speed must be above 0, e.g. 1 for real time");
      return ExitCode.USAGE.code();
    }
    ExporterConfig.Flags flags = new ExporterConfig.Flags();
    flags.endpoint = endpoint;
    flags.protocol = protocol;
    flags.headers = headers;
    flags.compression = compression;
    flags.timeout = timeout;
    flags.certificate = certificate;
    flags.clientCertificate = clientCertificate;
    flags.clientKey = clientKey;
    ExporterConfig config;
    try {
      config = ExporterConfig.resolve(env, flags);
    } catch (IllegalArgumentException e) {
      err.println("traceguard replay: " + e.getMessage());
      return ExitCode.USAGE.code();
    }
    Set<String> secrets = config.secretValues();

    List<String> inputs = new ArrayList<>();
    for (String d : dumps) {
      Path p = Path.of(d);
      if (!d.equals("-") && Files.isDirectory(p)) {
        try (Stream<Path> list = Files.list(p)) {
          List<Path> files = list.filter(Files::isRegularFile).sorted().toList();
          if (files.isEmpty()) {
            err.println("traceguard replay: " + d + ": directory holds no files");
          }
          files.forEach(f -> inputs.add(f.toString()));
        }
      } else {
        inputs.add(d);
      }
    }

    ReplayOptions options = ReplayOptions.defaults()
        .withBatchSize(batchSize)
        .withRedactor(noRedact ? Redactor.of(redact) : Redactor.defaults(redact))
        .withRetries(maxRetries, Duration.ofSeconds(1), Duration.ofSeconds(30))
        .withDryRun(dryRun)
        .withSpill(spill != null ? spill : Path.of("traceguard-spill-"
            + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".jsonl"));
    if (shiftGroup != null && shiftGroup.shiftToNow) {
      options = options.withShiftToNow();
    } else if (shiftGroup != null && shiftGroup.shift != null) {
      options = options.withShift(shiftGroup.shift);
    }
    if (pacing != null) {
      options = options.withPacing(
          pacing.speed == null ? 0 : pacing.speed, pacing.rate == null ? 0 : pacing.rate);
    }

    Progress progress = new Progress(err);
    ReplaySummary summary;
    OtlpTransport transport = null;
    try {
      transport = dryRun ? null : Replayer.transport(config, "traceguard/" + VersionProvider.version());
      summary = new Replayer(options, transport).parallel(parallel).listener(progress::update)
          .replay(inputs);
    } catch (IllegalArgumentException e) {
      err.println("traceguard replay: " + scrub(e.getMessage(), secrets));
      return ExitCode.USAGE.code();
    } catch (IOException e) {
      err.println("traceguard replay: " + scrub(e.getMessage(), secrets));
      return ExitCode.NOT_DELIVERED.code();
    } finally {
      progress.clear();
      if (transport != null) {
        transport.close();
      }
    }

    if (format == OutputFormat.json) {
      json(summary, config, secrets, out);
    } else {
      table(summary, config, secrets, out);
    }
    out.flush();
    return exitCode(summary).code();
  }

  static ExitCode exitCode(ReplaySummary s) {
    boolean anyRead = false;
    for (InputSummary in : s.inputs()) {
      boolean known = !in.format().equals("unknown") && !in.format().equals("unreadable");
      if (in.spans() + in.samples() + in.logs() > 0 || (known && in.skipped() == 0)) {
        anyRead = true;
      }
    }
    if (!anyRead) {
      return ExitCode.USAGE;
    }
    if (!s.allDelivered()) {
      return ExitCode.NOT_DELIVERED;
    }
    return s.anySkipped() ? ExitCode.PARTIAL : ExitCode.OK;
  }

  /** Replaces every header value in a message people will see. */
  static String scrub(String text, Set<String> secrets) {
    if (text == null) {
      return "";
    }
    String t = text;
    for (String s : secrets) {
      if (s.length() >= 3) {
        t = t.replace(s, "***");
      }
    }
    return t;
  }

  private void table(ReplaySummary s, ExporterConfig config, Set<String> secrets, PrintWriter out) {
    out.println((s.dryRun() ? "dry run (nothing sent): " : "replayed: ") + config.describe());
    for (InputSummary in : s.inputs()) {
      out.printf(Locale.ROOT, "  %s (%s): %d spans, %d metric samples, %d log records%s%n",
          in.path(), in.format(), in.spans(), in.samples(), in.logs(),
          in.skipped() > 0 ? ", " + in.skipped() + " records not readable" : "");
      int shown = 0;
      for (ReadError e : in.errors()) {
        if (shown++ == 10) {
          out.println("    ...");
          break;
        }
        out.println("    " + in.path() + position(e) + ": " + scrub(e.message(), secrets));
      }
    }
    out.println();
    out.printf(Locale.ROOT, "%-8s %10s %10s %10s %10s %10s %8s %9s%n",
        "signal", "read", "sent", "accepted", "rejected", "spilled", "retries", "requests");
    for (Signal sig : Signal.values()) {
      ReplaySummary.Counts c = s.counts().get(sig);
      out.printf(Locale.ROOT, "%-8s %10d %10d %10d %10d %10d %8d %9d%n", sig.id(), c.read(),
          c.sent(), c.accepted(), c.rejected(), c.spilled() + c.dropped(), c.retries(), c.requests());
    }
    for (Signal sig : Signal.values()) {
      ReplaySummary.Counts c = s.counts().get(sig);
      if (!c.lastError().isEmpty()) {
        out.println(sig.id() + ": last error: " + scrub(c.lastError(), secrets));
      }
    }
    out.println();
    for (String n : s.notes()) {
      out.println("note: " + scrub(n, secrets));
    }
    if (s.spill() != null) {
      long spilled = s.counts().values().stream().mapToLong(ReplaySummary.Counts::spilled).sum();
      out.println("spill file: " + s.spill() + " (" + spilled + " records); send it again with:"
          + " traceguard replay " + s.spill() + " [same endpoint options]");
    }
    if (exitCode(s) == ExitCode.USAGE) {
      out.println("result: no input could be read");
    } else {
      out.println(s.allDelivered()
          ? (s.dryRun() ? "result: ready to send" : "result: everything read was delivered")
          : "result: NOT everything was delivered");
    }
  }

  /** ":17:812", ":@4096" or "" when the error has no position. */
  private static String position(ReadError e) {
    String w = e.where();
    return w.isEmpty() ? "" : ":" + w;
  }

  private void json(ReplaySummary s, ExporterConfig config, Set<String> secrets, PrintWriter out)
      throws IOException {
    try (JsonGenerator g = new JsonFactory().createGenerator(out).useDefaultPrettyPrinter()) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.writeStartObject();
      g.writeStringField("protocol", config.protocol().id());
      g.writeStringField("endpoint", ExporterConfig.printable(config.endpoint(Signal.TRACES)));
      g.writeBooleanField("gzip", config.gzip());
      g.writeNumberField("headers", config.headers(Signal.TRACES).size());
      g.writeBooleanField("dryRun", s.dryRun());
      g.writeNumberField("shiftNanos", s.shiftNanos());
      g.writeArrayFieldStart("inputs");
      for (InputSummary in : s.inputs()) {
        g.writeStartObject();
        g.writeStringField("path", in.path());
        g.writeStringField("format", in.format());
        g.writeNumberField("spans", in.spans());
        g.writeNumberField("samples", in.samples());
        g.writeNumberField("logs", in.logs());
        g.writeNumberField("skipped", in.skipped());
        g.writeArrayFieldStart("errors");
        for (ReadError e : in.errors()) {
          g.writeString(in.path() + position(e) + ": " + scrub(e.message(), secrets));
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeObjectFieldStart("signals");
      for (Signal sig : Signal.values()) {
        ReplaySummary.Counts c = s.counts().get(sig);
        g.writeObjectFieldStart(sig.id());
        g.writeNumberField("read", c.read());
        g.writeNumberField("sent", c.sent());
        g.writeNumberField("accepted", c.accepted());
        g.writeNumberField("rejected", c.rejected());
        g.writeNumberField("spilled", c.spilled());
        g.writeNumberField("notConverted", c.dropped());
        g.writeNumberField("retries", c.retries());
        g.writeNumberField("requests", c.requests());
        g.writeNumberField("bytes", c.bytes());
        g.writeStringField("lastError", scrub(c.lastError(), secrets));
        g.writeEndObject();
      }
      g.writeEndObject();
      g.writeArrayFieldStart("notes");
      for (String n : s.notes()) {
        g.writeString(scrub(n, secrets));
      }
      g.writeEndArray();
      g.writeStringField("spill", s.spill() == null ? null : s.spill().toString());
      g.writeBooleanField("delivered", s.allDelivered());
      g.writeEndObject();
    }
    out.println();
  }

  /** One progress line on a terminal: records, bytes, rate, ETA. */
  private static final class Progress {
    private final PrintWriter err;
    private final boolean enabled = Terminal.interactive();
    private final long started = System.nanoTime();
    private long last;
    private boolean shown;

    Progress(PrintWriter err) {
      this.err = err;
    }

    void update(long records, long bytes, long inputRead, long inputTotal) {
      long now = System.nanoTime();
      if (!enabled || now - last < 250_000_000L) {
        return;
      }
      last = now;
      double secs = Math.max(1e-3, (now - started) / 1e9);
      String eta = "";
      if (inputTotal > 0 && inputRead > 0 && inputRead < inputTotal) {
        long left = (long) (secs * (inputTotal - inputRead) / inputRead);
        eta = String.format(Locale.ROOT, ", %d%%, ETA %d:%02d", inputRead * 100 / inputTotal, left / 60, left % 60);
      }
      err.printf(Locale.ROOT, "\rreplay: %,d records, %.1f MiB, %,.0f records/s%s\u001b[K",
          records, bytes / 1048576.0, records / secs, eta);
      err.flush();
      shown = true;
    }

    void clear() {
      if (shown) {
        err.print("\r\u001b[K");
        err.flush();
      }
    }
  }

  /** Durations with an optional sign and h/d units on top of {@link Durations}: -30m, 72h, 1d. */
  public static final class SignedDuration implements CommandLine.ITypeConverter<Duration> {
    /** Used by picocli. */
    public SignedDuration() {}

    @Override
    public Duration convert(String value) {
      String v = value.trim();
      boolean negative = v.startsWith("-");
      if (negative || v.startsWith("+")) {
        v = v.substring(1);
      }
      Duration d;
      try {
        d = new Durations().convert(v);
      } catch (CommandLine.TypeConversionException e) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not a duration; e.g. 500ms, 90s, 30m, 72h, 1d, -2h");
      }
      return negative ? d.negated() : d;
    }
  }

  /** {@code 500} or {@code 500/s}. */
  public static final class Rate implements CommandLine.ITypeConverter<Double> {
    /** Used by picocli. */
    public Rate() {}

    @Override
    public Double convert(String value) {
      String v = value.trim();
      if (v.endsWith("/s")) {
        v = v.substring(0, v.length() - 2);
      }
      try {
        double d = Double.parseDouble(v);
        if (!(d > 0)) {
          throw new NumberFormatException();
        }
        return d;
      } catch (NumberFormatException e) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not a rate; write records per second, e.g. 500 or 500/s");
      }
    }
  }
}
