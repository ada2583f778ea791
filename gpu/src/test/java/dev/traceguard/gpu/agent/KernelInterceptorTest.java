package dev.traceguard.gpu.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traceguard.gpu.agent.StandInJCudaDriver.Function;
import dev.traceguard.gpu.agent.StandInJCudaDriver.Module;
import dev.traceguard.gpu.agent.StandInJCudaDriver.Stream;
import dev.traceguard.gpu.timing.KernelTiming;
import dev.traceguard.gpu.timing.LaunchTimer;
import dev.traceguard.gpu.timing.TimingSnapshot;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The launch interception on {@link StandInJCudaDriver}, a stand-in with JCudaDriver's launch signatures. */
class KernelInterceptorTest {
  private StandInJCudaDriver.Events events;
  private KernelInterceptor<Function, Module, Stream, Object> hooks;
  private final Module module = new Module();

  @BeforeEach
  void setUp() {
    StandInJCudaDriver.reset();
    events = new StandInJCudaDriver.Events();
    hooks = interceptor(64, 8);
    module.kernels.put("gemm", 100_000L);
    module.kernels.put("softmax", 20_000L);
    module.kernels.put("rope", 5_000L);
  }

  private KernelInterceptor<Function, Module, Stream, Object> interceptor(int pairs, int functions) {
    LaunchTimer<Stream, StandInJCudaDriver.Event> timer =
        new LaunchTimer<>(events, StandInJCudaDriver::clock, pairs, 64);
    return new KernelInterceptor<>(new StandInJCudaDriver.Calls(), timer, s -> "stream-" + s.id(), functions, 16);
  }

  private Function lookUp(String name) {
    Function f = new Function();
    assertThat(hooks.cuModuleGetFunction(f, module, name)).isZero();
    return f;
  }

  private int launch(Function f, Stream s) {
    return hooks.cuLaunchKernel(f, 1, 1, 1, 128, 1, 1, 0, s, "params", null);
  }

  @Test
  void launchesAreTimedUnderTheNameTheFunctionWasLookedUpBy() {
    Function gemm = lookUp("gemm");
    Function softmax = lookUp("softmax");
    for (int i = 0; i < 10; i++) {
      assertThat(launch(gemm, new Stream(1))).isZero();
      assertThat(launch(softmax, new Stream(2))).isZero();
    }
    StandInJCudaDriver.advance(10_000_000);
    hooks.timer().harvest();
    TimingSnapshot s = hooks.timer().snapshot();
    assertThat(s.kernels()).extracting(KernelTiming::kernel).containsExactly("gemm", "softmax");
    KernelTiming g = s.kernels().get(0);
    assertThat(g.count()).isEqualTo(10);
    assertThat(g.p50Nanos()).isEqualTo(100_000);
    assertThat(g.totalNanos()).isEqualTo(1_000_000);
    assertThat(s.streams()).extracting(st -> st.stream()).containsExactly("stream-1", "stream-2");
    assertThat(s.overheadPerLaunchNanos()).isEqualTo(1000.0);
  }

  @Test
  void argumentsAndResultsPassThroughUnchanged() {
    Function gemm = lookUp("gemm");
    Object params = new Object();
    Stream st = new Stream(3);
    assertThat(hooks.cuLaunchKernel(gemm, 7, 8, 9, 32, 4, 2, 4096, st, params, "extra")).isZero();
    assertThat(StandInJCudaDriver.lastLaunch).containsExactly(gemm, 7, 8, 9, 32, 4, 2, 4096, st, params, "extra");
    // Errors of the driver come back as they are, and such launches are not timed.
    assertThat(hooks.cuModuleGetFunction(new Function(), module, "missing")).isEqualTo(500);
    assertThat(hooks.cuLaunchKernel(new Function(), 1, 1, 1, 1, 1, 1, 0, st, null, null)).isEqualTo(400);
    assertThat(hooks.timer().snapshot().timedLaunches()).isEqualTo(1);
    assertThat(StandInJCudaDriver.launches).isEqualTo(1);
  }

  @Test
  void functionsLookedUpBeforeAreUnnamedAndNamesAreBounded() {
    KernelInterceptor<Function, Module, Stream, Object> small = interceptor(64, 2);
    Function early = new Function();
    StandInJCudaDriver.cuModuleGetFunction(early, module, "rope");
    Function a = new Function();
    Function b = new Function();
    Function c = new Function();
    small.cuModuleGetFunction(a, module, "gemm");
    small.cuModuleGetFunction(b, module, "softmax");
    small.cuModuleGetFunction(c, module, "rope");
    assertThat(small.nameOf(early)).isEqualTo(KernelInterceptor.UNNAMED);
    assertThat(small.nameOf(a)).isEqualTo("gemm");
    assertThat(small.nameOf(c)).isEqualTo(KernelInterceptor.UNNAMED);
    assertThat(small.cuLaunchKernel(c, 1, 1, 1, 1, 1, 1, 0, null, null, null)).isZero();
  }

  @Test
  void stopMakesCallsGoStraightThroughAndReleasesEvents() {
    Function gemm = lookUp("gemm");
    launch(gemm, new Stream(1));
    hooks.stop();
    assertThat(hooks.active()).isFalse();
    for (int i = 0; i < 5; i++) {
      assertThat(launch(gemm, new Stream(1))).isZero();
    }
    assertThat(StandInJCudaDriver.launches).isEqualTo(6);
    assertThat(hooks.timer().snapshot().timedLaunches()).isEqualTo(1);
    StandInJCudaDriver.advance(10_000_000);
    hooks.timer().harvest();
    assertThat(events.destroyed).isEqualTo(events.created);
  }

  @Test
  void streamStateIsSampledWithoutWaiting() {
    Function gemm = lookUp("gemm");
    launch(gemm, new Stream(1));
    hooks.sampleStreams();
    StandInJCudaDriver.advance(1_000_000);
    hooks.sampleStreams();
    hooks.sampleStreams();
    assertThat(hooks.streamSamples().get("stream-1")).containsExactly(1, 2);
  }

  @Test
  void manyStreamsAreSampledInTurn() {
    Function gemm = lookUp("gemm");
    for (int s = 1; s <= 5; s++) {
      launch(gemm, new Stream(s));
    }
    // Two streams a pass: after five passes each of the five streams was asked twice.
    for (int pass = 0; pass < 5; pass++) {
      hooks.sampleStreams(2);
    }
    assertThat(hooks.streamSamples()).hasSize(5);
    hooks.streamSamples().values().forEach(c -> assertThat(c[0] + c[1]).isEqualTo(2));
  }

  @Test
  void harvesterThreadAndMBean() throws Exception {
    hooks = interceptor(256, 8);
    Function gemm = lookUp("gemm");
    Function rope = lookUp("rope");
    Harvester h = new Harvester(hooks, 200_000, () -> { });
    GpuKernelStats mbean = new GpuKernelStats(hooks, h);
    mbean.register();
    h.start();
    try {
      for (int i = 0; i < 50; i++) {
        launch(gemm, new Stream(1));
        launch(rope, new Stream(2));
        StandInJCudaDriver.advance(150_000);
      }
      StandInJCudaDriver.advance(100_000_000);
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (hooks.timer().pending() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      ObjectName name = new ObjectName(GpuKernelStats.OBJECT_NAME);
      assertThat(server.getAttribute(name, "TimedLaunches")).isEqualTo(100L);
      assertThat(server.getAttribute(name, "Pending")).isEqualTo(0);
      CompositeData[] kernels = (CompositeData[]) server.getAttribute(name, "Kernels");
      assertThat(Arrays.stream(kernels).map(KernelStat::from).map(KernelStat::getKernel)).containsExactly("gemm", "rope");
      assertThat(KernelStat.from(kernels[0]).getCount()).isEqualTo(50);
      assertThat(KernelStat.from(kernels[1]).getP99Nanos()).isEqualTo(5_000);
      // Stream states are sampled at most every Harvester.SAMPLE_PERIOD_NANOS: wait for one.
      StreamStat s1;
      do {
        s1 = StreamStat.from(((CompositeData[]) server.getAttribute(name, "Streams"))[0]);
        Thread.sleep(5);
      } while (s1.getBusySamples() + s1.getIdleSamples() == 0 && System.nanoTime() < deadline);
      assertThat(s1.getStream()).isEqualTo("stream-1");
      assertThat(s1.getBusyNanos()).isEqualTo(5_000_000);
      assertThat(s1.getBusySamples() + s1.getIdleSamples()).isPositive();
      assertThat(server.getAttribute(name, "Active")).isEqualTo(true);
      server.invoke(name, "stop", new Object[0], new String[0]);
      assertThat(hooks.active()).isFalse();
    } finally {
      h.stop();
      GpuKernelStats.unregister();
    }
    assertThat(ManagementFactory.getPlatformMBeanServer().isRegistered(new ObjectName(GpuKernelStats.OBJECT_NAME)))
        .isFalse();
  }
}
