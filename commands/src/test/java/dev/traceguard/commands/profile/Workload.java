package dev.traceguard.commands.profile;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** {@link InferenceWorkload} in its own JVM (same java, same class path), with its output lines. */
final class Workload implements AutoCloseable {
  final Process process;
  final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  /** Every line, in order. */
  final List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Writer stdin;

  private Workload(Process p) {
    this.process = p;
    this.stdin = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String l;
        while ((l = r.readLine()) != null) {
          lines.add(l);
          log.add(l);
        }
      } catch (IOException e) {
        // Process gone.
      }
    }, "workload-output");
    t.setDaemon(true);
    t.start();
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Starts the workload with JVM options and program arguments, and waits for READY. */
  static Workload start(String java, List<String> jvmOptions, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(InferenceWorkload.class.getName());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    Workload w = new Workload(pb.start());
    String ready = w.await("READY", 60);
    if (ready == null) {
      w.close();
      throw new IllegalStateException("workload did not start: " + w.lines);
    }
    return w;
  }

  long pid() {
    return process.pid();
  }

  /** Waits for a line starting with {@code prefix}; null on timeout. */
  String await(String prefix, int seconds) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < end) {
      String l = lines.poll(200, TimeUnit.MILLISECONDS);
      if (l != null && l.startsWith(prefix)) {
        return l;
      }
      if (l == null && !process.isAlive()) {
        return null;
      }
    }
    return null;
  }

  void send(String line) throws IOException {
    stdin.write(line + "\n");
    stdin.flush();
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
