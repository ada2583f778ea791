package dev.traceguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traceguard.commands.profile.ProfileCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@link Main#run} builds only the command named on the command line (a faster start); what
 * every command prints and returns must be what the whole tree gives.
 */
class CommandTreeTest {
  record Result(int code, String out, String err) {}

  private static Result whole(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    Main.configure(cl, args);
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  private static Result fast(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void eachCommandAloneAnswersAsTheWholeTreeDoes() {
    List<String[]> cases = new ArrayList<>();
    cases.add(new String[] {"--version"});
    cases.add(new String[] {"-V"});
    cases.add(new String[] {"--help"});
    for (String name : Main.commandLine().getSubcommands().keySet()) {
      cases.add(new String[] {name, "--help"});
      cases.add(new String[] {name, "--no-such-option"});
    }
    cases.add(new String[] {"profile", "--pid", "1", "--interval", "1ms"});
    cases.add(new String[] {"profil"});
    // One snapshot runs without the parser: its errors must be the parser's.
    cases.add(new String[] {"profile", "--pid", "999999999", "--duration", "0"});
    cases.add(new String[] {"profile", "-p", "999999999", "-d", "0s", "--format", "JSON", "--fail-on", "never"});
    cases.add(new String[] {"profile", "--pid=999999999", "--duration=0", "--attach-timeout", "2s", "-v"});
    cases.add(new String[] {"profile", "--pid", "abc", "--duration", "0"});
    cases.add(new String[] {"profile", "--pid", "1", "--duration", "0", "--format", "yaml"});
    cases.add(new String[] {"profile", "--pid", "1", "--duration", "0", "--attach-timeout", "-1s"});
    cases.add(new String[] {"profile", "--pid", "1", "--duration", "0", "--fail-on", "sometimes"});
    cases.add(new String[] {"profile", "--pid", "1", "--pid", "2", "--duration", "0"});
    cases.add(new String[] {"profile", "--pid", "1", "--duration"});
    for (String[] args : cases) {
      Result w = whole(args);
      Result f = fast(args);
      assertThat(f).as(String.join(" ", args)).isEqualTo(w);
    }
    assertThat(Main.commandLine("profile", "--help").getSubcommands()).containsOnlyKeys("profile");
    assertThat(ProfileCommand.snapshotWithoutParser(new String[] {"profile", "--pid", "1", "-d", "0", "--jfr", "x"},
        new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())))
        .as("anything but the plain snapshot goes to the parser").isNull();
    assertThat(ProfileCommand.snapshotWithoutParser(new String[] {"profile", "--pid", "1", "-d", "1s"},
        new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))).isNull();
    assertThat(Main.commandLine("--version").getSubcommands()).isEmpty();
    assertThat(Main.commandLine("--help").getSubcommands()).containsKey("ps").containsKey("analyze");
  }

  @Test
  void aSnapshotOfARealJvmReadsAsThroughTheParser(@TempDir Path dir) throws Exception {
    Path src = dir.resolve("Idle.java");
    Files.writeString(src, "public class Idle { public static void main(String[] a) throws Exception {"
        + " System.out.println(\"READY\"); Thread.sleep(120_000); } }");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), src.toString())
        .redirectErrorStream(true).start();
    try {
      java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
      assertThat(r.readLine()).isEqualTo("READY");
      String pid = Long.toString(p.pid());
      Result f = fast("profile", "--pid", pid, "--duration", "0", "--format", "json", "--fail-on", "never");
      // --interval is not one the snapshot takes without the parser: this one goes through it.
      Result w = whole("profile", "--pid", pid, "--duration", "0", "--format", "json", "--fail-on", "never",
          "--interval", "1s");
      assertThat(f.code()).as(f.err()).isZero();
      assertThat(w.code()).as(w.err()).isZero();
      assertThat(f.out()).contains("\"pid\" : " + pid).contains("\"heap\"");
      // The same document but for the figures, which move between two snapshots.
      assertThat(shape(f.out())).isEqualTo(shape(w.out()));
    } finally {
      p.destroyForcibly();
      p.waitFor();
    }
  }

  private static String shape(String json) {
    return json.replaceAll("\"\\d{4}-\\d\\d-\\d\\dT[^\"]*\"", "\"T\"").replaceAll("-?\\d+(\\.\\d+)?(E-?\\d+)?", "0");
  }
}
