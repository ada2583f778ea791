package dev.traceguard.commands;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code traceguard slo}: service level objectives learned from history. */
@Command(
    name = "slo",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    subcommands = {SloBaselineCommand.class},
    description = {
      "Service level objectives from history: baselines, suggested objectives, and the Prometheus"
          + " rules that watch them."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  traceguard slo baseline testdata/slo/history.om.gz",
      "  traceguard slo baseline --help"
    },
    commandListHeading = "%nCommands:%n",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:this help was shown",
      "2:usage error",
      "other:as listed in 'traceguard slo baseline --help'"
    })
public final class SloCommand implements Runnable {
  @Spec CommandSpec spec;

  /** Used by picocli. */
  public SloCommand() {}

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
