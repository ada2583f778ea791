package dev.traceguard.commands.gpu;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.traceguard.commands.ExitCode;
import dev.traceguard.commands.OutputFormat;
import dev.traceguard.commands.VerbosityMixin;
import dev.traceguard.commands.VersionProvider;
import dev.traceguard.gpu.CudaError;
import dev.traceguard.gpu.DeviceInfo;
import dev.traceguard.gpu.GpuInfo;
import dev.traceguard.gpu.GpuProbe;
import dev.traceguard.gpu.GpuStatus;
import dev.traceguard.gpu.ProcessMemory;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code traceguard gpu info}: devices, versions, memory and per-process memory. */
@Command(
    name = "info",
    sortOptions = false,
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Show the CUDA devices of this machine: name, compute capability, SM count, memory total and"
          + " free (cudaMemGetInfo), the driver and runtime versions, and per-process GPU memory"
          + " from nvidia-smi where it is installed.",
      "",
      "nvidia-smi lists host pids: inside a container they differ from the container's own pids."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  traceguard gpu info",
      "  traceguard gpu info --format json | jq '.devices[].memoryFreeBytes'"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:devices listed",
      "2:usage error",
      "20:no CUDA driver found, no CUDA device visible, or CUDA support cannot load here",
      "21:a CUDA call failed",
      "70:internal error (a bug: report it with the --verbose output)"
    })
public final class GpuInfoCommand implements Callable<Integer> {
  private static final JsonFactory JSON = new JsonFactory();

  @Spec CommandSpec spec;

  @Mixin VerbosityMixin verbosity;

  @Option(
      names = {"-f", "--format"},
      paramLabel = "FORMAT",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  OutputFormat format = OutputFormat.table;

  /** Used by picocli. */
  public GpuInfoCommand() {}

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    GpuStatus status = GpuProbe.probe();
    if (!status.ok()) {
      if (format == OutputFormat.json) {
        writeJson(new GpuInfo(status, java.util.List.of(), null), out);
      }
      err.println("traceguard gpu info: " + status.reason());
      err.flush();
      return ExitCode.GPU_UNAVAILABLE.code();
    }
    GpuInfo info;
    try {
      info = GpuInfo.collect(status);
    } catch (CudaError e) {
      err.println("traceguard gpu info: " + e.getMessage());
      err.flush();
      return ExitCode.GPU_ERROR.code();
    }
    if (format == OutputFormat.json) {
      writeJson(info, out);
    } else {
      writeTable(info, out);
    }
    return ExitCode.OK.code();
  }

  static String state(GpuStatus s) {
    return s.state().name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static void writeTable(GpuInfo info, PrintWriter out) {
    GpuStatus s = info.status();
    out.println("CUDA driver " + GpuStatus.version(s.driverVersion()) + " (" + s.driverVersion() + "), runtime "
        + GpuStatus.version(s.runtimeVersion()) + " (" + s.runtimeVersion() + "), " + s.deviceCount()
        + (s.deviceCount() == 1 ? " device" : " devices"));
    out.println();
    int[] w = {6, 8, 4, 4, 12, 12};
    for (DeviceInfo d : info.devices()) {
      w[1] = Math.max(w[1], d.name().length());
    }
    out.println(GpuText.row(w, "DEVICE", "NAME", "CC", "SMS", "MEMORY", "FREE", "PCI BUS"));
    for (DeviceInfo d : info.devices()) {
      out.println(GpuText.row(w, d.ordinal(), d.name(), d.computeCapability(), d.multiprocessors(),
          GpuText.bytes(d.memoryTotal()), GpuText.bytes(d.memoryFree()), d.pciBusId()));
    }
    out.println();
    if (info.processes() == null || !info.processes().available()) {
      out.println("Processes: " + (info.processes() == null ? "not queried" : info.processes().note()));
    } else if (info.processes().processes().isEmpty()) {
      out.println("Processes: none using the GPU (nvidia-smi)");
    } else {
      out.println("Processes (nvidia-smi" + (info.processes().note().isEmpty() ? "" : "; " + info.processes().note())
          + "):");
      int[] pw = {8, 10};
      out.println(GpuText.row(pw, "PID", "GPU MEMORY"));
      for (ProcessMemory p : info.processes().processes()) {
        out.println(GpuText.row(pw, p.pid(), GpuText.bytes(p.usedBytes())));
      }
    }
    out.flush();
  }

  static void writeJson(GpuInfo info, PrintWriter out) throws IOException {
    GpuStatus s = info.status();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeStringField("status", state(s));
      if (!s.ok()) {
        g.writeStringField("reason", s.reason());
        if (s.errorCode() != 0) {
          g.writeNumberField("cudaError", s.errorCode());
        }
      }
      g.writeNumberField("driverVersion", s.driverVersion());
      g.writeNumberField("runtimeVersion", s.runtimeVersion());
      g.writeArrayFieldStart("devices");
      for (DeviceInfo d : info.devices()) {
        g.writeStartObject();
        g.writeNumberField("ordinal", d.ordinal());
        g.writeStringField("name", d.name());
        g.writeStringField("computeCapability", d.computeCapability());
        g.writeNumberField("multiprocessors", d.multiprocessors());
        g.writeNumberField("memoryTotalBytes", d.memoryTotal());
        g.writeNumberField("memoryFreeBytes", d.memoryFree());
        g.writeNumberField("pciBusId", d.pciBusId());
        g.writeEndObject();
      }
      g.writeEndArray();
      if (info.processes() != null) {
        g.writeObjectFieldStart("processes");
        g.writeBooleanField("available", info.processes().available());
        g.writeStringField("source", String.join(" ", dev.traceguard.gpu.NvidiaSmi.COMMAND));
        if (!info.processes().note().isEmpty()) {
          g.writeStringField("note", info.processes().note());
        }
        g.writeArrayFieldStart("list");
        for (ProcessMemory p : info.processes().processes()) {
          g.writeStartObject();
          g.writeNumberField("pid", p.pid());
          g.writeNumberField("usedBytes", p.usedBytes());
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndObject();
    }
    out.println();
    out.flush();
  }
}
