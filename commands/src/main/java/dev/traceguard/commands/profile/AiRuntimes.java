package dev.traceguard.commands.profile;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/** Which AI runtimes a JVM has loaded, from its mapped native libraries and its class path. */
final class AiRuntimes {
  private AiRuntimes() {}

  /** name, native library markers, class path markers. */
  private static final String[][] KNOWN = {
    {"DJL", "libdjl_torch", "ai.djl|/djl-|/api-0.|djl"},
    {"ONNX Runtime", "libonnxruntime", "onnxruntime"},
    {"PyTorch", "libtorch", "pytorch-engine|/torch"},
    {"TensorFlow Java", "libtensorflow", "tensorflow"},
    {"JCuda", "libjcuda", "jcuda"},
    {"CUDA runtime", "libcudart|libcuda.so|libcublas|libnvinfer", ""},
  };

  /**
   * The runtimes detected.
   *
   * @param mapped files mapped into the process (may be null when unreadable)
   * @param classPath the class path and command (may be null)
   */
  static List<String> detect(Collection<String> mapped, String classPath) {
    List<String> found = new ArrayList<>();
    String cp = classPath == null ? "" : classPath.toLowerCase(Locale.ROOT);
    for (String[] k : KNOWN) {
      boolean hit = false;
      if (mapped != null) {
        for (String f : mapped) {
          String file = f.substring(f.lastIndexOf('/') + 1);
          for (String marker : k[1].split("\\|")) {
            if (file.startsWith(marker)) {
              hit = true;
            }
          }
        }
      }
      if (!hit && !k[2].isEmpty()) {
        for (String marker : k[2].split("\\|")) {
          if (cp.contains(marker.toLowerCase(Locale.ROOT))) {
            hit = true;
          }
        }
      }
      if (hit) {
        found.add(k[0]);
      }
    }
    return found;
  }
}
