package dev.traceguard.cli;

import dev.traceguard.commands.Terminal;
import dev.traceguard.commands.VersionProvider;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.shell.jline3.PicocliCommands;

/**
 * {@code traceguard shell}: a REPL over the same command tree, with TAB completion of commands,
 * options, option values and file names, history in the home directory, Ctrl-C to cancel the
 * running command and Ctrl-D to leave.
 */
@Command(
    name = "shell",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Start an interactive shell: type traceguard commands without 'traceguard'.",
      "",
      "TAB completes commands, options, option values (formats, analyzer names), file names, and"
          + " running JVMs after --pid. Up/Down and Ctrl-R search the history, kept in"
          + " ~/.traceguard_history. Ctrl-C cancels the running command (or clears the line);"
          + " Ctrl-D or 'exit' leaves. 'help' lists the commands, 'help COMMAND' shows one."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  traceguard shell",
      "  traceguard> analyze --format html -o report.html testdata/broken/",
      "  traceguard> help analyze"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:left with Ctrl-D or exit",
      "2:usage error, or standard input is not a terminal, or already in the shell"
    })
public final class ShellCommand implements java.util.concurrent.Callable<Integer> {
  private static final AtomicBoolean RUNNING = new AtomicBoolean();

  @Spec CommandSpec spec;

  @Option(
      names = "--history",
      paramLabel = "FILE",
      description = "Keep the history in FILE (default: ~/.traceguard_history).")
  Path history;

  /** Used by picocli. */
  public ShellCommand() {}

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    if (!RUNNING.compareAndSet(false, true)) {
      err.println("traceguard shell: already in the shell");
      return 2;
    }
    if (System.console() == null) {
      RUNNING.set(false);
      err.println("traceguard shell: standard input or output is not a terminal; run commands directly"
          + " instead, e.g. traceguard analyze DUMP");
      return 2;
    }
    try (org.jline.terminal.Terminal terminal = TerminalBuilder.builder().name("traceguard").system(true).build()) {
      return loop(terminal);
    } finally {
      RUNNING.set(false);
    }
  }

  private int loop(org.jline.terminal.Terminal terminal) {
    CommandLine tree = Main.commandLine();
    PicocliCommands commands = new PicocliCommands(tree);
    Path historyFile = history != null ? history : Path.of(System.getProperty("user.home"), ".traceguard_history");
    DefaultParser parser = new DefaultParser();
    parser.setEofOnUnclosedQuote(true);
    LineReader reader = LineReaderBuilder.builder()
        .appName("traceguard")
        .terminal(terminal)
        .parser(parser)
        .completer(new ShellCompleter(tree, commands))
        .variable(LineReader.HISTORY_FILE, historyFile)
        .variable(LineReader.HISTORY_SIZE, 1000)
        .variable(LineReader.LIST_MAX, 60)
        .build();
    Terminal.columns(terminal.getWidth());
    PrintWriter out = terminal.writer();
    out.println("traceguard " + VersionProvider.version() + " shell. TAB completes, 'help' lists commands,"
        + " Ctrl-C cancels, Ctrl-D leaves.");
    out.flush();
    ExecutorService worker = newWorker();
    try {
      while (true) {
        String line;
        try {
          line = reader.readLine("traceguard> ");
        } catch (UserInterruptException e) {
          continue;
        } catch (EndOfFileException e) {
          return 0;
        }
        List<String> words = new ArrayList<>(reader.getParsedLine().words());
        words.removeIf(String::isEmpty);
        if (!words.isEmpty() && words.get(0).equals("traceguard")) {
          words.remove(0);
        }
        if (words.isEmpty()) {
          continue;
        }
        String first = words.get(0);
        if (first.equals("exit") || first.equals("quit")) {
          return 0;
        }
        if (first.equals("help")) {
          help(tree, words, out);
          continue;
        }
        if (first.equals("shell")) {
          out.println("already in the shell");
          out.flush();
          continue;
        }
        Terminal.columns(terminal.getWidth());
        if (!execute(terminal, words, worker, line)) {
          // The command ignored the interrupt: leave its thread behind, start a fresh one.
          worker.shutdownNow();
          worker = newWorker();
        }
      }
    } finally {
      worker.shutdownNow();
      try {
        reader.getHistory().save();
      } catch (IOException e) {
        terminal.writer().println("traceguard shell: cannot save history to " + historyFile + ": " + e.getMessage());
      }
    }
  }

  private static ExecutorService newWorker() {
    return Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "traceguard-command");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Runs one command on the worker thread; Ctrl-C interrupts it and stops its output.
   *
   * @return false when the command did not stop after being cancelled
   */
  private static boolean execute(org.jline.terminal.Terminal terminal, List<String> words, ExecutorService worker,
      String line) {
    AtomicBoolean open = new AtomicBoolean(true);
    PrintWriter out = new PrintWriter(new GatedWriter(terminal.writer(), open), true);
    String[] args = words.toArray(new String[0]);
    CommandLine cl = Main.commandLine();
    cl.setOut(out);
    cl.setErr(out);
    Main.configure(cl, args);
    Future<Integer> running = worker.submit(() -> cl.execute(args));
    org.jline.terminal.Terminal.SignalHandler previous =
        terminal.handle(org.jline.terminal.Terminal.Signal.INT, s -> running.cancel(true));
    try {
      try {
        running.get();
        out.flush();
        return true;
      } catch (java.util.concurrent.CancellationException e) {
        open.set(false);
        terminal.writer().println();
        terminal.writer().println("cancelled: " + line.trim());
        terminal.writer().flush();
      } catch (ExecutionException e) {
        terminal.writer().println("traceguard: internal error: " + e.getCause());
        terminal.writer().flush();
        return true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      // Give the command a moment to notice the interrupt and finish.
      try {
        worker.submit(() -> 0).get(2, TimeUnit.SECONDS);
        return true;
      } catch (TimeoutException | ExecutionException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    } finally {
      terminal.handle(org.jline.terminal.Terminal.Signal.INT, previous);
    }
  }

  private static void help(CommandLine tree, List<String> words, PrintWriter out) {
    if (words.size() > 1) {
      CommandLine sub = tree.getSubcommands().get(words.get(1));
      if (sub == null) {
        out.println("no command '" + words.get(1) + "'; commands: " + String.join(", ", tree.getSubcommands().keySet()));
      } else {
        sub.usage(out);
      }
    } else {
      out.println("Commands (TAB completes; 'help COMMAND' for one; Ctrl-D or 'exit' leaves):");
      for (var e : tree.getSubcommands().entrySet()) {
        if (e.getKey().equals("shell")) {
          continue;
        }
        String[] d = e.getValue().getCommandSpec().usageMessage().description();
        out.printf("  %-12s %s%n", e.getKey(), d.length > 0 ? d[0] : "");
      }
    }
    out.flush();
  }

  /** Passes writes through until closed, then drops them: a cancelled command goes quiet. */
  private static final class GatedWriter extends Writer {
    private final Writer target;
    private final AtomicBoolean open;

    GatedWriter(Writer target, AtomicBoolean open) {
      this.target = target;
      this.open = open;
    }

    @Override
    public void write(char[] cbuf, int off, int len) throws IOException {
      if (open.get()) {
        target.write(cbuf, off, len);
      }
    }

    @Override
    public void flush() throws IOException {
      if (open.get()) {
        target.flush();
      }
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
