package dev.traceguard.commands.profile;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.tools.attach.VirtualMachine;
import dev.traceguard.analyzers.jvm.JvmMetrics;
import dev.traceguard.commands.ExitCode;
import dev.traceguard.commands.profile.ProfileCommandTest.Result;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The one-snapshot way of {@code profile --duration 0} (attach socket and performance data, no
 * JMX agent): its parsers on known text, and real JVMs: what it reads against what JMX reads on
 * the same JVM, that it leaves the target without a management agent, that a stopped target times
 * out, and that a target without performance data is sampled over JMX instead.
 */
class AttachSnapshotTest {
  private static final long MIB = 1L << 20;

  @Test
  void threadDumpGivesStatesAndDeadlockedThreads() {
    String dump = String.join("\n",
        "2026-01-01 00:00:00",
        "Full thread dump OpenJDK 64-Bit Server VM (17.0.15+6 mixed mode, sharing):",
        "",
        "\"main\" #1 prio=5 os_prio=0 cpu=12.00ms elapsed=3.00s tid=0x1 nid=0x2 waiting on condition  [0x3]",
        "   java.lang.Thread.State: TIMED_WAITING (sleeping)",
        "\tat java.lang.Thread.sleep(java.base@17/Native Method)",
        "",
        "\"worker \"1\"\" #14 daemon prio=5 os_prio=0 cpu=1.00ms elapsed=3.00s tid=0x4 nid=0x5 runnable  [0x6]",
        "   java.lang.Thread.State: RUNNABLE",
        "",
        "\"locker-a\" #15 [4242] prio=5 os_prio=0 cpu=0.10ms elapsed=3.00s tid=0x7 nid=0x8 waiting for monitor entry  [0x9]",
        "   java.lang.Thread.State: BLOCKED (on object monitor)",
        "",
        "\"locker-b\" #16 prio=5 os_prio=0 cpu=0.10ms elapsed=3.00s tid=0xa nid=0xb waiting for monitor entry  [0xc]",
        "   java.lang.Thread.State: BLOCKED (on object monitor)",
        "",
        "\"VM Thread\" os_prio=0 cpu=5.00ms elapsed=3.00s tid=0xd nid=0xe runnable",
        "",
        "Found one Java-level deadlock:",
        "=============================",
        "\"locker-a\":",
        "  waiting to lock monitor 0x1 (object 0x2, a java.lang.Object),",
        "  which is held by \"locker-b\"",
        "",
        "\"locker-b\":",
        "  waiting to lock monitor 0x3 (object 0x4, a java.lang.Object),",
        "  which is held by \"locker-a\"",
        "",
        "Java stack information for the threads listed above:",
        "===================================================",
        "\"locker-a\":",
        "\tat Locker.run(Locker.java:1)",
        "",
        "Found 1 deadlock.");
    Snapshot s = new Snapshot(0);
    AttachSnapshot.threadPoints(dump, s);
    assertThat(s.get(JvmMetrics.THREAD_COUNT, JvmMetrics.THREAD_STATE, "runnable")).isEqualTo(1);
    assertThat(s.get(JvmMetrics.THREAD_COUNT, JvmMetrics.THREAD_STATE, "blocked")).isEqualTo(2);
    assertThat(s.get(JvmMetrics.THREAD_COUNT, JvmMetrics.THREAD_STATE, "timed_waiting")).isEqualTo(1);
    assertThat(s.sum(JvmMetrics.THREAD_COUNT)).as("the VM's own threads are not Java threads").isEqualTo(4);
    assertThat(s.named(JvmMetrics.THREAD_DEADLOCKED)).extracting(p -> p.labels().get(JvmMetrics.THREAD_NAME))
        .containsExactly("locker-a", "locker-b");

    Snapshot none = new Snapshot(0);
    AttachSnapshot.threadPoints(dump.substring(0, dump.indexOf("Found one")), none);
    assertThat(none.named(JvmMetrics.THREAD_DEADLOCKED)).isEmpty();
  }

  @Test
  void poolAndCollectorNamesAreTheOnesJmxUses() {
    assertThat(AttachSnapshot.poolName("GarbageFirst", "young", "eden")).isEqualTo("G1 Eden Space");
    assertThat(AttachSnapshot.poolName("GarbageFirst", "young", "s1")).isEqualTo("G1 Survivor Space");
    assertThat(AttachSnapshot.poolName("GarbageFirst", "old", "space")).isEqualTo("G1 Old Gen");
    assertThat(AttachSnapshot.poolName("ParScav:MSC", "old", "space")).isEqualTo("PS Old Gen");
    assertThat(AttachSnapshot.poolName("Copy:MSC", "new", "eden")).isEqualTo("Eden Space");
    assertThat(AttachSnapshot.poolName("Shenandoah", "heap", "space")).isEqualTo("heap space");
    assertThat(AttachSnapshot.collectorName("G1 young collection pauses")).isEqualTo("G1 Young Generation");
    assertThat(AttachSnapshot.collectorName("G1 concurrent cycle pauses")).isEqualTo("G1 concurrent cycle pauses");
  }

  /** The value of the first "name" : number pair after "key" in a profile JSON report. */
  private static double number(String json, String key) {
    int at = json.indexOf("\"" + key + "\" : ");
    assertThat(at).as("%s in %s", key, json).isGreaterThanOrEqualTo(0);
    int from = at + key.length() + 5;
    int to = from;
    while (to < json.length() && "0123456789.E-".indexOf(json.charAt(to)) >= 0) {
      to++;
    }
    return Double.parseDouble(json.substring(from, to));
  }

  @Test
  void aSnapshotReadsWhatJmxReadsAndStartsNoAgentInTheTarget() throws Exception {
    try (Workload w = Workload.start(Workload.java(), List.of("-Xmx96m", "-XX:NativeMemoryTracking=summary"),
        "--threads", "1", "--pause-us", "5000", "--deadlock")) {
      String pid = Long.toString(w.pid());
      Result snap = ProfileCommandTest.run("--pid", pid, "-d", "0", "--format", "json", "--attach-timeout", "60s");
      assertThat(snap.code()).as(snap.err()).isEqualTo(ExitCode.FINDINGS.code());
      String json = snap.out();
      assertThat(json).contains("no JMX agent started").contains("\"rule\" : \"deadlock\"")
          .contains("\"G1 Old Gen\"").contains("\"Metaspace\"").contains("\"jvm.gc.name\" : \"G1 Young Generation\"")
          .contains("\"jvm.native_memory.category\" : \"Java Heap\"").doesNotContain("Native Memory Tracking is off");
      assertThat(number(json, JvmMetrics.HEAP_LIMIT)).isEqualTo(96.0 * MIB);
      assertThat(number(json, JvmMetrics.RSS)).isGreaterThan(0);
      assertThat(number(json, JvmMetrics.CLASS_COUNT)).isGreaterThan(300);

      // The snapshot left the target as jcmd would: no local JMX connector was started.
      VirtualMachine vm = VirtualMachine.attach(pid);
      Properties agent;
      try {
        agent = vm.getAgentProperties();
      } finally {
        vm.detach();
      }
      assertThat(agent).doesNotContainKey("com.sun.management.jmxremote.localConnectorAddress");

      // The same JVM over JMX: the same heap limit and the same pool and collector names.
      Result jmx = ProfileCommandTest.run("--pid", pid, "-d", "150ms", "-i", "100ms", "--no-jfr", "--format", "json",
          "--attach-timeout", "60s");
      assertThat(jmx.code()).as(jmx.err()).isEqualTo(ExitCode.FINDINGS.code());
      assertThat(jmx.out()).doesNotContain("no JMX agent started").contains("\"G1 Old Gen\"").contains("\"Metaspace\"")
          .contains("\"jvm.gc.name\" : \"G1 Young Generation\"").contains("\"jvm.buffer.pool.name\" : \"direct\"");
      assertThat(number(jmx.out(), JvmMetrics.HEAP_LIMIT)).isEqualTo(number(json, JvmMetrics.HEAP_LIMIT));
      // Classes only grow in this workload; the JMX agent loads some more.
      assertThat(number(jmx.out(), JvmMetrics.CLASS_COUNT)).isBetween(number(json, JvmMetrics.CLASS_COUNT),
          number(json, JvmMetrics.CLASS_COUNT) + 3000);
    }
  }

  @Test
  void aStoppedTargetTimesOutWithItsOwnCodeAndATargetWithoutPerfDataIsReadOverJmx() throws Exception {
    try (Workload stopped = Workload.start(Workload.java(), List.of("-Xmx64m"), "--threads", "1", "--pause-us", "20000");
        Workload noPerf = Workload.start(Workload.java(), List.of("-Xmx64m", "-XX:-UsePerfData"), "--threads", "1",
            "--pause-us", "20000")) {
      String pid = Long.toString(stopped.pid());
      Result first = ProfileCommandTest.run("--pid", pid, "-d", "0", "--attach-timeout", "60s");
      assertThat(first.code()).as(first.err()).isZero();
      assertThat(Path.of("/tmp/.java_pid" + pid)).exists();
      // Its attach listener runs and its socket exists: the request is sent, the answer never comes.
      new ProcessBuilder("kill", "-STOP", pid).start().waitFor();
      try {
        long t = System.nanoTime();
        Result hung = ProfileCommandTest.run("--pid", pid, "-d", "0", "--attach-timeout", "1s");
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t);
        assertThat(hung.code()).as(hung.err()).isEqualTo(ExitCode.ATTACH_TIMEOUT.code());
        assertThat(hung.err()).contains("did not answer within 1.0 s").contains("kill -CONT " + pid).hasLineCount(1);
        assertThat(seconds).as("gave up after the attach timeout, not much later").isLessThan(15);
      } finally {
        new ProcessBuilder("kill", "-CONT", pid).start().waitFor();
      }

      Result jmx = ProfileCommandTest.run("--pid", Long.toString(noPerf.pid()), "-d", "0", "--format", "json",
          "--attach-timeout", "60s");
      assertThat(jmx.code()).as(jmx.err()).isZero();
      assertThat(jmx.out()).doesNotContain("no JMX agent started").contains("\"jvm.buffer.pool.name\" : \"direct\"");
      assertThat(number(jmx.out(), JvmMetrics.HEAP_LIMIT)).isEqualTo(64.0 * MIB);
    }
  }
}
