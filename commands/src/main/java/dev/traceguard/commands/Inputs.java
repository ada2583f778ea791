package dev.traceguard.commands;

import dev.traceguard.analyzers.io.DumpReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Turns the DUMP arguments of a command into the inputs to read: files as given, {@code -} for
 * standard input, and directories walked recursively (hidden entries skipped) for the files whose
 * content looks like a dump ({@link DumpReader#probe}); the other files of a directory, such as a
 * README or a script, are passed over and listed in {@link #passedOver()}.
 */
public final class Inputs {
  /** The name standing for standard input. */
  public static final String STDIN = "-";

  private final List<String> inputs = new ArrayList<>();
  private final Set<String> seen = new HashSet<>();
  private final List<String> passedOver = new ArrayList<>();
  private final List<String> emptyDirectories = new ArrayList<>();

  private Inputs() {}

  /** Expands {@code args} in order; a file named twice is read once. */
  public static Inputs expand(List<String> args) {
    Inputs in = new Inputs();
    for (String a : args) {
      if (a.equals(STDIN)) {
        in.inputs.add(a);
        continue;
      }
      Path p = Path.of(a);
      if (!Files.isDirectory(p)) {
        in.add(a);
        continue;
      }
      List<Path> files;
      try (Stream<Path> walk = Files.walk(p, FileVisitOption.FOLLOW_LINKS)) {
        files = walk.filter(f -> !hidden(p, f) && Files.isRegularFile(f)).sorted().toList();
      } catch (IOException | UncheckedIOException e) {
        in.add(a);
        continue;
      }
      int before = in.inputs.size();
      for (Path f : files) {
        if (DumpReader.probe(f) != null) {
          in.add(f.toString());
        } else {
          in.passedOver.add(f.toString());
        }
      }
      if (in.inputs.size() == before) {
        in.emptyDirectories.add(a);
      }
    }
    return in;
  }

  private void add(String name) {
    if (seen.add(name)) {
      inputs.add(name);
    }
  }

  private static boolean hidden(Path root, Path f) {
    for (Path part : root.relativize(f)) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  /** What to read, in order: paths and {@code -}. */
  public List<String> inputs() {
    return inputs;
  }

  /** Files inside the directories given that do not look like dumps. */
  public List<String> passedOver() {
    return passedOver;
  }

  /** Directories given that hold no dump. */
  public List<String> emptyDirectories() {
    return emptyDirectories;
  }
}
