package dev.traceguard.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NvidiaSmiTest {
  @Test
  void parsesComputeApps() {
    NvidiaSmi.Result r = NvidiaSmi.parse("pid, used_gpu_memory [MiB]\n4711, 1536 MiB\n815, [N/A]\n", false);
    assertThat(r.available()).isTrue();
    assertThat(r.processes()).containsExactly(new ProcessMemory(4711, 1536L << 20), new ProcessMemory(815, -1));
    assertThat(r.note()).isEmpty();
  }

  @Test
  void noProcessesAndContainerNote() {
    NvidiaSmi.Result r = NvidiaSmi.parse("pid, used_gpu_memory [MiB]\n", true);
    assertThat(r.available()).isTrue();
    assertThat(r.processes()).isEmpty();
    assertThat(r.note()).contains("host pids");
  }

  @Test
  void errorTextIsNotATable() {
    NvidiaSmi.Result r = NvidiaSmi.parse(
        "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n", false);
    assertThat(r.available()).isFalse();
    assertThat(r.note()).contains("couldn't communicate");
  }
}
