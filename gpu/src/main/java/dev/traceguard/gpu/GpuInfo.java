package dev.traceguard.gpu;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Devices, versions and per-process memory of this machine: what {@code traceguard gpu info}
 * shows.
 *
 * @param status the probe's verdict, with driver and runtime versions
 * @param devices every visible device (empty unless the status is OK)
 * @param processes per-process memory from nvidia-smi
 */
public record GpuInfo(GpuStatus status, List<DeviceInfo> devices, NvidiaSmi.Result processes) {

  /** Collects the information; call only when {@code status.ok()}. */
  public static GpuInfo collect(GpuStatus status, CudaRuntime runtime, Duration smiTimeout) throws CudaError {
    List<DeviceInfo> devices = new ArrayList<>();
    for (int d = 0; d < status.deviceCount(); d++) {
      devices.add(runtime.device(d));
    }
    return new GpuInfo(status, List.copyOf(devices), NvidiaSmi.query(smiTimeout));
  }

  /** Collects the information of this machine through JCuda. */
  public static GpuInfo collect(GpuStatus status) throws CudaError {
    return collect(status, CudaRuntime.jcuda(), Duration.ofSeconds(10));
  }
}
