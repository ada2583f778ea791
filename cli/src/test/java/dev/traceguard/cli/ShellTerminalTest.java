package dev.traceguard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code traceguard shell} in a real terminal (tmux): completion, help, progress, Ctrl-C, history, Ctrl-D. */
class ShellTerminalTest {
  static final Duration START = Duration.ofSeconds(90);
  static final Duration STEP = Duration.ofSeconds(20);

  @TempDir Path dir;

  static String quote(Object s) {
    return "'" + s.toString().replace("'", "'\\''") + "'";
  }

  @Test
  void completesCancelsKeepsHistoryAndLeavesOnCtrlD() throws Exception {
    Path fifo = dir.resolve("slow.jsonl");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assumeTrue(mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0, "mkfifo not available");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    // A writer that keeps the FIFO open and sends nothing: reading it blocks until cancelled.
    String command = "cd " + quote(Path.of("").toAbsolutePath()) + " && (sleep 300 > " + quote(fifo) + " &) ; "
        + quote(java) + " -Duser.home=" + quote(dir) + " -cp " + quote(System.getProperty("java.class.path"))
        + " dev.traceguard.cli.Main shell; echo SHELL-EXIT=$?; sleep 60";
    try (Tmux t = Tmux.start(dir, 160, 50, command)) {
      t.waitFor("traceguard> ", START);

      t.type("ana");
      t.press("Tab");
      t.waitFor("traceguard> analyze ", STEP);
      t.type("--format ");
      t.press("Tab");
      String s = t.waitFor("table", STEP);
      assertThat(s).contains("html", "json");
      t.press("C-u");

      t.type("analyze --analyzers ");
      t.press("Tab");
      t.waitFor("context", STEP);
      t.press("C-u");

      t.type("analyze ../testdata/bro");
      t.press("Tab");
      t.waitFor("traceguard> analyze ../testdata/broken/", STEP);
      t.press("C-u");

      // Running JVMs after --pid: this test's own JVM is one.
      t.type("analyze --pid ");
      t.press("Tab");
      Thread.sleep(1500);
      if (t.screen().contains("possibilities")) {
        t.press("y");
      }
      String pid = Long.toString(ProcessHandle.current().pid());
      assertThat(t.waitFor(pid, STEP)).containsPattern("(?<![0-9])" + pid + "(?![0-9])");
      t.press("C-u");

      t.type("help");
      t.press("Enter");
      t.waitFor("completion ", STEP);

      t.type("analyze " + fifo);
      t.press("Enter");
      // The progress bar: stderr is the terminal.
      t.waitFor("reading ", STEP);
      Thread.sleep(500);
      t.press("C-c");
      t.waitFor("cancelled: analyze " + fifo, STEP);

      t.type("analyze ../testdata/broken/orphan-span.jsonl");
      t.press("Enter");
      s = t.waitFor("Summary: 1 findings", STEP);
      assertThat(s).contains("orphan-span");
      // The cancelled command printed nothing after it was cancelled.
      assertThat(s.substring(s.indexOf("cancelled: analyze"))).doesNotContain("No findings", "Inputs\n  " + fifo);

      t.press("C-d");
      t.waitFor("SHELL-EXIT=0", STEP);
    }
    String history = Files.readString(dir.resolve(".traceguard_history"), StandardCharsets.UTF_8);
    assertThat(history).contains("analyze ../testdata/broken/orphan-span.jsonl", "analyze " + fifo, "help");
  }

  @Test
  void refusesWithoutATerminal() {
    String[] r = TestdataTest.run("shell");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2]).contains("not a terminal");
  }
}
