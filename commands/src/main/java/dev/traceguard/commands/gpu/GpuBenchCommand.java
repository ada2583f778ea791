package dev.traceguard.commands.gpu;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.traceguard.commands.Durations;
import dev.traceguard.commands.ExitCode;
import dev.traceguard.commands.OutputFormat;
import dev.traceguard.commands.VerbosityMixin;
import dev.traceguard.commands.VersionProvider;
import dev.traceguard.gpu.CudaError;
import dev.traceguard.gpu.GpuProbe;
import dev.traceguard.gpu.GpuStatus;
import dev.traceguard.gpu.agent.JCudaHooks;
import dev.traceguard.gpu.bench.BenchResult;
import dev.traceguard.gpu.bench.BenchSettings;
import dev.traceguard.gpu.bench.BenchVerdict;
import dev.traceguard.gpu.bench.GpuBench;
import dev.traceguard.gpu.bench.PacedResult;
import dev.traceguard.gpu.timing.KernelTiming;
import dev.traceguard.gpu.timing.StreamTiming;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code traceguard gpu bench}: proves the kernel timing machinery on this machine. */
@Command(
    name = "bench",
    sortOptions = false,
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Self-check of traceguard's kernel timing on this machine. Loads a small kernel shipped as"
          + " PTX, launches it on several streams, times each launch with a pair of CUDA events on"
          + " its stream, and harvests the times from a background thread with cudaEventQuery,"
          + " never synchronising the launching streams.",
      "",
      "Reports per-kernel count/total/p50/p99, per-stream busy time, the host time the timing"
          + " adds to a launch (target: under 5 µs), the harvest thread's CPU, and checks the"
          + " event time of one long kernel against host wall time."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  traceguard gpu bench",
      "  traceguard gpu bench --streams 8 --launches 50000 --kernel-time 10us --format json"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the timing self-check passed",
      "2:usage error",
      "20:no CUDA driver found, no CUDA device visible, or CUDA support cannot load here",
      "21:a CUDA call failed",
      "22:the timing self-check failed (event time disagrees with host time, or times were lost)",
      "70:internal error (a bug: report it with the --verbose output)"
    })
public final class GpuBenchCommand implements Callable<Integer> {
  private static final JsonFactory JSON = new JsonFactory();

  @Spec CommandSpec spec;

  @Mixin VerbosityMixin verbosity;

  @Option(
      names = {"-f", "--format"},
      paramLabel = "FORMAT",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  OutputFormat format = OutputFormat.table;

  @Option(names = "--device", paramLabel = "N", description = "CUDA device number (default: ${DEFAULT-VALUE}).")
  int device = 0;

  @Option(names = "--streams", paramLabel = "N", description = "Streams to spread the launches over (default: ${DEFAULT-VALUE}).")
  int streams = 4;

  @Option(names = "--launches", paramLabel = "N", description = "Timed launches in all (default: ${DEFAULT-VALUE}).")
  int launches = 20_000;

  @Option(
      names = "--kernel-time",
      paramLabel = "DURATION",
      converter = Durations.class,
      description = "How long each kernel spins on the device, e.g. 20us (default: 20us).")
  Duration kernelTime = Duration.ofNanos(20_000);

  @Option(
      names = "--long-kernel-time",
      paramLabel = "DURATION",
      converter = Durations.class,
      description = "The long kernel checked against host wall time (default: 200ms).")
  Duration longKernelTime = Duration.ofMillis(200);

  /** Used by picocli. */
  public GpuBenchCommand() {}

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (streams < 1 || launches < 1 || device < 0 || kernelTime.isNegative() || longKernelTime.isNegative()) {
      err.println("traceguard gpu bench: --streams and --launches must be at least 1, --device and times not negative");
      return ExitCode.USAGE.code();
    }
    GpuStatus status = GpuProbe.probe();
    if (!status.ok()) {
      err.println("traceguard gpu bench: " + status.reason());
      err.flush();
      return ExitCode.GPU_UNAVAILABLE.code();
    }
    if (device >= status.deviceCount()) {
      err.println("traceguard gpu bench: --device " + device + ": this machine has " + status.deviceCount()
          + " device(s), numbered from 0");
      return ExitCode.USAGE.code();
    }
    BenchSettings settings = new BenchSettings(device, streams, launches, kernelTime.toNanos(),
        longKernelTime.toNanos(), 60_000 + longKernelTime.toMillis() + launches * kernelTime.toNanos() / 1_000_000);
    BenchResult r;
    try {
      r = GpuBench.run(status, settings);
    } catch (CudaError e) {
      err.println("traceguard gpu bench: " + e.getMessage());
      return ExitCode.GPU_ERROR.code();
    }
    if (format == OutputFormat.json) {
      writeJson(r, out);
    } else {
      writeTable(r, out);
    }
    BenchVerdict v = r.verdict();
    for (String p : v.problems()) {
      err.println("traceguard gpu bench: " + p);
    }
    err.flush();
    return v.passed() ? ExitCode.OK.code() : ExitCode.GPU_CHECK_FAILED.code();
  }

  static void writeTable(BenchResult r, PrintWriter out) {
    out.println("device " + r.device().ordinal() + ": " + r.device().name() + " (compute " + r.device().computeCapability()
        + ", " + r.device().multiprocessors() + " SMs)");
    out.println();
    int[] w = {8, 8, 10, 10, 10, 10};
    out.println(GpuText.row(w, "KERNEL", "COUNT", "TOTAL", "P50", "P99", "EXPECTED"));
    for (KernelTiming k : r.timing().kernels()) {
      out.println(GpuText.row(w, k.kernel(), k.count(), GpuText.nanos(k.totalNanos()), GpuText.nanos(k.p50Nanos()),
          GpuText.nanos(k.p99Nanos()), k.kernel().equals(GpuBench.SPIN) ? GpuText.nanos(r.settings().kernelNanos()) : ""));
    }
    out.println();
    int[] sw = {8, 8, 10};
    out.println(GpuText.row(sw, "STREAM", "LAUNCHES", "BUSY", "UTILISATION"));
    for (StreamTiming s : r.timing().streams()) {
      out.println(GpuText.row(sw, s.stream(), s.launches(), GpuText.nanos(s.busyNanos()),
          String.format(Locale.ROOT, "%.1f%%", 100 * s.utilisation())));
    }
    out.println();
    BenchVerdict v = r.verdict();
    out.printf(Locale.ROOT, "timing overhead per launch: %s (event records, host time; target < 5 µs: %s)%n",
        GpuText.nanos(r.timing().overheadPerLaunchNanos()), v.overheadUnderTarget() ? "met" : "missed");
    out.printf(Locale.ROOT, "empty-kernel launch: %s untimed, %s timed (host time of the launch call)%n",
        GpuText.nanos(r.launchNanosUntimed()), GpuText.nanos(r.launchNanosTimed()));
    out.printf(Locale.ROOT, "event floor: an event pair around an empty kernel measures %s (the launch's submission"
        + " and start-up on an idle stream); the spin kernel is checked against its time plus this%n",
        GpuText.nanos(r.eventFloorNanos()));
    out.printf(Locale.ROOT, "harvest: %s per cudaEventElapsedTime (one per timed launch), %s per cudaEventQuery;"
        + " every launch timed at %.0f launches/s: %.2f%% of one core%n", GpuText.nanos(r.elapsedCallNanos()),
        GpuText.nanos(r.queryCallNanos()), r.launchesPerSecond(), 100 * r.harvestCpuShare());
    PacedResult p = r.paced();
    if (p != null) {
      out.printf(Locale.ROOT, "paced as the agent times (at most %d timed launches/s): %.0f launches/s, %d timed"
          + " (%.0f%%), launch call %s on average; harvest thread CPU %.2f%% of one core (target < 1%%: %s)%n",
          JCudaHooks.DEFAULT_MAX_TIMED_PER_SECOND, p.launchesPerSecond(), p.timing().timedLaunches(),
          100.0 * p.timing().timedLaunches() / Math.max(1, p.timing().timedLaunches() + p.timing().unsampledLaunches()
              + p.timing().untimedLaunches()), GpuText.nanos(p.launchHostNanos()), 100 * p.harvestCpuShare(),
          v.harvestUnderTarget() ? "met" : "missed");
    }
    out.printf(Locale.ROOT, "long kernel: event %s, host wall %s: %s%n", GpuText.nanos(r.longKernelEventNanos()),
        GpuText.nanos(r.longKernelWallNanos()), v.eventMatchesWall() ? "agree" : "DISAGREE");
    out.println(v.passed() ? "self-check passed" : "self-check FAILED");
    out.flush();
  }

  static void writeJson(BenchResult r, PrintWriter out) throws IOException {
    BenchVerdict v = r.verdict();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeObjectFieldStart("device");
      g.writeNumberField("ordinal", r.device().ordinal());
      g.writeStringField("name", r.device().name());
      g.writeStringField("computeCapability", r.device().computeCapability());
      g.writeEndObject();
      g.writeNumberField("expectedKernelNanos", r.settings().kernelNanos());
      g.writeArrayFieldStart("kernels");
      for (KernelTiming k : r.timing().kernels()) {
        g.writeStartObject();
        g.writeStringField("kernel", k.kernel());
        g.writeNumberField("count", k.count());
        g.writeNumberField("timed", k.timed());
        g.writeNumberField("totalNanos", k.totalNanos());
        g.writeNumberField("p50Nanos", k.p50Nanos());
        g.writeNumberField("p99Nanos", k.p99Nanos());
        g.writeNumberField("maxNanos", k.maxNanos());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("streams");
      for (StreamTiming s : r.timing().streams()) {
        g.writeStartObject();
        g.writeStringField("stream", s.stream());
        g.writeNumberField("launches", s.launches());
        g.writeNumberField("busyNanos", s.busyNanos());
        g.writeNumberField("utilisation", Math.round(s.utilisation() * 10000) / 10000.0);
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeNumberField("timedLaunches", r.timing().timedLaunches());
      g.writeNumberField("untimedLaunches", r.timing().untimedLaunches());
      g.writeNumberField("timingOverheadPerLaunchNanos", Math.round(r.timing().overheadPerLaunchNanos()));
      g.writeNumberField("launchNanosUntimed", Math.round(r.launchNanosUntimed()));
      g.writeNumberField("launchNanosTimed", Math.round(r.launchNanosTimed()));
      g.writeNumberField("eventFloorNanos", r.eventFloorNanos());
      g.writeNumberField("launchesPerSecond", Math.round(r.launchesPerSecond()));
      g.writeNumberField("harvestCpuShare", Math.round(r.harvestCpuShare() * 1e6) / 1e6);
      g.writeNumberField("elapsedCallNanos", Math.round(r.elapsedCallNanos()));
      g.writeNumberField("queryCallNanos", Math.round(r.queryCallNanos()));
      PacedResult p = r.paced();
      if (p != null) {
        g.writeObjectFieldStart("paced");
        g.writeNumberField("maxTimedPerSecond", JCudaHooks.DEFAULT_MAX_TIMED_PER_SECOND);
        g.writeNumberField("launchesPerSecond", Math.round(p.launchesPerSecond()));
        g.writeNumberField("timedLaunches", p.timing().timedLaunches());
        g.writeNumberField("unsampledLaunches", p.timing().unsampledLaunches());
        g.writeNumberField("untimedLaunches", p.timing().untimedLaunches());
        g.writeNumberField("launchHostNanos", Math.round(p.launchHostNanos()));
        g.writeNumberField("harvestCpuShare", Math.round(p.harvestCpuShare() * 1e6) / 1e6);
        g.writeEndObject();
      }
      g.writeNumberField("longKernelEventNanos", r.longKernelEventNanos());
      g.writeNumberField("longKernelWallNanos", r.longKernelWallNanos());
      g.writeObjectFieldStart("verdict");
      g.writeBooleanField("passed", v.passed());
      g.writeBooleanField("eventMatchesWall", v.eventMatchesWall());
      g.writeBooleanField("kernelMatchesExpected", v.kernelMatchesExpected());
      g.writeBooleanField("allHarvested", v.allHarvested());
      g.writeBooleanField("overheadUnderTarget", v.overheadUnderTarget());
      g.writeBooleanField("harvestUnderTarget", v.harvestUnderTarget());
      g.writeArrayFieldStart("problems");
      for (String problem : v.problems()) {
        g.writeString(problem);
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndObject();
    }
    out.println();
    out.flush();
  }
}
