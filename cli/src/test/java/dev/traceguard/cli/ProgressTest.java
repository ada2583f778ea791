package dev.traceguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traceguard.commands.Terminal;
import org.junit.jupiter.api.Test;

/** The progress bar goes to stderr only when it is a terminal, and never into the JSON on stdout. */
class ProgressTest {
  static final String DUMP = TestdataTest.TESTDATA.resolve("broken/orphan-span.jsonl").toString();

  @Test
  void nothingOnStderrWhenItIsNotATerminal() {
    System.setProperty("traceguard.progress.minBytes", "0");
    try {
      String[] r = TestdataTest.run("analyze", "-f", "json", DUMP);
      assertThat(r[2]).isEmpty();
      assertThat(r[1]).startsWith("{").endsWith("}\n");
    } finally {
      System.clearProperty("traceguard.progress.minBytes");
    }
  }

  @Test
  void barOnStderrAtATerminalAndTheJsonUnchanged() {
    String plain = TestdataTest.run("analyze", "-f", "json", DUMP)[1];
    System.setProperty("traceguard.progress.minBytes", "0");
    Terminal.stderrTerminal(true);
    try {
      String[] r = TestdataTest.run("analyze", "-f", "json", DUMP);
      assertThat(r[1]).isEqualTo(plain);
      assertThat(r[2]).contains("\rreading orphan-span.jsonl", "MiB");
      // Cleared when done, so the prompt or the next output starts on a clean line.
      assertThat(r[2]).endsWith("\r\u001b[K");
    } finally {
      Terminal.stderrTerminal(false);
      System.clearProperty("traceguard.progress.minBytes");
    }
  }

  @Test
  void smallFilesGetNoBarEvenAtATerminal() {
    Terminal.stderrTerminal(true);
    try {
      assertThat(TestdataTest.run("analyze", "-f", "json", DUMP)[2]).isEmpty();
    } finally {
      Terminal.stderrTerminal(false);
    }
  }
}
