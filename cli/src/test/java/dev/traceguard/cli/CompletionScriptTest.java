package dev.traceguard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed completion scripts, sourced in a real bash and a real zsh. */
class CompletionScriptTest {
  static final Path BASH_SCRIPT = GeneratedFilesTest.ROOT.resolve("completions/traceguard.bash");
  static final Path ZSH_SCRIPT = GeneratedFilesTest.ROOT.resolve("completions/traceguard.zsh");

  @TempDir Path dir;

  /** Partial command lines (the last word is the one being completed) and what must be offered. */
  static final Map<String, List<String>> CASES = new LinkedHashMap<>();

  static {
    CASES.put("traceguard|", List.of("analyze", "validate", "ps", "profile", "slo", "replay", "gpu", "shell",
        "completion"));
    CASES.put("traceguard|an", List.of("analyze"));
    CASES.put("traceguard|analyze|--fo", List.of("--format"));
    CASES.put("traceguard|analyze|--format|", List.of("table", "json", "html"));
    CASES.put("traceguard|analyze|--analyzers|", List.of("all", "context", "metrics", "drift", "oom", "jvm", "gpu"));
    CASES.put("traceguard|analyze|--fail-on|w", List.of("warning"));
    CASES.put("traceguard|completion|", List.of("bash", "zsh"));
  }

  @Test
  void bashOffersCommandsOptionsAndValues() throws Exception {
    Path bash = Tools.onPath("bash");
    assumeTrue(bash != null, "bash not installed: bash completion test skipped");
    StringBuilder script = new StringBuilder("source \"$1\"\n"
        + "complete_words() {\n"
        + "  COMP_WORDS=(\"$@\"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\n"
        + "  COMP_LINE=\"$*\"; COMP_POINT=${#COMP_LINE}; COMPREPLY=()\n"
        + "  _complete_traceguard traceguard \"${COMP_WORDS[COMP_CWORD]}\" \"${COMP_WORDS[COMP_CWORD-1]}\" 2>/dev/null\n"
        + "  printf '%s ' \"${COMPREPLY[@]}\"; echo\n"
        + "}\n");
    for (String c : CASES.keySet()) {
      script.append("complete_words");
      for (String w : c.split("\\|", -1)) {
        script.append(" '").append(w).append('\'');
      }
      script.append('\n');
    }
    Path file = dir.resolve("cases.sh");
    Files.writeString(file, script, StandardCharsets.UTF_8);
    Process p = new ProcessBuilder(bash.toString(), "--norc", "--noprofile", file.toString(),
        BASH_SCRIPT.toAbsolutePath().toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    String[] lines = out.split("\n");
    int i = 0;
    for (Map.Entry<String, List<String>> e : CASES.entrySet()) {
      List<String> offered = List.of(lines[i++].trim().split(" +"));
      assertThat(offered).as(e.getKey().replace('|', ' ')).containsExactlyInAnyOrderElementsOf(e.getValue());
    }
  }

  @Test
  void zshOffersThemInItsLineEditor() throws Exception {
    Path zsh = Tools.onPath("zsh");
    assumeTrue(zsh != null, "zsh not installed (Debian package zsh): zsh completion test skipped");
    String init = "autoload -U compinit && compinit -u -d " + dir.resolve("zcompdump") + " && source "
        + ZSH_SCRIPT.toAbsolutePath() + " && PS1='zsh%% ' && echo READY";
    try (Tmux t = Tmux.start(dir, 160, 40, "env -i TERM=xterm PATH=/usr/bin:/bin HOME=" + dir + " " + zsh + " -f")) {
      t.type(init);
      t.press("Enter");
      t.waitFor("\nREADY", Duration.ofSeconds(60));
      t.type("traceguard an");
      t.press("Tab");
      t.waitFor("zsh% traceguard analyze ", Duration.ofSeconds(20));
      t.type("--format ");
      t.press("Tab");
      String s = t.waitFor("table", Duration.ofSeconds(20));
      assertThat(s).contains("html", "json");
      t.press("C-u");
      t.type("traceguard analyze --analyzers ");
      t.press("Tab");
      t.waitFor("context", Duration.ofSeconds(20));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
