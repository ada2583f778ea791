package dev.traceguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
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
    for (String[] args : cases) {
      Result w = whole(args);
      Result f = fast(args);
      assertThat(f).as(String.join(" ", args)).isEqualTo(w);
    }
    assertThat(Main.commandLine("profile", "--help").getSubcommands()).containsOnlyKeys("profile");
    assertThat(Main.commandLine("--version").getSubcommands()).isEmpty();
    assertThat(Main.commandLine("--help").getSubcommands()).containsKey("ps").containsKey("analyze");
  }
}
