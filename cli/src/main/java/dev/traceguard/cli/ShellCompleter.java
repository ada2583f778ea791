package dev.traceguard.cli;

import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;
import java.util.ArrayList;
import java.util.List;
import org.jline.builtins.Completers;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import org.jline.reader.impl.completer.SystemCompleter;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.shell.jline3.PicocliCommands;

/**
 * TAB completion in the shell: picocli's completer for commands, options and option values (enum
 * values and declared candidates), file names where a value is free text, running JVMs after
 * {@code --pid}, and the shell's own words ({@code help}, {@code exit}).
 */
final class ShellCompleter implements Completer {
  private static final List<String> BUILTINS = List.of("help", "exit");

  private final SystemCompleter commands;
  private final PicocliCommands registry;
  private final CommandLine tree;
  private final Completer files = new Completers.FileNameCompleter();

  ShellCompleter(CommandLine tree, PicocliCommands registry) {
    this.tree = tree;
    this.registry = registry;
    this.commands = registry.compileCompleters();
    this.commands.compile();
  }

  @Override
  public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
    int index = line.wordIndex();
    String word = line.word();
    if (index == 0) {
      for (String b : BUILTINS) {
        candidates.add(new Candidate(b, b, null, b.equals("help") ? "list the commands" : "leave the shell",
            null, null, true));
      }
      commands.complete(reader, line, candidates);
      return;
    }
    List<String> words = line.words();
    String previous = words.get(index - 1);
    if (previous.equals("--pid")) {
      pids(candidates);
      return;
    }
    if (words.get(0).equals("help")) {
      if (index == 1) {
        for (String c : registry.commandNames()) {
          candidates.add(new Candidate(c));
        }
      }
      return;
    }
    List<Candidate> picked = new ArrayList<>();
    commands.complete(reader, line, picked);
    if (word.startsWith("-")) {
      candidates.addAll(picked);
      return;
    }
    CommandLine command = tree;
    for (int i = 0; i < index; i++) {
      CommandLine sub = command.getSubcommands().get(words.get(i));
      if (sub != null) {
        command = sub;
      }
    }
    OptionSpec option = previous.startsWith("-") ? command.getCommandSpec().findOption(previous) : null;
    if (option != null && option.arity().max() > 0) {
      if (option.completionCandidates() != null) {
        for (String c : option.completionCandidates()) {
          candidates.add(new Candidate(c));
        }
      } else {
        files.complete(reader, line, candidates);
      }
      return;
    }
    // Values an option or parameter declares (formats, analyzer names) win; free text means a path.
    List<Candidate> values = new ArrayList<>();
    for (Candidate c : picked) {
      if (!c.value().startsWith("-")) {
        values.add(c);
      }
    }
    if (!values.isEmpty()) {
      candidates.addAll(values);
    } else {
      files.complete(reader, line, candidates);
    }
  }

  /** Running JVMs this user can attach to, shown with their main class. */
  private static void pids(List<Candidate> candidates) {
    long self = ProcessHandle.current().pid();
    List<VirtualMachineDescriptor> vms;
    try {
      vms = VirtualMachine.list();
    } catch (RuntimeException | LinkageError e) {
      return;
    }
    for (VirtualMachineDescriptor vm : vms) {
      if (vm.id().equals(Long.toString(self))) {
        continue;
      }
      String main = vm.displayName().isEmpty() ? "?" : vm.displayName().split(" ", 2)[0];
      candidates.add(new Candidate(vm.id(), vm.id() + "  " + main, "JVMs", main, null, null, true));
    }
  }
}
