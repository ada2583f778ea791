package dev.traceguard.gpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Whether this machine has the CUDA driver library, found without CUDA: for choosing test paths. */
final class Driver {
  private Driver() {}

  /** Whether libcuda.so.1 is on the library path, the linker cache, or a usual place. */
  static boolean libcudaPresent() {
    List<String> dirs = new ArrayList<>(List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib",
        "/usr/local/nvidia/lib64", "/usr/lib/wsl/lib"));
    String ld = System.getenv("LD_LIBRARY_PATH");
    if (ld != null) {
      dirs.addAll(List.of(ld.split(":")));
    }
    for (String d : dirs) {
      if (!d.isEmpty() && Files.exists(Path.of(d, "libcuda.so.1"))) {
        return true;
      }
    }
    try {
      Process p = new ProcessBuilder("ldconfig", "-p").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(10, TimeUnit.SECONDS);
      return out.contains("libcuda.so.1");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The reason GPU-only tests give when they skip. */
  static String skipReason() {
    return "needs a CUDA device: " + GpuProbe.probe().reason();
  }
}
