package dev.traceguard.commands.profile;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * GPU memory used by one process, per device. The only source here is {@code nvidia-smi} when it is
 * on the PATH (NVML reports host pids, even for processes in containers); without it this reports
 * nothing. A richer source (the gpu module) can replace {@link #nvidiaSmi()} behind the same
 * interface.
 */
interface GpuMemory {
  /** Bytes per device id used by {@code pid}; empty when unknown. */
  Map<String, Long> bytesByDevice(long pid);

  /** No GPU information. */
  GpuMemory NONE = pid -> Map.of();

  /** nvidia-smi's compute-apps query when the command exists, else {@link #NONE}. */
  static GpuMemory nvidiaSmi() {
    String path = System.getenv("PATH");
    if (path == null) {
      return NONE;
    }
    for (String dir : path.split(":")) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, "nvidia-smi");
      if (Files.isExecutable(p)) {
        return new NvidiaSmi(p.toString());
      }
    }
    return NONE;
  }

  /** Runs {@code nvidia-smi --query-compute-apps}; gives up for good after a failure. */
  final class NvidiaSmi implements GpuMemory {
    private final String command;
    private volatile boolean broken;

    NvidiaSmi(String command) {
      this.command = command;
    }

    @Override
    public Map<String, Long> bytesByDevice(long pid) {
      Map<String, Long> out = new LinkedHashMap<>();
      if (broken) {
        return out;
      }
      try {
        Process p = new ProcessBuilder(command, "--query-compute-apps=pid,gpu_uuid,used_memory",
            "--format=csv,noheader,nounits").redirectErrorStream(true).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            String[] f = line.split(",\\s*");
            if (f.length == 3 && f[0].trim().equals(Long.toString(pid))) {
              try {
                out.merge(f[1].trim(), Long.parseLong(f[2].trim()) << 20, Long::sum);
              } catch (NumberFormatException e) {
                // "[N/A]" without permission: nothing to report.
              }
            }
          }
        }
        if (!p.waitFor(2, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          broken = true;
        } else if (p.exitValue() != 0) {
          broken = true;
        }
      } catch (IOException e) {
        broken = true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return out;
    }
  }
}
