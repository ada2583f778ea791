package dev.traceguard.gpu;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Per-process GPU memory from {@code nvidia-smi --query-compute-apps=pid,used_memory --format=csv}.
 * JCuda has no NVML binding, so this is the one place traceguard asks another program.
 */
public final class NvidiaSmi {
  /** The arguments traceguard runs nvidia-smi with. */
  public static final List<String> COMMAND =
      List.of("nvidia-smi", "--query-compute-apps=pid,used_memory", "--format=csv");

  /**
   * What nvidia-smi said.
   *
   * @param available whether nvidia-smi ran and answered
   * @param processes the compute processes listed
   * @param note why nothing is listed, or a caveat about the pids; empty when none
   */
  public record Result(boolean available, List<ProcessMemory> processes, String note) {}

  private NvidiaSmi() {}

  /** Runs nvidia-smi (when on the PATH) with a time limit and parses its answer. */
  public static Result query(Duration timeout) {
    Process p;
    try {
      p = new ProcessBuilder(COMMAND).redirectErrorStream(true).start();
    } catch (IOException e) {
      return new Result(false, List.of(), "nvidia-smi not found; per-process GPU memory is not available");
    }
    try (InputStream in = p.getInputStream()) {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      byte[] b = new byte[8192];
      long deadline = System.nanoTime() + timeout.toNanos();
      int n;
      while ((n = in.read(b)) >= 0) {
        if (buf.size() < (1 << 20)) {
          buf.write(b, 0, n);
        }
        if (System.nanoTime() > deadline) {
          break;
        }
      }
      if (!p.waitFor(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        return new Result(false, List.of(), "nvidia-smi did not answer within " + timeout.toMillis() + " ms");
      }
      String text = buf.toString(StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        String first = text.strip().lines().findFirst().orElse("");
        return new Result(false, List.of(), "nvidia-smi failed (exit " + p.exitValue() + "): " + first);
      }
      return parse(text, inContainer());
    } catch (IOException e) {
      return new Result(false, List.of(), "nvidia-smi could not be read: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      return new Result(false, List.of(), "interrupted while waiting for nvidia-smi");
    }
  }

  /**
   * Parses nvidia-smi's CSV: a header {@code pid, used_gpu_memory [MiB]}, then one line per
   * process such as {@code 4711, 1536 MiB}; values may be {@code [N/A]}.
   *
   * @param csv the output
   * @param container whether this runs in a container (the pids are then host pids)
   */
  public static Result parse(String csv, boolean container) {
    List<ProcessMemory> out = new ArrayList<>();
    List<String> lines = csv.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    if (lines.isEmpty() || !lines.get(0).toLowerCase(Locale.ROOT).startsWith("pid")) {
      String first = lines.isEmpty() ? "no output" : lines.get(0);
      return new Result(false, List.of(), "nvidia-smi gave no compute-apps table: " + first);
    }
    long unit = unitOf(lines.get(0));
    for (String l : lines.subList(1, lines.size())) {
      if (l.toLowerCase(Locale.ROOT).startsWith("no running")) {
        continue;
      }
      String[] f = l.split(",");
      if (f.length < 2) {
        continue;
      }
      long pid;
      try {
        pid = Long.parseLong(f[0].strip());
      } catch (NumberFormatException e) {
        continue;
      }
      out.add(new ProcessMemory(pid, bytes(f[1].strip(), unit)));
    }
    String note = container
        ? "pids are host pids (this runs in a container, whose own pids differ)"
        : "";
    return new Result(true, List.copyOf(out), note);
  }

  private static long unitOf(String header) {
    String h = header.toLowerCase(Locale.ROOT);
    if (h.contains("[gib]")) {
      return 1L << 30;
    }
    if (h.contains("[kib]")) {
      return 1L << 10;
    }
    if (h.contains("[b]")) {
      return 1;
    }
    return 1L << 20;
  }

  private static long bytes(String v, long headerUnit) {
    String[] parts = v.split("\\s+");
    long unit = headerUnit;
    if (parts.length > 1) {
      unit = switch (parts[1].toLowerCase(Locale.ROOT)) {
        case "gib" -> 1L << 30;
        case "kib" -> 1L << 10;
        case "b" -> 1;
        default -> 1L << 20;
      };
    }
    try {
      return Long.parseLong(parts[0]) * unit;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Whether this process runs in a container (Docker, Podman, Kubernetes). */
  public static boolean inContainer() {
    if (Files.exists(Path.of("/.dockerenv")) || Files.exists(Path.of("/run/.containerenv"))) {
      return true;
    }
    if (System.getenv("KUBERNETES_SERVICE_HOST") != null) {
      return true;
    }
    try {
      String cg = Files.readString(Path.of("/proc/1/cgroup"));
      return cg.contains("docker") || cg.contains("kubepods") || cg.contains("containerd") || cg.contains("libpod");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
