package dev.traceguard.cli;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finding external programs the tests drive (chromium, tmux, bash, zsh). */
final class Tools {
  private Tools() {}

  /** The first of {@code names} found on PATH, or null. */
  static Path onPath(String... names) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String n : names) {
      for (String dir : path.split(File.pathSeparator)) {
        Path p = Path.of(dir, n);
        if (Files.isRegularFile(p) && Files.isExecutable(p)) {
          return p;
        }
      }
    }
    return null;
  }
}
