package dev.traceguard.commands.profile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.traceguard.analyzers.gpu.GpuAgentMetrics;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code profile --gpu} against a real JVM ({@link GpuTargetWorkload}) that has JCuda on its class
 * path and nothing of traceguard, on a machine without a CUDA driver: the agent jar is loaded into
 * it, its probe says no CUDA driver, the profile completes as usual, and the agent removes itself
 * (when profile ends, or when its lease runs out) without leaving files behind.
 */
class ProfileGpuTest {
  @TempDir Path dir;

  /** The workload JVM with its standard input and output. */
  static final class Target implements AutoCloseable {
    final Process process;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final Writer stdin;

    Target() throws IOException, InterruptedException {
      this(true);
    }

    Target(boolean withJCuda) throws IOException, InterruptedException {
      String cp = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
          .filter(e -> Path.of(e).getFileName().toString().startsWith("jcuda"))
          .collect(Collectors.joining(File.pathSeparator));
      assertThat(cp).as("JCuda jars on the test class path").contains("jcuda-12");
      if (!withJCuda) {
        cp = "";
      }
      String testClasses;
      try {
        testClasses = Path.of(GpuTargetWorkload.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .toString();
      } catch (java.net.URISyntaxException e) {
        throw new IOException(e);
      }
      ProcessBuilder pb = new ProcessBuilder(Workload.java(), "-Xmx64m", "-cp",
          cp.isEmpty() ? testClasses : cp + File.pathSeparator + testClasses,
          GpuTargetWorkload.class.getName()).redirectErrorStream(true);
      pb.environment().remove("JAVA_TOOL_OPTIONS");
      process = pb.start();
      stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      Thread t = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          String l;
          while ((l = r.readLine()) != null) {
            lines.add(l);
          }
        } catch (IOException e) {
          // gone
        }
      }, "gpu-target-output");
      t.setDaemon(true);
      t.start();
      assertThat(await("READY")).as("workload started").isNotNull();
    }

    String await(String prefix) throws InterruptedException {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < end) {
        String l = lines.poll(200, TimeUnit.MILLISECONDS);
        if (l != null && l.startsWith(prefix)) {
          return l;
        }
      }
      return null;
    }

    String ask(String command, String prefix) throws IOException, InterruptedException {
      stdin.write(command + "\n");
      stdin.flush();
      return await(prefix);
    }

    long pid() {
      return process.pid();
    }

    @Override
    public void close() {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static Set<String> agentFiles() throws IOException {
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("traceguard-gpu-agent-"))
          .collect(Collectors.toSet());
    }
  }

  @SuppressWarnings("unchecked")
  static <T> T at(Object json, String... path) {
    Object o = json;
    for (String k : path) {
      o = ((Map<String, Object>) o).get(k);
    }
    return (T) o;
  }

  static Object parse(String text) throws IOException {
    try (JsonParser p = new JsonFactory().createParser(text)) {
      p.nextToken();
      return value(p);
    }
  }

  private static Object value(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.START_OBJECT) {
      Map<String, Object> m = new LinkedHashMap<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String k = p.currentName();
        p.nextToken();
        m.put(k, value(p));
      }
      return m;
    }
    if (t == JsonToken.START_ARRAY) {
      List<Object> l = new ArrayList<>();
      while (p.nextToken() != JsonToken.END_ARRAY) {
        l.add(value(p));
      }
      return l;
    }
    return switch (t) {
      case VALUE_STRING -> p.getText();
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getNumberValue();
      case VALUE_TRUE -> true;
      case VALUE_FALSE -> false;
      default -> null;
    };
  }

  @Test
  void agentLoadsSaysNoDriverAndLeavesWhenProfileEnds() throws Exception {
    Set<String> filesBefore = agentFiles();
    try (Target w = new Target()) {
      assertThat(w.ask("agent", "AGENT")).isEqualTo("AGENT false");
      Path dump = dir.resolve("gpu.jsonl");
      ProfileCommandTest.Result r = ProfileCommandTest.run("--pid", Long.toString(w.pid()), "--gpu", "--duration", "2s",
          "--interval", "500ms", "--format", "json", "--out", dump.toString(), "--attach-timeout", "60s");
      assertThat(r.code()).as(r.err() + r.out()).isZero();
      Object json = parse(r.out());
      // The usual profile output is all there.
      assertThat(ProfileGpuTest.<Number>at(json, "target", "pid").longValue()).isEqualTo(w.pid());
      assertThat(ProfileGpuTest.<Number>at(json, "window", "samples").intValue()).isGreaterThanOrEqualTo(3);
      assertThat(ProfileGpuTest.<Map<String, Object>>at(json, "latest")).containsKey("jvm.heap.used");
      assertThat(ProfileGpuTest.<List<Object>>at(json, "findings")).isNotNull();
      // The agent was loaded and said why it times nothing; it was removed at the end.
      assertThat(ProfileGpuTest.<Boolean>at(json, "gpu", "agentLoaded")).isTrue();
      assertThat(ProfileGpuTest.<String>at(json, "gpu", "state")).isEqualTo("unavailable");
      assertThat(ProfileGpuTest.<String>at(json, "gpu", "status")).startsWith("no CUDA driver found (");
      assertThat(ProfileGpuTest.<Boolean>at(json, "gpu", "agentRemoved")).isTrue();
      assertThat(Files.readString(dump)).contains("jvm.heap.used").doesNotContain(GpuAgentMetrics.KERNEL_LAUNCHES);
      // In the target: the agent's classes came with the agent jar (nothing of traceguard is on its
      // class path), and its MBean is gone.
      assertThat(w.ask("agent", "AGENT")).isEqualTo("AGENT true");
      assertThat(w.ask("mbean", "MBEAN")).isEqualTo("MBEAN false");

      // Loading it a second time works the same (the classes are there already), as a table.
      ProfileCommandTest.Result again = ProfileCommandTest.run("--pid", Long.toString(w.pid()), "--gpu", "--duration",
          "0", "--no-jfr", "--attach-timeout", "60s");
      assertThat(again.code()).as(again.err()).isZero();
      assertThat(again.out()).contains("GPU       no kernel timing in process " + w.pid() + ": no CUDA driver found")
          .contains("agent removed from the target").contains("heap");
      assertThat(w.ask("mbean", "MBEAN")).isEqualTo("MBEAN false");
    }
    assertThat(agentFiles()).as("temporary agent jars left").isSubsetOf(filesBefore);
  }

  @Test
  void agentRemovesItselfWhenItsLeaseRunsOutAndALoadWhileRunningKeepsOne() throws Exception {
    try (Target w = new Target(); JvmConnection c = JvmConnection.open(w.pid(), Duration.ofSeconds(60))) {
      List<String> notes = new ArrayList<>();
      GpuAgentSession first = GpuAgentSession.load(c, c.properties(), Duration.ofSeconds(60), Duration.ofSeconds(60),
          notes);
      assertThat(first.loadFailure()).as("%s", notes).isNull();
      assertThat(w.ask("mbean", "MBEAN")).isEqualTo("MBEAN true");
      // A second load while it runs keeps the running agent and only takes the new lease (here
      // short): unread, it then removes itself.
      GpuAgentSession second = GpuAgentSession.load(c, c.properties(), Duration.ofMillis(300), Duration.ofSeconds(60),
          notes);
      assertThat(second.loadFailure()).isNull();
      Snapshot s = new Snapshot(1);
      second.sample(s);
      assertThat(second.last().state()).isEqualTo("unavailable");
      assertThat(s.points()).as("no kernel figures without a driver").isEmpty();
      String m = null;
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (System.nanoTime() < end) {
        Thread.sleep(200);
        m = w.ask("mbean", "MBEAN");
        if ("MBEAN false".equals(m)) {
          break;
        }
      }
      assertThat(m).as("removed after its lease").isEqualTo("MBEAN false");
      Snapshot later = new Snapshot(2);
      first.sample(later);
      assertThat(notes).anyMatch(n -> n.contains("MBean disappeared"));
      first.close();
      assertThat(first.removed()).isTrue();
    }
  }

  @Test
  void aJvmWithoutJCudaIsProfiledAsUsualAndTheReasonShown() throws Exception {
    try (Target w = new Target(false)) {
      ProfileCommandTest.Result r = ProfileCommandTest.run("--pid", Long.toString(w.pid()), "--gpu", "--duration", "0",
          "--no-jfr", "--attach-timeout", "60s");
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out()).contains("GPU       no kernel timing in process " + w.pid() + ": no JCuda in this JVM")
          .contains("agent removed from the target");
      assertThat(w.ask("mbean", "MBEAN")).isEqualTo("MBEAN false");
    }
  }
}
