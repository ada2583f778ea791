package dev.traceguard.commands.profile;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.traceguard.analyzers.AnalysisOptions;
import dev.traceguard.analyzers.Analyzers;
import dev.traceguard.analyzers.gpu.GpuAnalyzer;
import dev.traceguard.analyzers.io.otlp.OtlpJsonMetricsWriter;
import dev.traceguard.analyzers.jvm.JvmAnalyzer;
import dev.traceguard.analyzers.jvm.JvmMetrics;
import dev.traceguard.analyzers.model.Attributes;
import dev.traceguard.analyzers.model.MetricFamily;
import dev.traceguard.analyzers.model.MetricSeries;
import dev.traceguard.analyzers.model.MetricStore;
import dev.traceguard.analyzers.model.MetricType;
import dev.traceguard.analyzers.model.Resource;
import dev.traceguard.analyzers.model.Telemetry;
import dev.traceguard.analyzers.report.Finding;
import dev.traceguard.analyzers.report.JsonReportWriter;
import dev.traceguard.analyzers.report.Report;
import dev.traceguard.analyzers.report.Severity;
import dev.traceguard.commands.DurationText;
import dev.traceguard.commands.Durations;
import dev.traceguard.commands.ExitCode;
import dev.traceguard.commands.OutputFormat;
import dev.traceguard.commands.Terminal;
import dev.traceguard.commands.VerbosityMixin;
import dev.traceguard.commands.Version;
import dev.traceguard.commands.VersionProvider;
import dev.traceguard.gpu.agent.JCudaHooks;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code traceguard profile --pid PID}: attach to a running JVM and sample it. */
@Command(
    name = "profile",
    sortOptions = false,
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Attach to a running JVM and watch memory, GC, threads and JFR events, without a restart.",
      "",
      "Loads no agent into the target (unless --gpu): it starts the JVM's own local JMX agent through the attach"
          + " API (what 'jcmd PID ManagementAgent.start_local' does) and streams JFR over it (targets on"
          + " Java 16+). Every interval it samples heap and each memory pool, direct buffers, GC counts"
          + " and time, allocation, CPU, classes and JIT time; every fifth interval and at the end also"
          + " thread states and deadlocks (each read stops the target's threads at a safepoint), mapped"
          + " buffers, non-heap memory and, where the target runs with -XX:NativeMemoryTracking, its"
          + " native memory (each JMX call costs the target CPU); from"
          + " /proc it reads the resident size and the container's memory cgroup, and GPU memory per"
          + " process where nvidia-smi is installed. On a terminal the view refreshes in place; in a"
          + " pipe it prints one line per sample. At the end it reports findings (gc-pressure,"
          + " native-memory-growth, container-memory-pressure, deadlock). --out writes the samples"
          + " as an OTLP/JSON metrics dump that 'traceguard analyze' reads back. Ctrl-C stops early"
          + " and still writes everything; connections, streams and recordings are always closed.",
      "",
      "--duration 0 takes one snapshot the way jcmd works, starting nothing in the target: pools,"
          + " GC, classes and JIT from its performance data file (hsperfdata), thread states,"
          + " deadlocks and native memory through diagnostic commands on the attach socket, and /proc."
          + " A snapshot has no CPU load, allocation, direct/mapped buffers or code cache (ask for"
          + " --duration 1s for those); with --jfr, or a target run with -XX:-UsePerfData, it goes"
          + " through JMX."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  traceguard ps",
      "  traceguard profile --pid 4242",
      "  traceguard profile --pid 4242 --duration 0      # one snapshot",
      "  traceguard profile --pid 4242 -d 5m --out profile.jsonl --jfr profile.jfr",
      "  traceguard profile --pid 4242 -d 10s --format json > profile.json",
      "  traceguard profile --pid 4242 --gpu -d 1m       # JCuda kernel timing (loads an agent)",
      "  traceguard analyze profile.jsonl",
      "",
      "Rules and how to fix what they find: docs/rules.md"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:profiled; no finding at or above --fail-on",
      "1:findings at or above --fail-on",
      "2:usage error",
      "10:no process has that pid",
      "11:the process is not a JVM",
      "12:the JVM forbids attaching (-XX:+DisableAttachMechanism)",
      "13:the JVM belongs to another user (run as that user, e.g. sudo -u)",
      "14:the JVM's attach socket file was deleted (a tmp cleaner): send SIGQUIT or restart",
      "15:the JVM runs in another container (network namespace): run inside it",
      "16:the JVM's version does not speak this JDK's attach protocol",
      "17:the JVM exited while being profiled (what was collected is written)",
      "18:the JVM did not answer within --attach-timeout (hung or stopped)",
      "19:the JVM's management agent (JMX) could not be started or reached",
      "70:internal error (a bug: report it with the --verbose output)"
    })
public final class ProfileCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin VerbosityMixin verbosity;

  /** Where messages go, once running. */
  private PrintWriter err;

  @Option(names = {"-p", "--pid"}, required = true, paramLabel = "PID", description = "The JVM to profile ('traceguard ps' lists them).")
  long pid;

  @Option(
      names = {"-d", "--duration"},
      paramLabel = "DURATION",
      converter = Durations.class,
      description = "How long to sample, e.g. 30s, 5m; 0 takes one snapshot without JMX or JFR (see above; JMX and JFR with --jfr) (default: 30s).")
  Duration duration = Duration.ofSeconds(30);

  @Option(
      names = {"-i", "--interval"},
      paramLabel = "DURATION",
      converter = Durations.class,
      description = "Time between samples, at least 100ms (default: 1s).")
  Duration interval = Duration.ofSeconds(1);

  @Option(names = "--out", paramLabel = "FILE", description = "Write the samples to FILE as an OTLP/JSON metrics dump (read back by 'traceguard analyze').")
  Path out;

  @Option(names = "--jfr", paramLabel = "FILE", description = "Also save the JFR recording streamed from the target to FILE (open it with 'jfr print' or JDK Mission Control).")
  Path jfrFile;

  @Option(names = "--no-jfr", description = "Do not stream JFR events; JMX and /proc values only.")
  boolean noJfr;

  @Option(
      names = "--gpu",
      description = "Also time the GPU kernels the JVM launches through JCuda (per kernel: launches, total, p50, p99;"
          + " per stream: utilisation). Opt-in, because it loads traceguard's small agent into the target: JDK 21+"
          + " targets print a warning about a dynamically loaded agent (and refuse it under"
          + " -XX:-EnableDynamicAgentLoading), and no other way sees a kernel's time from outside its process. The"
          + " agent times launches with CUDA event pairs on their own streams, never synchronises them, and removes"
          + " itself when profile ends (or when not read for 3 intervals plus --attach-timeout).")
  boolean gpu;

  @Option(
      names = "--gpu-max-timed",
      paramLabel = "N",
      description = "With --gpu: time at most N launches per second (default: ${DEFAULT-VALUE}). Beyond that a random"
          + " sample of launches is timed, every launch is still counted, and totals and busy times are scaled up from"
          + " the timed ones; 0 times every launch (each timed launch costs the launching thread a few µs).")
  long gpuMaxTimed = JCudaHooks.DEFAULT_MAX_TIMED_PER_SECOND;

  @Option(
      names = {"-f", "--format"},
      paramLabel = "FORMAT",
      description = "Final report format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). With json, nothing is printed until the end.")
  OutputFormat format = OutputFormat.table;

  @Option(
      names = "--attach-timeout",
      paramLabel = "DURATION",
      converter = Durations.class,
      description = "How long to wait for the JVM to answer the attach request and each JMX call (default: 10s).")
  Duration attachTimeout = Duration.ofSeconds(10);

  @Option(
      names = "--fail-on",
      paramLabel = "LEVEL",
      description = "Exit 1 when a finding is at least this severe: error, warning, info or never (default: ${DEFAULT-VALUE}).")
  String failOn = "error";

  /** Used by picocli. */
  public ProfileCommand() {}

  private final Clock clock = Clock.systemUTC();
  private GpuAgentSession gpuAgent;
  private final List<String> notes = new ArrayList<>();
  private volatile boolean stopRequested;

  /** Everything opened during a run, closed once whatever happens. */
  private final class Session implements AutoCloseable {
    JvmConnection connection;
    JfrCollector jfr;
    GpuAgentSession gpu;
    private volatile boolean closed;

    @Override
    public void close() {
      // Once: a second caller returns at once rather than wait behind a close blocked on a hung target.
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
      }
      if (gpu != null) {
        gpu.close();
      }
      if (jfr != null) {
        try {
          jfr.close();
        } catch (RuntimeException e) {
          // The stream is gone with the target.
        }
      }
      if (connection != null) {
        connection.close();
      }
    }
  }

  @Override
  public Integer call() {
    return run(spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  /**
   * Runs {@code traceguard profile ARGS} without the command-line parser when {@code args} ask for
   * one snapshot in the plain form, {@code profile --pid PID --duration 0} with at most
   * {@code --format}, {@code --attach-timeout}, {@code --fail-on} and {@code --verbose}, each once:
   * building the parser's model of this command costs more than the snapshot itself.
   *
   * @return the exit code, or null when {@code args} are anything else (the parser then runs them)
   */
  public static Integer snapshotWithoutParser(String[] args, PrintWriter out, PrintWriter err) {
    if (args.length < 3 || !args[0].equals("profile")) {
      return null;
    }
    ProfileCommand c = new ProfileCommand();
    c.verbosity = new VerbosityMixin();
    java.util.Set<String> seen = new java.util.HashSet<>();
    try {
      for (int k = 1; k < args.length; k++) {
        String a = args[k];
        String value = null;
        int eq = a.indexOf('=');
        if (a.startsWith("--") && eq > 0) {
          value = a.substring(eq + 1);
          a = a.substring(0, eq);
        }
        String name;
        switch (a) {
          case "-p":
          case "--pid":
            name = "pid";
            break;
          case "-d":
          case "--duration":
            name = "duration";
            break;
          case "-f":
          case "--format":
            name = "format";
            break;
          case "--attach-timeout":
            name = "attach-timeout";
            break;
          case "--fail-on":
            name = "fail-on";
            break;
          case "-v":
          case "--verbose":
            if (value != null || !seen.add("verbose")) {
              return null;
            }
            c.verbosity.verbose(true);
            continue;
          default:
            return null;
        }
        if (!seen.add(name)) {
          return null;
        }
        if (value == null) {
          if (++k >= args.length) {
            return null;
          }
          value = args[k];
        }
        switch (name) {
          case "pid":
            if (!value.matches("[0-9]{1,18}")) {
              return null;
            }
            c.pid = Long.parseLong(value);
            break;
          case "duration":
            c.duration = DurationText.parse(value);
            break;
          case "format":
            c.format = OutputFormat.valueOf(value.toLowerCase(Locale.ROOT));
            break;
          case "attach-timeout":
            c.attachTimeout = DurationText.parse(value);
            break;
          default:
            c.failOn = value;
        }
      }
    } catch (RuntimeException e) {
      // A value the parser would reject: let it say so.
      return null;
    }
    if (!seen.contains("pid") || !seen.contains("duration") || !c.duration.isZero()) {
      return null;
    }
    warmUp(c.format);
    return c.run(out, err);
  }

  /**
   * Loads and runs once, on a daemon thread and with nothing kept, what a snapshot does after its
   * answers arrive: number formatting (its locale data), the analyzers and the report. While the
   * main thread waits for the target's answers that thread has the CPU to itself; done by the main
   * thread afterwards, this first use of each was a fifth of a snapshot's time. Nothing it does is
   * seen: any failure is dropped.
   */
  private static void warmUp(OutputFormat format) {
    Thread t = new Thread(() -> {
      try {
        Telemetry none = new Telemetry();
        Analyzers.run(List.of(new JvmAnalyzer()), none, AnalysisOptions.defaults(), Version.version());
        Snapshot s = new Snapshot(0);
        s.gauge(JvmMetrics.HEAP_USED, 1 << 20, "By");
        StringBuilder sink = new StringBuilder();
        for (String l : ProfileView.block(String.format(Locale.ROOT, "%d %s %.1f", 1, "x", 1.0), s, null, null)) {
          sink.append(l);
        }
        sink.append(String.format("%-8s %s%n", "x", "y"));
        if (format == OutputFormat.json) {
          try (JsonGenerator g = new JsonFactory().createGenerator(Writer.nullWriter())) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeNumberField("x", 1.5);
            g.writeEndObject();
          }
        }
      } catch (Exception | LinkageError e) {
        // Only a head start: the main thread does it all again anyway.
      }
    }, "traceguard-warm-up");
    t.setDaemon(true);
    t.setPriority(Thread.MIN_PRIORITY);
    t.start();
  }

  private int run(PrintWriter stdout, PrintWriter err) {
    this.err = err;
    Severity threshold;
    try {
      threshold = failOn.equalsIgnoreCase("never") ? null : Severity.valueOf(failOn.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      err.println("traceguard profile: --fail-on: '" + failOn + "' is not one of error, warning, info, never");
      return ExitCode.USAGE.code();
    }
    if (duration.isNegative() || interval.compareTo(Duration.ofMillis(100)) < 0 || attachTimeout.isNegative()
        || attachTimeout.isZero()) {
      err.println("traceguard profile: --duration must be 0 or more, --interval at least 100ms, --attach-timeout more than 0");
      return ExitCode.USAGE.code();
    }
    if (gpuMaxTimed < 0) {
      err.println("traceguard profile: --gpu-max-timed must be 0 (time every launch) or more, not " + gpuMaxTimed);
      return ExitCode.USAGE.code();
    }
    for (Path p : new Path[] {out, jfrFile}) {
      if (p != null && p.toAbsolutePath().getParent() != null && !Files.isDirectory(p.toAbsolutePath().getParent())) {
        err.println("traceguard profile: cannot write " + p + ": directory " + p.toAbsolutePath().getParent() + " does not exist");
        return ExitCode.USAGE.code();
      }
    }

    Session session = new Session();
    CountDownLatch finished = new CountDownLatch(1);
    Thread worker = Thread.currentThread();
    Thread hook = new Thread(() -> {
      // Ctrl-C or SIGTERM: stop sampling, let the run write what it has, then close everything.
      stopRequested = true;
      worker.interrupt();
      try {
        finished.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      closeWithin(session, Duration.ofSeconds(5));
    }, "traceguard-profile-shutdown");
    boolean hooked = false;
    try {
      Runtime.getRuntime().addShutdownHook(hook);
      hooked = true;
    } catch (IllegalStateException e) {
      // Already shutting down.
    }
    try {
      return run(session, stdout, err, threshold);
    } finally {
      closeWithin(session, Duration.ofSeconds(5));
      finished.countDown();
      if (hooked) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // Shutting down: the hook is running.
        }
      }
      Thread.interrupted();
    }
  }

  /** Closes on a helper thread: closing a connection to a hung target may block. */
  private static void closeWithin(Session session, Duration limit) {
    Thread t = new Thread(session::close, "traceguard-close");
    t.setDaemon(true);
    t.start();
    try {
      t.join(limit.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private int run(Session session, PrintWriter stdout, PrintWriter err, Severity threshold) {
    Telemetry telemetry = new Telemetry();
    telemetry.addInput("pid " + pid).format("jvm-attach");
    List<Snapshot> samples = new ArrayList<>();
    ProfileFailure failure = null;
    Resource resource = null;
    Properties props = new Properties();
    boolean live = Terminal.interactive() && format == OutputFormat.table;
    Instant started = clock.instant();
    long t0 = System.nanoTime();
    ExecutorService sampling = null;
    try {
      // One snapshot needs no JMX agent: the attach socket and the performance data are faster.
      // (The GPU agent is read over JMX, so --gpu always connects.)
      AttachSnapshot.Result quick = duration.isZero() && jfrFile == null && !gpu
          ? AttachSnapshot.take(pid, attachTimeout, clock, GpuMemory.nvidiaSmi(), notes) : null;
      if (quick == null) {
        session.connection = JvmConnection.open(pid, attachTimeout);
        phase("attached and connected to JMX", t0);
        notes.addAll(session.connection.notes());
      }
      props = quick != null ? quick.properties() : session.connection.properties();
      resource = resource(props);
      // A single snapshot has no interval for JFR to fill: skip starting a recording unless asked to save one.
      if (!noJfr && (!duration.isZero() || jfrFile != null)) {
        session.jfr = startJfr(session.connection, props);
        phase("JFR stream started", t0);
      }
      if (gpu) {
        session.gpu = GpuAgentSession.load(session.connection, props, interval.multipliedBy(3).plus(attachTimeout),
            attachTimeout, gpuMaxTimed, notes);
        gpuAgent = session.gpu;
        phase("GPU agent loaded", t0);
      }
      Sampler sampler = quick != null ? null
          : new Sampler(pid, session.connection.mbeans(), clock, GpuMemory.nvidiaSmi(), notes);
      if (sampler != null && session.jfr != null) {
        sampler.cpuLoadFrom(session.jfr::cpuLoad);
      }
      sampling = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "traceguard-sampler");
        t.setDaemon(true);
        return t;
      });
      long startNanos = System.nanoTime();
      long deadline = startNanos + duration.toNanos();
      String header = "traceguard profile  pid " + pid + "  " + resource.attributes().getString(JvmMetrics.COMMAND)
          + "  Java " + props.getProperty("java.version", "?");
      Snapshot prev = null;
      phase("sampler ready", t0);
      for (long tick = 0; ; tick++) {
        if (sampler != null && startNanos + (tick + 1) * interval.toNanos() > deadline) {
          sampler.fullNext();
        }
        Snapshot s = quick != null ? quick.snapshot() : sampleWithin(sampling, sampler);
        if (session.gpu != null) {
          session.gpu.sample(s);
        }
        if (tick == 0) {
          phase("first sample taken", t0);
        }
        if (session.jfr != null) {
          session.jfr.fold(s);
        }
        samples.add(s);
        record(telemetry.metrics(), resource, s, samples.size());
        double elapsed = (System.nanoTime() - startNanos) / 1e9;
        if (live) {
          stdout.print("\u001b[H\u001b[2J");
          for (String l : ProfileView.block(header + String.format(Locale.ROOT, "  %.0f s, %d samples", elapsed, samples.size()),
              s, prev, session.jfr)) {
            stdout.println(l);
          }
          stdout.flush();
        } else if (format == OutputFormat.table && !duration.isZero()) {
          stdout.println(ProfileView.line(elapsed, s, prev));
          stdout.flush();
        }
        prev = s;
        long next = startNanos + (tick + 1) * interval.toNanos();
        if (duration.isZero() || next > deadline || stopRequested) {
          break;
        }
        if (!sleepUntil(next)) {
          break;
        }
      }
    } catch (ProfileFailure f) {
      failure = f;
    } catch (InterruptedException e) {
      // Asked to stop while waiting for a sample: keep what was collected.
    } catch (IOException | RuntimeException e) {
      if (!samples.isEmpty() && !ProcFs.exists(pid)) {
        failure = new ProfileFailure(ExitCode.TARGET_EXITED, "process " + pid + " exited while being profiled", e);
      } else if (e instanceof IOException || e.getCause() instanceof IOException) {
        failure = new ProfileFailure(ExitCode.MANAGEMENT_FAILED, "lost the JMX connection to process " + pid + ": " + e.getMessage(), e);
      } else {
        throw e instanceof RuntimeException ? (RuntimeException) e : new IllegalStateException(e);
      }
    } finally {
      if (sampling != null) {
        sampling.shutdownNow();
      }
    }
    // A stop request interrupts this thread; clear that so writing the results is not cut short
    // (an interrupted thread's file channels close on the first write).
    Thread.interrupted();
    if (failure != null && failure.code() == ExitCode.TARGET_EXITED) {
      notes.add(failure.getMessage() + "; " + samples.size() + " samples kept");
    }
    if (session.jfr != null && session.jfr.failure() != null && (failure == null || failure.code() != ExitCode.TARGET_EXITED)) {
      notes.add(session.jfr.failure());
    }
    if (samples.isEmpty()) {
      closeWithin(session, Duration.ofSeconds(5));
      err.println("traceguard profile: " + (failure == null ? "no sample taken" : failure.getMessage()));
      if (failure != null && verbosity.verbose() && failure.getCause() != null) {
        failure.getCause().printStackTrace(err);
      }
      err.flush();
      return failure == null ? ExitCode.INTERNAL.code() : failure.code().code();
    }

    boolean jfrSaved = false;
    if (session.jfr != null && jfrFile != null) {
      jfrSaved = saveJfr(session.jfr);
      if (!jfrSaved && failure == null && !ProcFs.exists(pid)) {
        failure = new ProfileFailure(ExitCode.TARGET_EXITED, "process " + pid + " exited while its JFR recording was"
            + " being saved");
      }
    }
    Map<String, Object> jfrSummary = session.jfr == null ? null : session.jfr.summary();
    // A stopped or hung target would hold the close for the whole wait: leave it to finish in the background.
    closeWithin(session, failure != null && failure.code() == ExitCode.ATTACH_TIMEOUT ? Duration.ofMillis(200)
        : Duration.ofSeconds(5));
    phase("closed", t0);

    int code = ExitCode.OK.code();
    if (out != null) {
      try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
        new OtlpJsonMetricsWriter("traceguard.profile", Version.version()).write(telemetry.metrics(), w);
      } catch (IOException e) {
        err.println("traceguard profile: cannot write " + out + ": " + e.getMessage());
        code = ExitCode.USAGE.code();
      }
    }
    Report report = Analyzers.run(
        gpuAgent == null ? List.of(new JvmAnalyzer()) : List.of(new JvmAnalyzer(), new GpuAnalyzer()), telemetry,
        AnalysisOptions.defaults(), Version.version());
    double seconds = (clock.millis() - started.toEpochMilli()) / 1000.0;
    if (format == OutputFormat.json) {
      try {
        json(stdout, props, samples, report, jfrSummary, started, seconds);
      } catch (IOException e) {
        err.println("traceguard profile: cannot write the report: " + e.getMessage());
        return ExitCode.USAGE.code();
      }
    } else {
      table(stdout, props, samples, report, jfrSummary, live, seconds, jfrSaved);
    }
    stdout.flush();
    if (failure != null) {
      err.println("traceguard profile: " + failure.getMessage() + (failure.code() == ExitCode.TARGET_EXITED
          ? "; " + samples.size() + " samples kept" + (out != null ? " and written to " + out : "") : ""));
      err.flush();
      return failure.code().code();
    }
    if (code != ExitCode.OK.code()) {
      return code;
    }
    return threshold != null && report.anyAtLeast(threshold) ? ExitCode.FINDINGS.code() : ExitCode.OK.code();
  }

  /**
   * Writes the stream's recording to --jfr, on a helper thread: the JDK's dump waits, with no
   * limit, for the stream's last chunk, which never comes when the target exits or hangs
   * meanwhile. It is given up 2 s after the target is gone, or --attach-timeout plus 30 s after it
   * began; then an empty file is removed and a partial one is kept and said to be so.
   *
   * @return whether a whole recording was written
   */
  private boolean saveJfr(JfrCollector jfr) {
    Object[] outcome = new Object[1];
    Thread t = new Thread(() -> {
      Object o;
      try {
        Files.deleteIfExists(jfrFile);
        jfr.dump(jfrFile);
        o = Boolean.TRUE;
      } catch (IOException | RuntimeException e) {
        o = e;
      }
      synchronized (outcome) {
        outcome[0] = o;
        outcome.notifyAll();
      }
    }, "traceguard-jfr-dump");
    t.setDaemon(true);
    t.start();
    long deadline = System.nanoTime() + attachTimeout.plusSeconds(30).toNanos();
    long goneSince = 0;
    Object o;
    synchronized (outcome) {
      while ((o = outcome[0]) == null) {
        long now = System.nanoTime();
        if (!ProcFs.exists(pid)) {
          goneSince = goneSince == 0 ? now : goneSince;
        }
        if (now > deadline || (goneSince != 0 && now - goneSince > 2_000_000_000L)) {
          break;
        }
        try {
          outcome.wait(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    long size = -1;
    try {
      size = Files.exists(jfrFile) ? Files.size(jfrFile) : -1;
    } catch (IOException e) {
      // Unknown: said below as not written.
    }
    if (o == null) {
      String why = ProcFs.exists(pid) ? "process " + pid + " did not deliver the stream's last data in time"
          : "process " + pid + " exited before the stream's last data arrived";
      if (size > 0) {
        notes.add("the JFR recording in " + jfrFile + " is incomplete: " + why);
      } else {
        try {
          Files.deleteIfExists(jfrFile);
        } catch (IOException e) {
          // Left as it is.
        }
        notes.add("could not save the JFR recording to " + jfrFile + ": " + why);
      }
      return false;
    }
    if (o instanceof Exception) {
      notes.add("could not save the JFR recording to " + jfrFile + ": " + o);
      return false;
    }
    if (size <= 0) {
      notes.add("no JFR recording written to " + jfrFile + ": " + (ProcFs.exists(pid)
          ? "the stream had no data to save" : "process " + pid + " exited before its recording could be saved"));
      return false;
    }
    return true;
  }

  /**
   * One sample on the sampler thread, waiting at most --attach-timeout past the interval: a target
   * that stops or hangs mid-run would otherwise block a JMX read for good.
   */
  private Snapshot sampleWithin(ExecutorService sampling, Sampler sampler) throws ProfileFailure, InterruptedException {
    Future<Snapshot> f = sampling.submit(sampler::sample);
    try {
      return f.get(attachTimeout.plus(interval).toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      char state = ProcFs.state(pid);
      throw new ProfileFailure(ExitCode.ATTACH_TIMEOUT, "process " + pid + " stopped answering within --attach-timeout "
          + attachTimeout.toMillis() / 1000.0 + " s" + (state == 'T' || state == 't'
              ? " (it is stopped: kill -CONT " + pid + ")" : " (hung, or stuck before a safepoint)"));
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof ProfileFailure) {
        throw (ProfileFailure) c;
      }
      if (c instanceof RuntimeException) {
        throw (RuntimeException) c;
      }
      throw new IllegalStateException(c);
    }
  }

  private void phase(String what, long t0) {
    if (verbosity.verbose()) {
      err.printf(Locale.ROOT, "traceguard profile: %s after %.0f ms%n", what, (System.nanoTime() - t0) / 1e6);
      err.flush();
    }
  }

  private JfrCollector startJfr(JvmConnection c, Properties props) {
    int feature = feature(props.getProperty("java.specification.version", "0"));
    if (feature < 16) {
      notes.add("the target runs Java " + props.getProperty("java.version", "?") + ": streaming JFR needs 16 or"
          + " later; showing what JMX gives (no GC pause, safepoint or thread CPU detail)");
      return null;
    }
    try {
      return JfrCollector.start(c.mbeans(), interval);
    } catch (IOException | RuntimeException e) {
      notes.add("JFR streaming unavailable: " + e.getMessage() + "; showing what JMX gives");
      return null;
    }
  }

  /** The feature release of a {@code java.specification.version} (8 for "1.8"), 0 when unreadable. */
  static int feature(String spec) {
    try {
      String s = spec.startsWith("1.") ? spec.substring(2) : spec;
      int dot = s.indexOf('.');
      return Integer.parseInt(dot < 0 ? s : s.substring(0, dot));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** Sleeps until {@code System.nanoTime()} reaches {@code target}; false when asked to stop. */
  private boolean sleepUntil(long target) {
    while (!stopRequested) {
      long left = target - System.nanoTime();
      if (left <= 0) {
        return true;
      }
      try {
        TimeUnit.NANOSECONDS.sleep(Math.min(left, 200_000_000L));
      } catch (InterruptedException e) {
        return false;
      }
    }
    return false;
  }

  private Resource resource(Properties props) {
    Attributes.Builder b = Attributes.builder();
    String service = props.getProperty("otel.service.name");
    if (service == null) {
      service = ProcFs.environ(pid, "OTEL_SERVICE_NAME");
    }
    if (service != null && !service.isEmpty()) {
      b.put("service.name", service);
    }
    b.put(JvmMetrics.PID, pid);
    String command = props.getProperty("sun.java.command", "");
    int sp = command.indexOf(' ');
    b.put(JvmMetrics.COMMAND, sp < 0 ? command : command.substring(0, sp));
    b.put(JvmMetrics.RUNTIME_VERSION, props.getProperty("java.version", ""));
    b.put("process.runtime.name", props.getProperty("java.vm.name", ""));
    List<String> runtimes = AiRuntimes.detect(ProcFs.mappedFiles(pid),
        props.getProperty("java.class.path", "") + " " + command);
    if (!runtimes.isEmpty()) {
      b.put("traceguard.ai.runtimes", String.join(",", runtimes));
    }
    return new Resource(b.build());
  }

  private final Set<String> declared = new HashSet<>();

  private void record(MetricStore store, Resource resource, Snapshot s, long index) {
    for (Snapshot.Point p : s.points()) {
      if (declared.add(p.name())) {
        store.declare(new MetricFamily(p.name(), p.counter() ? MetricType.COUNTER : MetricType.GAUGE, p.unit(), ""));
      }
      MetricSeries series = store.series(p.name(), p.name(), p.labels(), resource, 0, index);
      if (series != null) {
        store.add(series, s.time(), p.value());
      }
    }
  }

  private void table(PrintWriter o, Properties props, List<Snapshot> samples, Report report, Map<String, Object> jfr,
      boolean live, double seconds, boolean jfrSaved) {
    Snapshot last = samples.get(samples.size() - 1);
    Snapshot first = samples.get(0);
    if (!live || duration.isZero()) {
      String header = String.format(Locale.ROOT, "traceguard profile  pid %d  %s  Java %s  %.1f s, %d samples", pid,
          props.getProperty("sun.java.command", "").split(" ")[0], props.getProperty("java.version", "?"), seconds, samples.size());
      if (!duration.isZero()) {
        o.println();
      }
      for (String l : ProfileView.block(header, last, samples.size() > 1 ? samples.get(samples.size() - 2) : null, null)) {
        o.println(l);
      }
    }
    if (samples.size() > 1) {
      o.printf(Locale.ROOT, "window    heap %s -> %s   direct %s -> %s   RSS %s -> %s   GC %s of the time%n",
          ProfileView.bytes(first.sum(JvmMetrics.HEAP_USED)), ProfileView.bytes(last.sum(JvmMetrics.HEAP_USED)),
          ProfileView.bytes(first.get(JvmMetrics.BUFFER_USED, JvmMetrics.BUFFER_POOL, "direct")),
          ProfileView.bytes(last.get(JvmMetrics.BUFFER_USED, JvmMetrics.BUFFER_POOL, "direct")),
          ProfileView.bytes(first.sum(JvmMetrics.RSS)), ProfileView.bytes(last.sum(JvmMetrics.RSS)),
          ProfileView.pct(ProfileView.rate(first, last, JvmMetrics.GC_TIME)));
    }
    if (jfr != null) {
      o.printf(Locale.ROOT, "JFR       %s events, GC pauses %.1f ms, safepoints %.1f ms, sampled allocation %s, old-object samples %s%n",
          jfr.get("events"), ((Number) jfr.get("gcPauseSeconds")).doubleValue() * 1000,
          ((Number) jfr.get("safepointSeconds")).doubleValue() * 1000,
          ProfileView.bytes(((Number) jfr.get("allocationSampledBytes")).doubleValue()), jfr.get("oldObjectSamples"));
    }
    if (gpuAgent != null) {
      gpuAgent.table().forEach(o::println);
    }
    for (String n : new LinkedHashSet<>(notes)) {
      o.println("note: " + n);
    }
    if (out != null) {
      o.println("samples written to " + out + " (traceguard analyze " + out + ")");
    }
    if (jfrSaved) {
      o.println("JFR recording written to " + jfrFile);
    }
    o.println();
    if (report.findings().isEmpty()) {
      o.println("No findings.");
      return;
    }
    o.println("Findings");
    boolean color = Terminal.colorAllowed();
    for (Finding f : report.findings()) {
      String sev = String.format("%-8s", f.severity().id());
      if (color) {
        sev = (f.severity() == Severity.ERROR ? "\u001b[31m" : f.severity() == Severity.WARNING ? "\u001b[33m" : "\u001b[36m")
            + sev + "\u001b[0m";
      }
      o.printf("  %s %-26s %s%n", sev, f.rule(), f.message());
      o.printf("           fix: %s%n", f.hint());
    }
  }

  private void json(PrintWriter o, Properties props, List<Snapshot> samples, Report report, Map<String, Object> jfr,
      Instant started, double seconds) throws IOException {
    try (JsonGenerator g = new JsonFactory().createGenerator(o)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeObjectFieldStart("tool");
      g.writeStringField("name", "traceguard");
      g.writeStringField("version", Version.version());
      g.writeEndObject();
      g.writeObjectFieldStart("target");
      g.writeNumberField("pid", pid);
      g.writeStringField("main", props.getProperty("sun.java.command", "").split(" ")[0]);
      g.writeStringField("javaVersion", props.getProperty("java.version", ""));
      g.writeStringField("vmName", props.getProperty("java.vm.name", ""));
      g.writeEndObject();
      g.writeObjectFieldStart("window");
      g.writeStringField("start", started.toString());
      g.writeNumberField("seconds", Math.round(seconds * 1000) / 1000.0);
      g.writeNumberField("samples", samples.size());
      g.writeNumberField("intervalSeconds", interval.toMillis() / 1000.0);
      g.writeEndObject();
      g.writeObjectFieldStart("latest");
      Map<String, List<Snapshot.Point>> byName = new LinkedHashMap<>();
      for (Snapshot.Point p : samples.get(samples.size() - 1).points()) {
        byName.computeIfAbsent(p.name(), k -> new ArrayList<>()).add(p);
      }
      for (Map.Entry<String, List<Snapshot.Point>> e : byName.entrySet()) {
        List<Snapshot.Point> ps = e.getValue();
        if (ps.size() == 1 && ps.get(0).labels().size() == 0) {
          g.writeNumberField(e.getKey(), ps.get(0).value());
          continue;
        }
        g.writeArrayFieldStart(e.getKey());
        for (Snapshot.Point p : ps) {
          g.writeStartObject();
          g.writeObjectFieldStart("attributes");
          for (Map.Entry<String, String> a : p.labels().asMap().entrySet()) {
            g.writeStringField(a.getKey(), a.getValue());
          }
          g.writeEndObject();
          g.writeNumberField("value", p.value());
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      g.writeEndObject();
      if (jfr != null) {
        g.writeFieldName("jfr");
        JsonReportWriter.writeValue(g, jfr);
      }
      if (gpuAgent != null) {
        gpuAgent.json(g);
      }
      g.writeArrayFieldStart("notes");
      for (String n : new LinkedHashSet<>(notes)) {
        g.writeString(n);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("findings");
      for (Finding f : report.findings()) {
        JsonReportWriter.writeFinding(g, f);
      }
      g.writeEndArray();
      g.writeObjectFieldStart("summary");
      g.writeNumberField("findings", report.findings().size());
      g.writeNumberField("error", report.count(Severity.ERROR));
      g.writeNumberField("warning", report.count(Severity.WARNING));
      g.writeNumberField("info", report.count(Severity.INFO));
      g.writeEndObject();
      g.writeEndObject();
    }
    o.println();
  }
}
