package dev.traceguard.cli;

import dev.traceguard.commands.AnalyzeCommand;
import dev.traceguard.commands.CompletionCommand;
import dev.traceguard.commands.VersionProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The root command: lists the subcommands. */
@Command(
    name = "traceguard",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    subcommands = {AnalyzeCommand.class, CompletionCommand.class, ShellCommand.class},
    description = {
      "Diagnostics for AI inference services on the JVM: find broken trace context and what it"
          + " hides, from the dumps you already have."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  traceguard analyze testdata/clean/pipeline.jsonl",
      "  traceguard analyze --format json dumps/ > report.json",
      "  traceguard analyze --help",
      "  traceguard shell",
      "  source <(traceguard completion bash)",
    },
    commandListHeading = "%nCommands:%n",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "2:usage error",
      "other:as listed in each command's --help"
    })
public final class TraceguardCommand implements Runnable {
  @Spec CommandSpec spec;

  /** Used by picocli. */
  public TraceguardCommand() {}

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
