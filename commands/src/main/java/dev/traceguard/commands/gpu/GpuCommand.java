package dev.traceguard.commands.gpu;

import dev.traceguard.commands.VersionProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code traceguard gpu}: the GPU subcommands. */
@Command(
    name = "gpu",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    subcommands = {GpuInfoCommand.class, GpuBenchCommand.class},
    description = {
      "CUDA devices of this machine and a self-check of traceguard's kernel timing.",
      "",
      "Uses the CUDA runtime through JCuda 12.6, which needs an NVIDIA driver >= 525 (libcuda.so.1)"
          + " and x86-64 Linux or Windows. Kernels of other processes are analysed from Nsight"
          + " Systems exports instead: traceguard analyze report.sqlite."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  traceguard gpu info",
      "  traceguard gpu info --format json",
      "  traceguard gpu bench --streams 4 --launches 20000"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "2:usage error",
      "20:no CUDA driver found, no CUDA device visible, or CUDA support cannot load here",
      "21:a CUDA call failed",
      "22:the timing self-check failed (gpu bench)",
      "70:internal error (a bug: report it with the --verbose output)"
    },
    commandListHeading = "%nCommands:%n")
public final class GpuCommand implements Runnable {
  @Spec CommandSpec spec;

  /** Used by picocli. */
  public GpuCommand() {}

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
