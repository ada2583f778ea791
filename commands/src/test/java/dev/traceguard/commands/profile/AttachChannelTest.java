package dev.traceguard.commands.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Requests over a real JVM's attach socket, through the JDK's own socket calls (opened to the tests
 * as the jar's manifest opens them to traceguard) and through NIO, which must answer the same.
 */
class AttachChannelTest {
  @Test
  void theJdksSocketCallsAndNioGiveTheSameAnswers() throws Exception {
    assertThat(AttachChannel.nativeSocketAvailable())
        .as("sun.tools.attach is opened to the tests (surefire argLine) as to the jar (Add-Opens)").isTrue();
    try (Workload w = Workload.start(Workload.java(), List.of("-Xmx64m"), "--threads", "1", "--pause-us", "20000")) {
      // jcmd starts the target's attach listener; from then on its socket file exists.
      Process jcmd = new ProcessBuilder("jcmd", Long.toString(w.pid()), "VM.version").redirectErrorStream(true).start();
      assertThat(jcmd.waitFor()).isZero();
      AttachChannel ch = AttachChannel.of(w.pid(), ProcFs.nsPid(w.pid()));
      assertThat(ch).isNotNull();

      Properties viaNative = ch.properties();
      String dumpNative = ch.jcmd("Thread.print");
      Properties viaNio;
      String dumpNio;
      String old = System.getProperty("traceguard.attach.nio");
      System.setProperty("traceguard.attach.nio", "true");
      try {
        viaNio = ch.properties();
        dumpNio = ch.jcmd("Thread.print");
        assertThatThrownBy(() -> ch.jcmd("No.such_command")).isInstanceOf(IOException.class)
            .hasMessageContaining("the JVM refused 'jcmd No.such_command'");
      } finally {
        if (old == null) {
          System.clearProperty("traceguard.attach.nio");
        } else {
          System.setProperty("traceguard.attach.nio", old);
        }
      }
      assertThat(viaNative.getProperty("java.version")).isNotEmpty().isEqualTo(viaNio.getProperty("java.version"));
      assertThat(viaNative.getProperty("sun.java.command")).contains("Workload")
          .isEqualTo(viaNio.getProperty("sun.java.command"));
      for (String dump : List.of(dumpNative, dumpNio)) {
        assertThat(dump).contains("Full thread dump").contains("java.lang.Thread.State");
      }
      assertThatThrownBy(() -> ch.jcmd("No.such_command")).isInstanceOf(IOException.class)
          .hasMessageContaining("the JVM refused 'jcmd No.such_command'");
      // A socket nobody listens on fails to connect, natively too.
      AttachChannel gone = AttachChannel.at(w.pid(), java.nio.file.Path.of("/tmp/.java_pid_traceguard_none"));
      assertThatThrownBy(gone::properties).isInstanceOf(IOException.class);
    }
  }
}
