package dev.traceguard.gpu.timing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LaunchTimerTest {
  private final StandInGpu gpu = new StandInGpu();

  private LaunchTimer<Integer, StandInGpu.Event> timer(int pairs, int kernels) {
    return new LaunchTimer<>(gpu, () -> gpu.now, pairs, kernels);
  }

  private static int launch(LaunchTimer<Integer, StandInGpu.Event> t, StandInGpu gpu, String k, int stream,
      long nanos) {
    return t.time(k, stream, "s" + stream, () -> gpu.launch(stream, nanos));
  }

  @Test
  void countsTotalsAndPercentilesPerKernel() {
    LaunchTimer<Integer, StandInGpu.Event> t = timer(1024, 16);
    long sum = 0;
    for (int i = 1; i <= 100; i++) {
      launch(t, gpu, "gemm", i % 2, i * 1_000L);
      sum += i * 1_000L;
    }
    launch(t, gpu, "softmax", 0, 3_000);
    gpu.now += 10_000_000;
    assertThat(t.harvest()).isEqualTo(101);
    TimingSnapshot s = t.snapshot();
    KernelTiming gemm = s.kernels().get(0);
    assertThat(gemm.kernel()).isEqualTo("gemm");
    assertThat(gemm.count()).isEqualTo(100);
    assertThat(gemm.totalNanos()).isEqualTo(sum);
    assertThat((double) gemm.p50Nanos()).isCloseTo(50_000, within(50_000 * 0.02));
    assertThat((double) gemm.p99Nanos()).isCloseTo(99_000, within(99_000 * 0.02));
    assertThat(gemm.maxNanos()).isEqualTo(100_000);
    assertThat(s.kernels().get(1).kernel()).isEqualTo("softmax");
    assertThat(s.timedLaunches()).isEqualTo(101);
    assertThat(s.pending()).isZero();
    // Each launch records two events at 700 ns of host time each.
    assertThat(s.overheadPerLaunchNanos()).isEqualTo(1400.0);
  }

  @Test
  void harvestNeverWaitsAndKeepsStreamOrder() {
    LaunchTimer<Integer, StandInGpu.Event> t = timer(64, 16);
    launch(t, gpu, "long", 1, 5_000_000);
    launch(t, gpu, "short", 1, 1_000);
    launch(t, gpu, "other-stream", 2, 2_000);
    gpu.now += 10_000;
    // Stream 2 is done; stream 1 is still in its long kernel: nothing of it is harvested.
    assertThat(t.harvest()).isEqualTo(1);
    assertThat(t.pending()).isEqualTo(2);
    assertThat(t.snapshot().kernels()).filteredOn(k -> k.timed() > 0).extracting(KernelTiming::kernel)
        .containsExactly("other-stream");
    // Launches are counted when made; their time comes with the harvest.
    assertThat(t.snapshot().kernels()).filteredOn(k -> k.kernel().equals("long")).singleElement()
        .satisfies(k -> assertThat(k.count()).isEqualTo(1)).satisfies(k -> assertThat(k.timed()).isZero());
    gpu.now += 5_000_000;
    assertThat(t.harvest()).isEqualTo(2);
    assertThat(t.snapshot().kernels()).extracting(KernelTiming::kernel)
        .containsExactly("long", "other-stream", "short");
  }

  @Test
  void queuedKernelsAreTimedByTheirOwnRunTime() {
    LaunchTimer<Integer, StandInGpu.Event> t = timer(64, 16);
    for (int i = 0; i < 10; i++) {
      launch(t, gpu, "k", 0, 100_000);
    }
    gpu.now += 2_000_000;
    t.harvest();
    KernelTiming k = t.snapshot().kernels().get(0);
    // Launched back to back, each waits for the one before; its own time is still 100 µs.
    assertThat(k.p50Nanos()).isEqualTo(100_000);
    assertThat(k.maxNanos()).isEqualTo(100_000);
    StreamTiming s = t.snapshot().streams().get(0);
    assertThat(s.busyNanos()).isEqualTo(1_000_000);
    assertThat(s.launches()).isEqualTo(10);
    assertThat(s.utilisation()).isBetween(0.4, 0.6);
  }

  @Test
  void poolIsBoundedAndReused() {
    LaunchTimer<Integer, StandInGpu.Event> t = timer(4, 16);
    for (int i = 0; i < 10; i++) {
      assertThat(launch(t, gpu, "k", 0, 1_000)).isZero();
    }
    TimingSnapshot s = t.snapshot();
    assertThat(s.timedLaunches()).isEqualTo(4);
    assertThat(s.untimedLaunches()).isEqualTo(6);
    assertThat(gpu.created).isEqualTo(8);
    gpu.now += 1_000_000;
    t.harvest();
    launch(t, gpu, "k", 0, 1_000);
    assertThat(gpu.created).isEqualTo(8);
    assertThat(t.snapshot().timedLaunches()).isEqualTo(5);
  }

  @Test
  void timingNeverChangesTheLaunch() {
    LaunchTimer<Integer, StandInGpu.Event> t = timer(4, 16);
    int[] ran = {0};
    assertThat(t.time("bad", 0, "s0", () -> {
      ran[0]++;
      return 719;
    })).isEqualTo(719);
    gpu.failRecords = true;
    assertThat(t.time("k", 0, "s0", () -> {
      ran[0]++;
      return 0;
    })).isZero();
    assertThat(ran[0]).isEqualTo(2);
    TimingSnapshot s = t.snapshot();
    assertThat(s.timedLaunches()).isZero();
    assertThat(s.untimedLaunches()).isEqualTo(2);
    assertThat(s.errors()).isEqualTo(1);
  }

  @Test
  void aLaunchThatThrowsGivesItsPairBack() {
    LaunchTimer<Integer, StandInGpu.Event> t = timer(2, 16);
    for (int i = 0; i < 5; i++) {
      IllegalStateException boom = new IllegalStateException("CUDA_ERROR_INVALID_VALUE");
      try {
        t.time("bad", 0, "s0", () -> {
          throw boom;
        });
      } catch (IllegalStateException e) {
        assertThat(e).isSameAs(boom);
      }
    }
    assertThat(t.pending()).isZero();
    assertThat(t.snapshot().untimedLaunches()).isEqualTo(5);
    // The pool of two pairs is intact: the next launches are timed.
    launch(t, gpu, "good", 0, 1_000);
    launch(t, gpu, "good", 0, 1_000);
    gpu.now += 1_000_000;
    t.harvest();
    assertThat(t.snapshot().timedLaunches()).isEqualTo(2);
  }

  @Test
  void kernelNamesAreBounded() {
    LaunchTimer<Integer, StandInGpu.Event> t = timer(64, 2);
    launch(t, gpu, "a", 0, 1_000);
    launch(t, gpu, "b", 0, 1_000);
    launch(t, gpu, "c", 0, 1_000);
    launch(t, gpu, "d", 0, 1_000);
    gpu.now += 1_000_000;
    t.harvest();
    TimingSnapshot s = t.snapshot();
    assertThat(s.kernels()).extracting(KernelTiming::kernel).containsExactlyInAnyOrder("a", "b", LaunchTimer.OTHER);
    assertThat(s.otherKernels()).isEqualTo(2);
  }

  @Test
  void closeStopsTimingAndReleasesEvents() {
    LaunchTimer<Integer, StandInGpu.Event> t = timer(8, 4);
    launch(t, gpu, "k", 0, 1_000);
    launch(t, gpu, "k", 0, 5_000_000);
    gpu.now += 10_000;
    t.harvest();
    t.close();
    assertThat(launch(t, gpu, "k", 0, 1_000)).isZero();
    assertThat(t.snapshot().timedLaunches()).isEqualTo(2);
    gpu.now += 10_000_000;
    t.harvest();
    assertThat(gpu.destroyed).isEqualTo(gpu.created);
  }

  @Test
  void overTheBudgetARandomSampleIsTimedAndTotalsAreScaledUp() {
    // 20 000 launches/s for one second against a budget of 1 000 timed launches/s; two kernels
    // alternate on one stream, so a sample that took every n-th launch would see only one of them.
    LaunchTimer<Integer, StandInGpu.Event> t = new LaunchTimer<>(gpu, () -> gpu.now, 4096, 16, 1_000);
    long trueA = 0;
    long trueB = 0;
    for (int i = 0; i < 20_000; i++) {
      boolean a = i % 2 == 0;
      long nanos = a ? 10_000 + (i % 7) * 1_000 : 30_000;
      if (a) {
        trueA += nanos;
      } else {
        trueB += nanos;
      }
      launch(t, gpu, a ? "a" : "b", 0, nanos);
      gpu.now += 50_000 - 2 * StandInGpu.RECORD_COST;
      if (i % 100 == 0) {
        t.harvest();
      }
    }
    gpu.now += 10_000_000;
    t.harvest();
    TimingSnapshot s = t.snapshot();
    assertThat(s.timedLaunches() + s.unsampledLaunches() + s.untimedLaunches()).isEqualTo(20_000);
    // The first 100 launches are timed in full (no rate known yet), then about 1 000 a second.
    assertThat(s.timedLaunches()).isBetween(950L, 1_250L);
    // 1 000 / 20 000 launches/s, a little less: an untimed launch records no events and comes sooner.
    assertThat(s.timedShare()).isBetween(0.046, 0.0501);
    KernelTiming a = s.kernels().stream().filter(k -> k.kernel().equals("a")).findFirst().orElseThrow();
    KernelTiming b = s.kernels().stream().filter(k -> k.kernel().equals("b")).findFirst().orElseThrow();
    assertThat(a.count()).isEqualTo(10_000);
    assertThat(b.count()).isEqualTo(10_000);
    assertThat(a.timed()).isBetween(400L, 700L);
    assertThat(b.timed()).isBetween(400L, 700L);
    assertThat((double) a.totalNanos()).isCloseTo(trueA, within(trueA * 0.05));
    assertThat(b.totalNanos()).isEqualTo(trueB);
    assertThat(b.p50Nanos()).isEqualTo(30_000);
    StreamTiming st = s.streams().get(0);
    assertThat(st.launches()).isEqualTo(20_000);
    assertThat((double) st.busyNanos()).isCloseTo(trueA + trueB, within((trueA + trueB) * 0.05));
  }

  @Test
  void underTheBudgetEveryLaunchIsTimed() {
    LaunchTimer<Integer, StandInGpu.Event> t = new LaunchTimer<>(gpu, () -> gpu.now, 4096, 16, 1_000);
    for (int i = 0; i < 1_500; i++) {
      launch(t, gpu, "k", 0, 1_000);
      gpu.now += 2_000_000;
    }
    t.harvest();
    TimingSnapshot s = t.snapshot();
    assertThat(s.timedLaunches()).isEqualTo(1_500);
    assertThat(s.unsampledLaunches()).isZero();
    assertThat(s.timedShare()).isEqualTo(1.0);
  }

  @Test
  void aFailedLaunchIsNotCounted() {
    LaunchTimer<Integer, StandInGpu.Event> t = timer(4, 16);
    launch(t, gpu, "k", 0, 1_000);
    t.time("k", 0, "s0", () -> 1);
    gpu.now += 1_000_000;
    t.harvest();
    assertThat(t.snapshot().kernels().get(0).count()).isEqualTo(1);
    assertThat(t.snapshot().streams().get(0).launches()).isEqualTo(1);
  }

  @Test
  void aLaunchNeverWaitsForTheHarvestsEventCalls() throws Exception {
    java.util.concurrent.CountDownLatch inCall = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    TimingBackend<Integer, StandInGpu.Event> slow = new TimingBackend<>() {
      @Override
      public StandInGpu.Event create() {
        return gpu.create();
      }

      @Override
      public void record(StandInGpu.Event e, Integer stream) {
        gpu.record(e, stream);
      }

      @Override
      public boolean done(StandInGpu.Event e) {
        return gpu.done(e);
      }

      @Override
      public long elapsedNanos(StandInGpu.Event a, StandInGpu.Event b) {
        return gpu.elapsedNanos(a, b);
      }

      @Override
      public long elapsedIfDone(StandInGpu.Event a, StandInGpu.Event b) throws Exception {
        inCall.countDown();
        release.await();
        return gpu.elapsedNanos(a, b);
      }

      @Override
      public void destroy(StandInGpu.Event e) {
        gpu.destroy(e);
      }
    };
    LaunchTimer<Integer, StandInGpu.Event> t = new LaunchTimer<>(slow, () -> 0L, 8, 4);
    t.time("k", 0, "s0", () -> gpu.launch(0, 1_000));
    Thread harvester = new Thread(t::harvest);
    harvester.start();
    assertThat(inCall.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    // The harvest is inside an event call: a launch and a snapshot still go through (within a
    // limit: were they to wait for the harvest's lock, the test fails rather than hangs).
    try {
      org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), () -> {
        assertThat(t.time("k", 0, "s0", () -> gpu.launch(0, 1_000))).isZero();
        assertThat(t.snapshot().kernels().get(0).count()).isEqualTo(2);
      });
    } finally {
      release.countDown();
    }
    harvester.join(10_000);
    assertThat(harvester.isAlive()).isFalse();
    assertThat(t.snapshot().kernels().get(0).timed()).as("the launch made during the harvest waits for the next")
        .isEqualTo(1);
    t.harvest();
    assertThat(t.snapshot().kernels().get(0).timed()).isEqualTo(2);
  }

  @Test
  void histogramBucketsAreTight() {
    LatencyHistogram h = new LatencyHistogram();
    for (long v : new long[] {0, 1, 63, 64, 65, 1_000, 123_456_789L, 1L << 41}) {
      int i = LatencyHistogram.index(v);
      if (v < (1L << 40)) {
        assertThat(LatencyHistogram.lowerBound(i)).isLessThanOrEqualTo(v);
        assertThat(LatencyHistogram.upperBound(i)).isGreaterThanOrEqualTo(v);
        assertThat((double) LatencyHistogram.upperBound(i) - LatencyHistogram.lowerBound(i))
            .isLessThanOrEqualTo(Math.max(0, v / 64.0));
      }
      h.record(v);
    }
    assertThat(h.count()).isEqualTo(8);
    assertThat(h.quantile(0)).isZero();
    assertThat(h.quantile(1)).isEqualTo(1L << 41);
    assertThat(h.min()).isZero();
  }
}
