package dev.traceguard.cli;

import dev.traceguard.commands.ExitCode;
import dev.traceguard.commands.Terminal;
import dev.traceguard.commands.Version;
import dev.traceguard.commands.profile.ProfileCommand;
import dev.traceguard.commands.profile.PsCommand;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The jar's entry point. It answers {@code --version} and {@code ps}, and takes a one-snapshot
 * {@code profile} itself; everything else goes to {@link Main}. It refers to no command-line parser class: picocli's classes are compiled for
 * Java 5, which the class-data archive cannot hold, so each of them is read and verified from the
 * jar on every run, and merely loading {@link Main} loads some. A snapshot is a quick look, and
 * neither should wait for that.
 */
public final class Launch {
  private Launch() {}

  /** Runs traceguard and exits with its exit code. */
  public static void main(String[] args) {
    Terminal.interactive(System.console() != null);
    Terminal.stderrTerminal(stderrIsTerminal());
    PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    Integer quick = quick(out, err, args);
    // Main (and with it the parser) is loaded only here.
    int code = quick != null ? quick : Main.parse(out, err, args);
    out.flush();
    err.flush();
    if (Boolean.getBoolean("traceguard.cds.training")) {
      Main.train();
    }
    System.exit(code);
  }

  /**
   * What runs without the command-line parser: {@code --version} alone, {@code ps} (with at most
   * its --format) and a one-snapshot {@code profile}. Their output is the same as through the parser
   * ({@code MainTest}, {@code CommandTreeTest}).
   *
   * @return the exit code, or null when {@code args} are for {@link Main}
   */
  static Integer quick(PrintWriter out, PrintWriter err, String... args) {
    if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
      for (String line : Version.lines()) {
        out.println(line);
      }
      out.flush();
      return 0;
    }
    try {
      if (args.length > 0 && args[0].equals("profile")) {
        return ProfileCommand.snapshotWithoutParser(args, out, err);
      }
      if (args.length > 0 && args[0].equals("ps")) {
        return PsCommand.listWithoutParser(args, out);
      }
    } catch (IOException | RuntimeException e) {
      return internalError(err, e, verbose(args));
    }
    return null;
  }

  static boolean verbose(String... args) {
    for (String a : args) {
      if (a.equals("-v") || a.equals("--verbose")) {
        return true;
      }
    }
    return false;
  }

  /** One line for a bug (a stack trace too with --verbose), and its exit status. */
  static int internalError(PrintWriter err, Exception ex, boolean showStack) {
    err.println("traceguard: internal error: " + ex + (showStack ? "" : " (run with --verbose for details)"));
    if (showStack) {
      ex.printStackTrace(err);
    }
    err.flush();
    return ExitCode.INTERNAL.code();
  }

  /** Whether standard error is a terminal; Linux tells through /proc, elsewhere assume the console. */
  static boolean stderrIsTerminal() {
    try {
      Path target = Files.readSymbolicLink(Path.of("/proc/self/fd/2"));
      String t = target.toString();
      return t.startsWith("/dev/pts/") || t.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return System.console() != null;
    }
  }
}
