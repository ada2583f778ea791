package dev.traceguard.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GpuProbeTest {
  /** A runtime whose device count fails with {@code code} (or returns {@code count}). */
  static CudaRuntime standIn(int code, int count, int driver) {
    return new CudaRuntime() {
      @Override
      public int deviceCount() throws CudaError {
        if (code != 0) {
          throw new CudaError("cudaGetDeviceCount", code, "cudaError" + code, "text " + code);
        }
        return count;
      }

      @Override
      public int driverVersion() {
        return driver;
      }

      @Override
      public int runtimeVersion() {
        return 12000;
      }

      @Override
      public DeviceInfo device(int ordinal) {
        return new DeviceInfo(ordinal, "Stand-in GPU", 9, 0, 132, 80L << 30, 79L << 30, 1);
      }
    };
  }

  static GpuStatus probe(CudaRuntime rt) {
    return GpuProbe.probe(() -> rt, "Linux", "amd64", "/tmp");
  }

  @Test
  void realRuntimeWithoutDriverLoadsAndAnswers35() {
    assumeFalse(Driver.libcudaPresent(), "this machine has libcuda.so.1; the no-driver path needs a machine without");
    // The real JCuda natives load here; every call answers cudaErrorInsufficientDriver.
    GpuStatus s = GpuProbe.probe(CudaRuntime::jcuda, "Linux", "amd64", "/tmp");
    assertThat(s.state()).isEqualTo(GpuStatus.State.NO_DRIVER);
    assertThat(s.errorCode()).isEqualTo(35);
    assertThat(s.driverVersion()).isZero();
    assertThat(s.runtimeVersion()).isGreaterThanOrEqualTo(12000);
    assertThat(s.reason())
        .startsWith("no CUDA driver found (cudaGetDeviceCount returned 35 cudaErrorInsufficientDriver: ")
        .contains(">= 525")
        .doesNotContain("Exception")
        .doesNotContain("\n");
    assertThat(GpuProbe.probe()).isEqualTo(s);
  }

  @Test
  void realRuntimeAnswersEveryCallWith35WithoutDriver() {
    assumeFalse(Driver.libcudaPresent(), "this machine has libcuda.so.1");
    CudaRuntime rt = CudaRuntime.jcuda();
    try {
      rt.device(0);
      throw new AssertionError("device(0) succeeded without a driver");
    } catch (CudaError e) {
      assertThat(e.code()).isEqualTo(35);
      assertThat(e.name()).isEqualTo("cudaErrorInsufficientDriver");
    }
  }

  @Test
  void oldDriverIsNamed() {
    GpuStatus s = GpuProbe.fromError(new CudaError("cudaGetDeviceCount", 35, "cudaErrorInsufficientDriver", "x"),
        11040, 12000);
    assertThat(s.state()).isEqualTo(GpuStatus.State.NO_DRIVER);
    assertThat(s.reason()).startsWith("CUDA driver 11.4 is too old for the CUDA 12.0 runtime");
  }

  @Test
  void noDeviceFromError100OrCountZero() {
    GpuStatus a = probe(standIn(100, 0, 12040));
    assertThat(a.state()).isEqualTo(GpuStatus.State.NO_DEVICE);
    assertThat(a.reason()).startsWith("no CUDA device visible (cudaGetDeviceCount returned 100").contains("--gpus");
    GpuStatus b = probe(standIn(0, 0, 12040));
    assertThat(b.state()).isEqualTo(GpuStatus.State.NO_DEVICE);
    assertThat(b.driverVersion()).isEqualTo(12040);
  }

  @Test
  void okWithVersions() {
    GpuStatus s = probe(standIn(0, 2, 12040));
    assertThat(s.ok()).isTrue();
    assertThat(s.deviceCount()).isEqualTo(2);
    assertThat(GpuStatus.version(s.driverVersion())).isEqualTo("12.4");
    assertThat(GpuStatus.version(s.runtimeVersion())).isEqualTo("12.0");
  }

  @Test
  void linkageErrorsBecomeOneSentence() {
    GpuStatus s = GpuProbe.probe(() -> {
      throw new UnsatisfiedLinkError("Error while loading native library \"JCudaRuntime-12.6.0-linux-x86_64\"\nmore");
    }, "Linux", "amd64", "/ro-tmp");
    assertThat(s.state()).isEqualTo(GpuStatus.State.UNAVAILABLE);
    assertThat(s.reason()).contains("JCudaRuntime-12.6.0-linux-x86_64").contains("/ro-tmp").doesNotContain("\n");
  }

  @Test
  void unsupportedPlatformIsNotTouched() {
    GpuStatus s = GpuProbe.probe(() -> {
      throw new AssertionError("must not load natives");
    }, "Mac OS X", "aarch64", "/tmp");
    assertThat(s.state()).isEqualTo(GpuStatus.State.UNAVAILABLE);
    assertThat(s.reason()).contains("Mac OS X/aarch64");
  }

  @Test
  void deviceInfoOnARealGpu() throws CudaError {
    assumeTrue(GpuProbe.probe().ok(), Driver::skipReason);
    GpuInfo info = GpuInfo.collect(GpuProbe.probe(), CudaRuntime.jcuda(), Duration.ofSeconds(10));
    assertThat(info.devices()).hasSize(GpuProbe.probe().deviceCount());
    DeviceInfo d = info.devices().get(0);
    assertThat(d.name()).isNotBlank();
    assertThat(d.major()).isGreaterThanOrEqualTo(5);
    assertThat(d.multiprocessors()).isPositive();
    assertThat(d.memoryTotal()).isGreaterThan(d.memoryFree()).isPositive();
  }
}
