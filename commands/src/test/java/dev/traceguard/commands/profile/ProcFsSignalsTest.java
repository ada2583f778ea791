package dev.traceguard.commands.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Whether a process handles SIGQUIT decides, where its memory maps cannot be read, whether
 * profile may attach (which sends SIGQUIT) at all.
 */
class ProcFsSignalsTest {
  @Test
  void aJvmHandlesSigquitAndSleepDoesNot() throws Exception {
    assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "no /proc here (not Linux)");
    assertThat(ProcFs.catchesSigquit(ProcessHandle.current().pid())).isTrue();
    Process sleep = new ProcessBuilder("sleep", "30").start();
    try {
      // Wait until the child runs sleep rather than the JVM's fork (which has the JVM's handlers).
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (!"sleep".equals(ProcFs.status(sleep.pid()).get("Name")) && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(ProcFs.catchesSigquit(sleep.pid())).isFalse();
    } finally {
      sleep.destroyForcibly();
      sleep.waitFor();
    }
    assertThat(ProcFs.catchesSigquit(Long.MAX_VALUE / 2)).as("no such process").isNull();
  }
}
