package dev.traceguard.cli;

import dev.traceguard.commands.CompletionCommand;
import dev.traceguard.commands.ExitCode;
import dev.traceguard.commands.Terminal;
import dev.traceguard.commands.VersionProvider;
import dev.traceguard.commands.profile.ProfileCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CancellationException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/** Entry point. {@link #run} is the whole CLI without exiting, for tests and embedding. */
public final class Main {
  private Main() {}

  /** Runs traceguard and exits with its exit code (as {@link Launch}, the jar's entry point, does). */
  public static void main(String[] args) {
    Launch.main(args);
  }

  /** What the launcher's class-data archive training adds after its run: the snapshot path and every class. */
  static void train() {
    trainSnapshot();
    loadOwnClasses();
  }

  /**
   * Takes one snapshot of this JVM, output discarded, so that a class-data archive dumped at exit
   * also holds the JDK's attach and performance-data classes and the lambdas of that path (a quick
   * look is what most wants a quick start). Needs -Djdk.attach.allowAttachSelf=true; without it,
   * or on any failure, the archive goes without them.
   */
  static void trainSnapshot() {
    if (!Boolean.getBoolean("jdk.attach.allowAttachSelf")) {
      return;
    }
    try {
      PrintWriter none = new PrintWriter(java.io.Writer.nullWriter());
      for (String format : new String[] {"table", "json"}) {
        ProfileCommand.snapshotWithoutParser(new String[] {"profile", "--pid", Long.toString(ProcessHandle.current().pid()),
            "--duration", "0", "--format", format, "--fail-on", "never"}, none, none);
      }
    } catch (RuntimeException | LinkageError e) {
      // No training on this path: the archive holds what the other runs used.
    }
  }

  /**
   * Loads every traceguard class in the jar (without initializing it), so that a class-data
   * archive dumped at exit (-XX:ArchiveClassesAtExit, as the launcher does once per build) holds
   * all of them, not only those the dumping run happened to use.
   */
  static void loadOwnClasses() {
    try {
      Path jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (!Files.isRegularFile(jar)) {
        return;
      }
      try (java.util.jar.JarFile f = new java.util.jar.JarFile(jar.toFile())) {
        for (java.util.Enumeration<java.util.jar.JarEntry> e = f.entries(); e.hasMoreElements(); ) {
          String n = e.nextElement().getName();
          if (n.startsWith("dev/traceguard/") && n.endsWith(".class") && !n.contains("-")) {
            try {
              Class.forName(n.substring(0, n.length() - 6).replace('/', '.'), false, Main.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError ex) {
              // Not loadable here (an optional dependency missing): the archive goes without it.
            }
          }
        }
      }
    } catch (IOException | java.net.URISyntaxException | RuntimeException e) {
      // No archive training: the archive holds what the run used.
    }
  }

  /**
   * Runs traceguard with {@code args}, writing to {@code out} and {@code err}.
   *
   * @return the exit code
   */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    Integer quick = Launch.quick(out, err, args);
    return quick != null ? quick : parse(out, err, args);
  }

  /** Runs {@code args} through the command-line parser (what {@link Launch#quick} does not answer). */
  static int parse(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = commandLine(args);
    cl.setOut(out);
    cl.setErr(err);
    configure(cl, args);
    try {
      return cl.execute(args);
    } catch (OutOfMemoryError e) {
      // Thrown past picocli's handlers (it is an Error): one line that says what to do instead.
      err.println("traceguard: out of memory: the input needs more than the " + (Runtime.getRuntime().maxMemory() >> 20)
          + " MiB Java heap; give it more, e.g. JAVA_OPTS=-Xmx4g ./traceguard ..., or read fewer files at once");
      err.flush();
      return ExitCode.INTERNAL.code();
    }
  }

  /**
   * Installs the error handlers: one line for usage errors and internal errors (a stack trace only
   * with --verbose among {@code args}), "cancelled" for a command stopped by Ctrl-C.
   */
  static void configure(CommandLine cl, String... args) {
    boolean showStack = Launch.verbose(args);
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          PrintWriter e = commandLine.getErr();
          if (ex instanceof CancellationException) {
            e.println("traceguard " + commandLine.getCommandName() + ": cancelled");
            e.flush();
            return CANCELLED;
          }
          return Launch.internalError(e, ex, showStack);
        });
    cl.setParameterExceptionHandler(
        (ex, args2) -> {
          CommandLine c = ex.getCommandLine();
          PrintWriter e = c.getErr();
          e.println("traceguard " + c.getCommandName() + ": " + ex.getMessage());
          if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, e)) {
            e.println("Try 'traceguard " + (c.getParent() == null ? "" : c.getCommandName() + " ") + "--help' for usage.");
          }
          e.flush();
          return ExitCode.USAGE.code();
        });
  }

  /** Exit status of a command cancelled with Ctrl-C (128 + SIGINT, as shells report it). */
  static final int CANCELLED = 130;

  /** The command tree (no side effects: safe for help and completion generation). */
  public static CommandLine commandLine() {
    return configureTree(new CommandLine(new TraceguardCommand()));
  }

  /**
   * The part of the command tree that {@code args} can reach. Building every command's model
   * (picocli reads each command's annotations by reflection) is most of traceguard's start-up, so
   * when the first argument names a command, the root gets that one command alone, and for a
   * lone --version none; the output is the same. The root's own help, the shell and completion
   * need the whole tree and get it.
   */
  static CommandLine commandLine(String... args) {
    if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
      return configureTree(new CommandLine(root()));
    }
    if (args.length > 0) {
      for (Class<?> sub : TraceguardCommand.class.getAnnotation(Command.class).subcommands()) {
        Command c = sub.getAnnotation(Command.class);
        if (c == null || sub == ShellCommand.class || sub == CompletionCommand.class
            || !(c.name().equals(args[0]) || Arrays.asList(c.aliases()).contains(args[0]))) {
          continue;
        }
        try {
          CommandLine cl = new CommandLine(root());
          cl.addSubcommand(c.name(), new CommandLine(sub.getDeclaredConstructor().newInstance()), c.aliases());
          return configureTree(cl);
        } catch (ReflectiveOperationException e) {
          break;
        }
      }
    }
    return commandLine();
  }

  /** The root command without its subcommands: its name, --help and --version. */
  private static CommandSpec root() {
    Command a = TraceguardCommand.class.getAnnotation(Command.class);
    CommandSpec spec = CommandSpec.wrapWithoutInspection(new TraceguardCommand());
    spec.name(a.name());
    spec.mixinStandardHelpOptions(a.mixinStandardHelpOptions());
    spec.versionProvider(new VersionProvider());
    return spec;
  }

  private static CommandLine configureTree(CommandLine cl) {
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setColorScheme(CommandLine.Help.defaultColorScheme(
        Terminal.colorAllowed() ? CommandLine.Help.Ansi.AUTO : CommandLine.Help.Ansi.OFF));
    return cl;
  }
}
