package dev.traceguard.cli;

import dev.traceguard.commands.AnalyzeCommand;
import dev.traceguard.commands.CompletionCommand;
import dev.traceguard.commands.ReplayCommand;
import dev.traceguard.commands.SloCommand;
import dev.traceguard.commands.ValidateCommand;
import dev.traceguard.commands.VersionProvider;
import dev.traceguard.commands.gpu.GpuCommand;
import dev.traceguard.commands.profile.ProfileCommand;
import dev.traceguard.commands.profile.PsCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The root command: lists the subcommands. */
@Command(
    name = "traceguard",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    subcommands = {
      AnalyzeCommand.class, ValidateCommand.class, PsCommand.class, ProfileCommand.class, SloCommand.class,
      ReplayCommand.class, GpuCommand.class, ShellCommand.class, CompletionCommand.class
    },
    description = {
      "Diagnostics for AI inference services on the JVM: find broken trace context and what it"
          + " hides, from the dumps you already have."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  traceguard analyze testdata/clean/pipeline.jsonl",
      "  traceguard analyze --format json dumps/ > report.json",
      "  traceguard slo baseline testdata/slo/history.om.gz",
      "  traceguard gpu info",
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
