package dev.traceguard.commands.profile;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;
import dev.traceguard.analyzers.report.JsonReportWriter;
import dev.traceguard.commands.ExitCode;
import dev.traceguard.commands.OutputFormat;
import dev.traceguard.commands.VersionProvider;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code traceguard ps}: the JVMs on this machine, read without attaching. */
@Command(
    name = "ps",
    sortOptions = false,
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "List the running JVMs: pid, user, main class or jar, Java version, uptime, heap used and"
          + " maximum, and the AI runtimes they loaded (DJL, ONNX Runtime, PyTorch, TensorFlow Java,"
          + " JCuda, the CUDA runtime).",
      "",
      "Attaches to nothing: JVMs come from the attach API's list and from every process that maps"
          + " libjvm.so; details come from /proc and each JVM's performance data file (what jps and"
          + " jstat read), so JVMs that forbid attaching or do not answer are shown too."
    },
    footerHeading = "%nExamples:%n",
    footer = {"  traceguard ps", "  traceguard ps --format json | jq '.[] | select(.runtimes | length > 0)'",
      "  traceguard profile --pid PID"},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:listed (possibly none)", "2:usage error",
      "70:internal error (a bug: report it with the --verbose output)"})
public final class PsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-f", "--format"},
      paramLabel = "FORMAT",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  OutputFormat format = OutputFormat.table;

  /** Used by picocli. */
  public PsCommand() {}

  @Override
  public Integer call() throws IOException {
    return list(format, spec.commandLine().getOut());
  }

  /**
   * {@code ps} with at most {@code -f/--format table|json} (in any case, as picocli takes it),
   * without the command-line parser (see the cli module's entry point); null for anything else,
   * which the parser then answers.
   */
  public static Integer listWithoutParser(String[] args, PrintWriter out) throws IOException {
    if (args.length == 0 || !args[0].equals("ps")) {
      return null;
    }
    OutputFormat f = OutputFormat.table;
    String value = null;
    if (args.length == 3 && (args[1].equals("-f") || args[1].equals("--format"))) {
      value = args[2];
    } else if (args.length == 2 && args[1].startsWith("--format=")) {
      value = args[1].substring("--format=".length());
    } else if (args.length != 1) {
      return null;
    }
    if (value != null) {
      try {
        f = OutputFormat.valueOf(value.toLowerCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    return list(f, out);
  }

  private static int list(OutputFormat format, PrintWriter o) throws IOException {
    List<Long> listed = new ArrayList<>();
    try {
      for (VirtualMachineDescriptor d : VirtualMachine.list()) {
        try {
          listed.add(Long.parseLong(d.id()));
        } catch (NumberFormatException e) {
          // Not a pid: skip.
        }
      }
    } catch (RuntimeException | LinkageError e) {
      // No attach provider here: /proc alone.
    }
    List<JvmInfo> jvms = JvmInfo.list(listed);
    if (format == OutputFormat.json) {
      try (JsonGenerator g = new JsonFactory().createGenerator(o)) {
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        g.useDefaultPrettyPrinter();
        g.writeStartArray();
        for (JvmInfo j : jvms) {
          JsonReportWriter.writeValue(g, j.toMap());
        }
        g.writeEndArray();
      }
      o.println();
    } else if (jvms.isEmpty()) {
      o.println("No JVMs found (run as the JVMs' user or root to see theirs).");
    } else {
      o.printf("%-8s %-10s %-10s %9s %21s  %-40s %s%n", "PID", "USER", "JAVA", "UPTIME", "HEAP USED/MAX", "MAIN", "AI RUNTIMES");
      for (JvmInfo j : jvms) {
        String heap = j.heapUsed() < 0 ? "-" : ProfileView.bytes(j.heapUsed()) + "/" + (j.heapMax() < 0 ? "-" : ProfileView.bytes(j.heapMax()));
        o.printf(Locale.ROOT, "%-8d %-10s %-10s %9s %21s  %-40s %s%s%n", j.pid(), j.user(),
            j.javaVersion().isEmpty() ? "?" : j.javaVersion(), uptime(j.uptimeSeconds()), heap, j.main(),
            j.runtimes().isEmpty() ? "-" : String.join(", ", j.runtimes()), j.attachable() ? "" : "  (attach disabled)");
      }
    }
    o.flush();
    return ExitCode.OK.code();
  }

  static String uptime(double s) {
    if (s < 0) {
      return "?";
    }
    long t = (long) s;
    if (t < 120) {
      return t + "s";
    }
    if (t < 7200) {
      return t / 60 + "m";
    }
    if (t < 172800) {
      return t / 3600 + "h" + (t % 3600) / 60 + "m";
    }
    return t / 86400 + "d";
  }
}
