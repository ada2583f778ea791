package dev.traceguard.commands.profile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traceguard.analyzers.AnalysisOptions;
import dev.traceguard.analyzers.Analyzers;
import dev.traceguard.analyzers.io.DumpReader;
import dev.traceguard.analyzers.jvm.JvmAnalyzer;
import dev.traceguard.analyzers.jvm.JvmMetrics;
import dev.traceguard.analyzers.model.InputSummary;
import dev.traceguard.analyzers.model.MetricSeries;
import dev.traceguard.analyzers.model.Telemetry;
import dev.traceguard.analyzers.report.Finding;
import dev.traceguard.commands.ExitCode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code traceguard profile} and {@code ps} against real JVMs: the {@link InferenceWorkload} run as
 * separate processes with this same java. Attaching is slow on a loaded machine, so the positive
 * cases allow a long attach timeout and each JVM serves several assertions.
 */
class ProfileCommandTest {
  private static final long MIB = 1L << 20;
  private static final ExecutorService BACKGROUND = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "profile-under-test");
    t.setDaemon(true);
    return t;
  });

  @TempDir Path dir;

  @AfterAll
  static void stop() {
    BACKGROUND.shutdownNow();
  }

  record Result(int code, String out, String err) {}

  /** Counts sample lines ("t=...") as the command prints them. */
  static final class Lines extends Writer {
    final StringBuilder text = new StringBuilder();
    final CountDownLatch twoSamples;

    Lines() {
      this(2);
    }

    /** Counts down {@code twoSamples} on each of the first {@code samples} sample lines. */
    Lines(int samples) {
      twoSamples = new CountDownLatch(samples);
    }

    @Override
    public synchronized void write(char[] c, int off, int len) {
      for (int i = off; i < off + len; i++) {
        if (c[i] == '\n') {
          int lineStart = text.lastIndexOf("\n") + 1;
          if (text.indexOf("t=", lineStart) == lineStart) {
            twoSamples.countDown();
          }
        }
        text.append(c[i]);
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}

    @Override
    public synchronized String toString() {
      return text.toString();
    }
  }

  static Result run(Writer outWriter, String... args) {
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new ProfileCommand());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setOut(new PrintWriter(outWriter, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Result(code, outWriter.toString(), err.toString());
  }

  static Result run(String... args) {
    return run(new StringWriter(), args);
  }

  private static Telemetry read(Path dump) {
    Telemetry t = new Telemetry();
    InputSummary in = DumpReader.read(dump, t, null);
    assertThat(in.format()).isEqualTo("otlp-json");
    assertThat(in.skipped()).isZero();
    return t;
  }

  private static List<Finding> findings(Telemetry t) {
    return Analyzers.run(List.of(new JvmAnalyzer()), t, AnalysisOptions.defaults(), "test").findings();
  }

  private static MetricSeries direct(Telemetry t) {
    for (MetricSeries s : t.metrics().seriesNamed(JvmMetrics.BUFFER_USED)) {
      if ("direct".equals(s.labels().get(JvmMetrics.BUFFER_POOL))) {
        return s;
      }
    }
    throw new AssertionError("no direct buffer series");
  }

  @Test
  void directBufferGrowthIsMeasuredAndFlaggedAndTheDumpReadsBack() throws Exception {
    try (Workload w = Workload.start(Workload.java(), List.of("-Xmx256m"),
        "--threads", "1", "--pause-us", "2000", "--step-kib", "2048", "--steps", "40", "--step-ms", "200")) {
      long base;
      Path dump = dir.resolve("profile.jsonl");
      Path jfr = dir.resolve("profile.jfr");
      Lines out = new Lines();
      Future<Result> f = BACKGROUND.submit(() -> run(out, "--pid", Long.toString(w.pid()), "-d", "6s", "-i", "250ms",
          "--out", dump.toString(), "--jfr", jfr.toString(), "--attach-timeout", "60s"));
      assertThat(out.twoSamples.await(90, TimeUnit.SECONDS)).as("two samples printed: %s", out).isTrue();
      w.send("grow");
      Result r = f.get(120, TimeUnit.SECONDS);
      assertThat(w.await("GROWN", 60)).isEqualTo("GROWN " + 40 * 2 * MIB);
      // The cache's size over time, as the workload logged it after each step.
      TreeMap<Long, Long> cache = new TreeMap<>();
      cache.put(0L, 0L);
      for (String l : w.log) {
        if (l.startsWith("CACHE ")) {
          String[] p = l.split(" ");
          cache.put(Long.parseLong(p[2]), Long.parseLong(p[1]));
        }
      }
      assertThat(cache).hasSize(41);

      assertThat(r.code()).as(r.err()).isEqualTo(0);
      assertThat(r.out()).contains("native-memory-growth").contains("samples written to " + dump);

      Telemetry t = read(dump);
      MetricSeries d = direct(t);
      assertThat(d.size()).isGreaterThanOrEqualTo(4);
      // Every sample shows the cache the workload had at that moment, plus the JVM's own few small
      // buffers. A sample is stamped when it starts and reads the buffer pools after the memory
      // pools: on a loaded machine that can be seconds later.
      base = (long) d.value(0);
      assertThat(base).isLessThan(2 * MIB);
      for (int i = 0; i < d.size(); i++) {
        long ms = d.time(i) / 1_000_000L;
        double low = cache.floorEntry(ms - 50).getValue();
        double high = cache.floorEntry(ms + 3000).getValue();
        assertThat(d.value(i) - base).as("sample %d at %d; cache log %s", i, ms, cache)
            .isBetween(low - MIB, high + MIB);
      }
      double growth = d.value(d.size() - 1) - d.value(0);
      assertThat(growth).isGreaterThan(16.0 * MIB);
      assertThat(t.metrics().seriesNamed(JvmMetrics.HEAP_LIMIT).get(0).value(0)).isEqualTo(256.0 * MIB);
      assertThat(t.metrics().seriesNamed(JvmMetrics.RSS).get(0).value(0)).isGreaterThan(0);
      double threads = 0;
      for (MetricSeries s : t.metrics().seriesNamed(JvmMetrics.THREAD_COUNT)) {
        threads += s.value(s.size() - 1);
      }
      assertThat(threads).isGreaterThanOrEqualTo(3);
      assertThat(t.metrics().seriesNamed(JvmMetrics.GC_COUNT)).isNotEmpty();
      // CPU: from JFR's jdk.CPULoad and /proc once the stream has a figure, from JMX before.
      MetricSeries cpuTime = t.metrics().seriesNamed(JvmMetrics.CPU_TIME).get(0);
      assertThat(cpuTime.value(cpuTime.size() - 1)).isGreaterThan(cpuTime.value(0)).isGreaterThan(0);
      MetricSeries cpuLoad = t.metrics().seriesNamed(JvmMetrics.CPU_UTILIZATION).get(0);
      assertThat(cpuLoad.size()).isEqualTo(cpuTime.size());
      for (int i = 0; i < cpuLoad.size(); i++) {
        assertThat(cpuLoad.value(i)).isBetween(0.0, 1.0);
      }
      // The last samples' load comes from the JFR stream, whose CPULoad events arrive every period.
      assertThat(cpuLoad.value(cpuLoad.size() - 1)).as("the workload runs a request thread").isGreaterThan(0);

      List<Finding> fs = findings(t);
      Finding g = fs.stream().filter(x -> x.rule().equals("native-memory-growth")).findFirst()
          .orElseThrow(() -> new AssertionError("no native-memory-growth in " + fs + "; direct " + values(d)));
      assertThat(g.subject()).as("%s; direct %s", fs, values(d)).containsEntry("field", "direct-buffers")
          .containsEntry("pid", w.pid());
      assertThat(((Number) g.evidence().get("growthBytes")).doubleValue()).isEqualTo(growth);

      assertThat(jfr).exists();
      List<String> types = new ArrayList<>();
      for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
        types.add(e.getEventType().getName());
        if (e.getEventType().getName().equals("jdk.ObjectAllocationSample")) {
          assertThat(e.getStackTrace()).as("allocation samples are taken without a stack trace").isNull();
        }
      }
      assertThat(types).contains("jdk.CPULoad");
      // Periodic events come every period (settings reach the remote recording), not only at the
      // recording's start and end; the stream's stack traces are off.
      assertThat(types.stream().filter("jdk.CPULoad"::equals).count()).as("CPULoad events in 6 s at 250 ms").isGreaterThan(8);
    }
  }

  private static List<String> values(MetricSeries s) {
    List<String> v = new ArrayList<>();
    for (int i = 0; i < s.size(); i++) {
      v.add(s.time(i) / 1_000_000L + "=" + (long) s.value(i));
    }
    return v;
  }

  /** Whether /proc/PID/net/unix names the target's attach socket (it names no path in some sandboxes). */
  static boolean socketPathsListed(long pid) {
    try {
      return Files.readAllLines(Path.of("/proc", Long.toString(pid), "net", "unix")).stream()
          .anyMatch(l -> l.endsWith("/.java_pid" + pid));
    } catch (java.io.IOException | RuntimeException e) {
      return false;
    }
  }

  @Test
  void aTargetKilledAsItsJfrRecordingIsSavedEndsTheRunWithoutAHang() throws Exception {
    try (Workload w = Workload.start(Workload.java(), List.of("-Xmx128m"), "--threads", "1", "--pause-us", "2000")) {
      Path jfr = dir.resolve("killed.jfr");
      Lines out = new Lines(5);
      Future<Result> f = BACKGROUND.submit(() -> run(out, "--pid", Long.toString(w.pid()), "-d", "2s", "-i", "500ms",
          "--jfr", jfr.toString(), "--attach-timeout", "60s"));
      assertThat(out.twoSamples.await(90, TimeUnit.SECONDS)).as("five samples printed: %s", out).isTrue();
      // The last sample is out: the recording is being saved now, or is about to be. The JDK's dump
      // waits for the stream's last chunk without a limit, and a dead target never sends it.
      long started = System.nanoTime();
      w.process.destroyForcibly();
      Result r = f.get(60, TimeUnit.SECONDS);
      assertThat(System.nanoTime() - started).as("ended soon after the kill").isLessThan(TimeUnit.SECONDS.toNanos(30));
      if (r.code() == ExitCode.TARGET_EXITED.code()) {
        assertThat(r.out()).doesNotContainPattern("(?m)^JFR recording written to")
            .containsPattern("could not save the JFR recording|no JFR recording written|JFR recording in .* is incomplete");
        assertThat(r.err()).contains("exited while");
        assertThat(!Files.exists(jfr) || Files.size(jfr) > 0).as("no empty file left").isTrue();
      } else {
        // The dump was done before the kill: a whole recording.
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("JFR recording written to " + jfr);
        assertThat(RecordingFile.readAllEvents(jfr)).isNotEmpty();
      }
    }
  }

  @Test
  void deadlockIsFoundAndATargetThatExitsKeepsWhatWasCollected() throws Exception {
    try (Workload w = Workload.start(Workload.java(), List.of("-Xmx128m"), "--threads", "1", "--pause-us", "5000",
        "--deadlock")) {
      // A first attach creates the attach socket; a tmp cleaner then deletes the file. The JVM
      // still listens on it, traceguard says so, and a JDK 17 target re-creates it on request.
      Result first = run("--pid", Long.toString(w.pid()), "-d", "0", "--no-jfr", "--attach-timeout", "60s");
      assertThat(first.code()).as(first.err()).isEqualTo(ExitCode.FINDINGS.code());
      assertThat(first.out()).contains("deadlock");
      Path socket = Path.of("/tmp/.java_pid" + w.pid());
      assertThat(socket).exists();
      boolean pathsListed = socketPathsListed(w.pid());
      Files.delete(socket);

      Path dump = dir.resolve("exit.jsonl");
      Lines out = new Lines();
      Future<Result> f = BACKGROUND.submit(() -> run(out, "--pid", Long.toString(w.pid()), "-d", "5m", "-i", "250ms",
          "--out", dump.toString(), "--attach-timeout", "60s", "--no-jfr"));
      assertThat(out.twoSamples.await(90, TimeUnit.SECONDS)).as("two samples printed: %s", out).isTrue();
      long started = System.nanoTime();
      w.process.destroy();
      Result r = f.get(60, TimeUnit.SECONDS);
      assertThat(System.nanoTime() - started).isLessThan(TimeUnit.SECONDS.toNanos(30));
      assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.TARGET_EXITED.code());
      assertThat(r.err()).contains("exited while being profiled").contains("written to " + dump);
      assertThat(r.out()).contains("deadlock").contains("locker-a");
      // Some kernels (and sandboxes such as gVisor) list no socket paths in /proc/PID/net/unix: the
      // deleted socket cannot be noticed there, so the note is only expected where paths are listed.
      if (pathsListed) {
        assertThat(r.out())
            .contains("note: the attach socket /tmp/.java_pid" + w.pid() + " of process " + w.pid() + " was deleted");
      }

      Telemetry t = read(dump);
      assertThat(direct(t).size()).isGreaterThanOrEqualTo(2);
      List<Finding> fs = findings(t);
      assertThat(fs).extracting(Finding::rule).contains("deadlock");
      assertThat(fs.get(0).evidence().get("threads")).isEqualTo(List.of("locker-a", "locker-b"));
    }
  }

  @Test
  void eachAttachFailureHasItsOwnExitCodeAndOneLine() throws Exception {
    // A pid no process has: a child that has exited.
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Result none = run("--pid", Long.toString(gone.pid()), "-d", "0");
    assertThat(none.code()).isEqualTo(ExitCode.NO_SUCH_PROCESS.code());
    assertThat(none.err()).startsWith("traceguard profile: no process with pid " + gone.pid()).doesNotContain("\tat ");

    Process sleep = new ProcessBuilder("sleep", "60").start();
    try {
      Result notJvm = run("--pid", Long.toString(sleep.pid()), "-d", "0");
      assertThat(notJvm.code()).isEqualTo(ExitCode.NOT_A_JVM.code());
      assertThat(notJvm.err()).contains("(sleep) is not a JVM").hasLineCount(1);
    } finally {
      sleep.destroyForcibly();
    }

    try (Workload disabled = Workload.start(Workload.java(), List.of("-Xmx64m", "-XX:+DisableAttachMechanism"),
            "--threads", "1", "--pause-us", "20000");
        Workload stopped = Workload.start(Workload.java(), List.of("-Xmx64m"), "--threads", "1", "--pause-us", "20000")) {
      Result d = run("--pid", Long.toString(disabled.pid()), "-d", "0");
      assertThat(d.code()).isEqualTo(ExitCode.ATTACH_DISABLED.code());
      assertThat(d.err()).contains("-XX:+DisableAttachMechanism").hasLineCount(1);

      // ps still shows it, from its performance data, and says attaching is off.
      StringWriter psOut = new StringWriter();
      CommandLine ps = new CommandLine(new PsCommand());
      ps.setCaseInsensitiveEnumValuesAllowed(true);
      ps.setOut(new PrintWriter(psOut, true));
      assertThat(ps.execute("--format", "json")).isZero();
      String json = psOut.toString();
      int at = json.indexOf("\"pid\" : " + disabled.pid());
      assertThat(at).as(json).isGreaterThan(0);
      String entry = json.substring(at, json.indexOf('}', at));
      assertThat(entry).contains("\"attachable\" : false").contains("\"javaVersion\" : \"" + System.getProperty("java.version") + "\"")
          .contains("InferenceWorkload").contains("\"heapMaxBytes\" : " + 64 * MIB);

      new ProcessBuilder("sh", "-c", "kill -STOP " + stopped.pid()).start().waitFor();
      try {
        Result hung = run("--pid", Long.toString(stopped.pid()), "-d", "0", "--attach-timeout", "1s");
        assertThat(hung.code()).as(hung.err()).isEqualTo(ExitCode.ATTACH_TIMEOUT.code());
        assertThat(hung.err()).contains("did not answer within 1.0 s").contains("stopped").hasLineCount(1);
      } finally {
        new ProcessBuilder("sh", "-c", "kill -CONT " + stopped.pid()).start().waitFor();
      }
    }
  }

  @Test
  void aTargetStoppedMidRunEndsTheRunWithItsOwnCodeAndKeepsTheSamples() throws Exception {
    try (Workload w = Workload.start(Workload.java(), List.of("-Xmx64m"), "--threads", "1", "--pause-us", "5000")) {
      String pid = Long.toString(w.pid());
      Path dump = dir.resolve("stopped.jsonl");
      Lines out = new Lines();
      Future<Result> f = BACKGROUND.submit(() -> run(out, "--pid", pid, "-d", "2m", "-i", "250ms", "--no-jfr",
          "--attach-timeout", "5s", "--out", dump.toString()));
      boolean sampling = out.twoSamples.await(90, TimeUnit.SECONDS);
      if (!sampling && f.isDone()) {
        Result r = f.get();
        Assumptions.assumeTrue(false, "attaching alone took over 5 s on this busy machine: " + r.err());
      }
      assertThat(sampling).as("two samples printed: %s", out).isTrue();
      new ProcessBuilder("kill", "-STOP", pid).start().waitFor();
      try {
        long t = System.nanoTime();
        Result r = f.get(60, TimeUnit.SECONDS);
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t)).as("gave up after the attach timeout")
            .isLessThan(30);
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.ATTACH_TIMEOUT.code());
        assertThat(r.err()).contains("process " + pid + " stopped answering").contains("kill -CONT " + pid)
            .hasLineCount(1);
        assertThat(r.out()).contains("samples written to " + dump);
        assertThat(direct(read(dump)).size()).isGreaterThanOrEqualTo(2);
      } finally {
        new ProcessBuilder("kill", "-CONT", pid).start().waitFor();
      }
    }
  }

  /** A JDK on this machine of another feature release than the one running the tests, or null. */
  private static Path otherJdk() throws IOException {
    Path jvms = Path.of("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) {
      return null;
    }
    String ours = Integer.toString(Runtime.version().feature());
    try (var dirs = Files.list(jvms)) {
      for (Path d : (Iterable<Path>) dirs.sorted()::iterator) {
        Path release = d.resolve("release");
        if (Files.isExecutable(d.resolve("bin/java")) && Files.isRegularFile(release)) {
          for (String l : Files.readAllLines(release)) {
            if (l.startsWith("JAVA_VERSION=") && !l.startsWith("JAVA_VERSION=\"" + ours)
                && !l.startsWith("JAVA_VERSION=\"1.")) {
              return d;
            }
          }
        }
      }
    }
    return null;
  }

  @Test
  void aTargetOnAnotherJdkReleaseIsProfiled() throws Exception {
    Path jdk = otherJdk();
    Assumptions.assumeTrue(jdk != null, "no JDK of another release than " + Runtime.version().feature()
        + " under /usr/lib/jvm (e.g. Debian openjdk-21-jdk-headless); cross-release attach not tested");
    try (Workload w = Workload.start(jdk.resolve("bin/java").toString(), List.of("-Xmx96m"), "--threads", "1",
        "--pause-us", "5000")) {
      Result r = run("--pid", Long.toString(w.pid()), "-d", "0", "--no-jfr", "--format", "json", "--attach-timeout", "60s");
      assertThat(r.code()).as(r.err()).isZero();
      String version = Files.readAllLines(jdk.resolve("release")).stream().filter(l -> l.startsWith("JAVA_VERSION="))
          .findFirst().orElseThrow().replace("JAVA_VERSION=", "").replace("\"", "");
      assertThat(r.out()).contains("\"javaVersion\" : \"" + version).contains("\"jvm.heap.limit\" : " + 96.0 * MIB);
    }
  }

  @Test
  void usageErrorsAreOneLine() throws IOException {
    assertThat(run("--pid", "1", "-i", "10ms").code()).isEqualTo(ExitCode.USAGE.code());
    Result bad = run("--pid", Long.toString(ProcessHandle.current().pid()), "-d", "0");
    assertThat(bad.code()).isEqualTo(ExitCode.USAGE.code());
    assertThat(bad.err()).contains("is traceguard itself");
    Result dirMissing = run("--pid", "1", "--out", dir.resolve("no/such/dir/x.jsonl").toString());
    assertThat(dirMissing.code()).isEqualTo(ExitCode.USAGE.code());
    assertThat(dirMissing.err()).contains("does not exist");
  }
}
