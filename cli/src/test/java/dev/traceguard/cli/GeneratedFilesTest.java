package dev.traceguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traceguard.commands.CompletionScripts;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * The completion scripts in completions/ and the man pages in docs/man/ are generated from the
 * command tree as it is at build time, and committed. This test fails when they are stale; with
 * {@code -Dtraceguard.regenerate=true} it rewrites them instead:
 *
 * <pre>
 * mvn -q -B -pl cli -am test -Dtest=GeneratedFilesTest -Dsurefire.failIfNoSpecifiedTests=false -Dtraceguard.regenerate=true
 * </pre>
 */
class GeneratedFilesTest {
  static final Path ROOT = Path.of("..");
  static final Path MAN = Path.of("docs", "man");
  static final String REGENERATE =
      "mvn -q -B -pl cli -am test -Dtest=GeneratedFilesTest -Dsurefire.failIfNoSpecifiedTests=false"
          + " -Dtraceguard.regenerate=true";

  /** Every generated file, by its path from the repository root, with its content. */
  static Map<Path, String> generated() {
    Map<Path, String> files = new TreeMap<>();
    CommandLine root = Main.commandLine();
    for (CompletionScripts.Shell shell : CompletionScripts.Shell.values()) {
      files.put(Path.of("completions", shell.fileName()), CompletionScripts.script(shell, root));
    }
    for (CommandLine c : tree(root, new ArrayList<>())) {
      StringWriter sw = new StringWriter();
      try (PrintWriter pw = new PrintWriter(sw)) {
        ManPageGenerator.writeSingleManPage(pw, c.getCommandSpec());
      }
      String name = c.getCommandSpec().qualifiedName("-");
      files.put(MAN.resolve(name + ".adoc"), sw.toString());
    }
    return files;
  }

  static List<CommandLine> tree(CommandLine c, List<CommandLine> out) {
    out.add(c);
    for (CommandLine sub : c.getSubcommands().values()) {
      // Aliases map to the same command: list each once.
      if (!out.contains(sub)) {
        tree(sub, out);
      }
    }
    return out;
  }

  @Test
  void committedCompletionScriptsAndManPagesMatchTheCommandTree() throws IOException {
    Map<Path, String> files = generated();
    List<Path> stale = new ArrayList<>();
    for (Map.Entry<Path, String> e : files.entrySet()) {
      Path p = ROOT.resolve(e.getKey());
      String committed = Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : null;
      if (!e.getValue().equals(committed)) {
        stale.add(e.getKey());
      }
    }
    List<Path> orphaned = new ArrayList<>();
    try (Stream<Path> s = Files.list(ROOT.resolve(MAN))) {
      s.filter(p -> p.toString().endsWith(".adoc"))
          .map(p -> MAN.resolve(p.getFileName()))
          .filter(p -> !files.containsKey(p))
          .forEach(orphaned::add);
    } catch (java.nio.file.NoSuchFileException e) {
      // No man pages yet: every page is stale, listed above.
    }
    if (Boolean.getBoolean("traceguard.regenerate")) {
      for (Path p : stale) {
        Files.createDirectories(ROOT.resolve(p).getParent());
        Files.writeString(ROOT.resolve(p), files.get(p), StandardCharsets.UTF_8);
      }
      for (Path p : orphaned) {
        Files.delete(ROOT.resolve(p));
      }
      return;
    }
    assertThat(stale).as("generated files differ from the command tree; regenerate with: " + REGENERATE).isEmpty();
    assertThat(orphaned).as("man pages of commands that no longer exist; regenerate with: " + REGENERATE).isEmpty();
  }

  @Test
  void completionCommandPrintsTheCommittedScripts() throws IOException {
    for (CompletionScripts.Shell shell : CompletionScripts.Shell.values()) {
      String[] r = TestdataTest.run("completion", shell.name());
      assertThat(r[0]).isEqualTo("0");
      assertThat(r[1]).isEqualTo(generated().get(Path.of("completions", shell.fileName())));
      assertThat(r[1]).contains("complete -F _complete_traceguard");
    }
    String[] bad = TestdataTest.run("completion", "fish");
    assertThat(bad[0]).isEqualTo("2");
    assertThat(bad[2]).contains("fish").contains("bash, zsh");
  }

  /** Every command's --help teaches: a description, an example and the exit codes. */
  @Test
  void everyCommandsHelpHasDescriptionExampleAndExitCodes() {
    for (CommandLine c : tree(Main.commandLine(), new ArrayList<>())) {
      String name = c.getCommandSpec().qualifiedName(" ");
      String[] args = (name.substring("traceguard".length()).trim() + " --help").trim().split(" ");
      String[] r = TestdataTest.run(args);
      assertThat(r[0]).as(name + " --help exit code").isEqualTo("0");
      assertThat(c.getCommandSpec().usageMessage().description()).as(name + " description").isNotEmpty();
      assertThat(r[1]).as(name + " --help").contains("Examples:", "Exit codes:", "  traceguard");
    }
  }
}
