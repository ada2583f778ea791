package dev.traceguard.analyzers.oom;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traceguard.analyzers.AnalysisOptions;
import dev.traceguard.analyzers.FindingSink;
import dev.traceguard.analyzers.io.DumpReader;
import dev.traceguard.analyzers.model.Attributes;
import dev.traceguard.analyzers.model.Labels;
import dev.traceguard.analyzers.model.LogRecord;
import dev.traceguard.analyzers.model.MetricSeries;
import dev.traceguard.analyzers.model.Resource;
import dev.traceguard.analyzers.model.Telemetry;
import dev.traceguard.analyzers.report.Finding;
import dev.traceguard.analyzers.report.Severity;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/** Each shape and each kind of event on small synthetic histories, one sample every 15 s. */
class OomAnalyzerTest {
  static final long T0 = 1_795_168_800L;
  static final double GIB = 1024.0 * 1024 * 1024;
  static final double MIB = 1024.0 * 1024;
  static final String[] POD = {"namespace", "ml", "pod", "model-0"};

  final Telemetry t = new Telemetry();

  OomAnalyzerTest() {
    t.addInput("test");
  }

  static long ns(int step) {
    return (T0 + step * 15L) * 1_000_000_000L;
  }

  void series(String name, Labels labels, int steps, IntToDoubleFunction f) {
    series(name, labels, Resource.EMPTY, 0, steps, f);
  }

  void series(String name, Labels labels, Resource r, int from, int to, IntToDoubleFunction f) {
    MetricSeries s = t.metrics().series(name, name, labels, r, 0, 1);
    for (int i = from; i < to; i++) {
      double v = f.applyAsDouble(i);
      if (!Double.isNaN(v)) {
        t.metrics().add(s, ns(i), v);
      }
    }
  }

  static Labels pod(String... more) {
    String[] all = new String[POD.length + more.length];
    System.arraycopy(POD, 0, all, 0, POD.length);
    System.arraycopy(more, 0, all, POD.length, more.length);
    return Labels.of(all);
  }

  List<Finding> run() {
    return run(AnalysisOptions.defaults());
  }

  List<Finding> run(AnalysisOptions options) {
    FindingSink sink = new FindingSink(100);
    new OomAnalyzer().analyze(t, options, sink);
    return sink.findings();
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> contributors(Finding f) {
    return (List<Map<String, Object>>) f.evidence().get("contributors");
  }

  /** A container killed at step {@code kill}: the restart shows one step later with reason OOMKilled. */
  void killedAt(int kill, int steps) {
    series("kube_pod_container_status_restarts_total", pod("container", "app"), steps, i -> i <= kill ? 0 : 1);
    series("kube_pod_container_status_last_terminated_reason", pod("container", "app", "reason", "OOMKilled"),
        Resource.EMPTY, kill + 1, steps, i -> 1);
    series("kube_pod_container_resource_limits", pod("container", "app", "resource", "memory", "unit", "byte"),
        steps, i -> 16 * GIB);
  }

  @Test
  void kvCacheGrowthFollowsRequestsInFlight() {
    Random rnd = new Random(1);
    int kill = 200;
    double[] running = new double[240];
    for (int i = 0; i < running.length; i++) {
      running[i] = i < 12 ? 0 : Math.max(0, Math.round(2 + i * 0.2 + rnd.nextGaussian()));
    }
    series("vllm:num_requests_running", pod("container", "app"), 240, i -> i > kill ? 0 : running[i]);
    series("container_memory_working_set_bytes", pod("container", "app"), 240,
        i -> i > kill ? 6 * GIB : 6 * GIB + running[i] * 0.24 * GIB + rnd.nextGaussian() * 20 * MIB);
    killedAt(kill, 240);
    List<Finding> fs = run();
    assertThat(fs).hasSize(1);
    Finding f = fs.get(0);
    assertThat(f.rule()).isEqualTo("oom-attribution");
    assertThat(f.severity()).isEqualTo(Severity.ERROR);
    assertThat(f.evidence()).containsEntry("memory", "container").containsEntry("cause", "kv-cache-growth")
        .containsEntry("limit", (long) (16 * GIB)).containsEntry("time", Instant.ofEpochSecond(T0 + kill * 15L).toString());
    assertThat(contributors(f).get(0)).containsEntry("metric", "container_memory_working_set_bytes")
        .containsEntry("shape", "kv-cache-growth").containsEntry("share", 1.0);
    assertThat(f.subject()).containsEntry("labels", Map.of("namespace", "ml", "pod", "model-0", "container", "app"));
  }

  @Test
  void leakWhenTroughsRiseUnderFlatLoad() {
    Random rnd = new Random(2);
    int steps = 400;
    series("http_server_active_requests", pod(), steps, i -> 20 + rnd.nextInt(5));
    // a sawtooth whose floor rises 1.5 GiB over the window; cAdvisor's OOM counter ticks at the end
    series("container_memory_working_set_bytes", pod("container", "app"), steps,
        i -> 4 * GIB + i * 4 * MIB + (i % 20) * 60 * MIB + rnd.nextGaussian() * 10 * MIB);
    series("container_oom_events_total", pod("container", "app"), steps, i -> i < 390 ? 0 : 1);
    series("container_spec_memory_limit_bytes", pod("container", "app"), steps, i -> 6.8 * GIB);
    List<Finding> fs = run();
    assertThat(fs).hasSize(1);
    Finding f = fs.get(0);
    assertThat(f.evidence()).containsEntry("cause", "leak").containsEntry("memory", "container");
    Map<String, Object> top = contributors(f).get(0);
    assertThat(top).containsEntry("shape", "leak");
    @SuppressWarnings("unchecked")
    Map<String, Object> trend = (Map<String, Object>) top.get("trend");
    assertThat((double) trend.get("mannKendallP")).isLessThan(0.05);
    assertThat((double) trend.get("slopePerHour")).isGreaterThan(0.5 * GIB);
  }

  @Test
  void batchSpikeAlignedWithBatchSize() {
    Random rnd = new Random(3);
    int steps = 300;
    double[] batch = new double[steps];
    for (int i = 0; i < steps; i++) {
      batch[i] = i % 25 == 0 ? 48 + rnd.nextInt(16) : 2 + rnd.nextInt(6);
    }
    batch[280] = 128;
    series("tgi_batch_current_size", pod(), steps, i -> batch[i]);
    series("kube_pod_container_resource_limits", pod("container", "app", "resource", "memory"), steps, i -> 16 * GIB);
    // no kube-state restart series: the kill shows as the working set falling from its limit
    series("container_memory_working_set_bytes", pod("container", "app"), steps,
        i -> i > 280 ? 3 * GIB : 8 * GIB + batch[i] * 0.0625 * GIB + rnd.nextGaussian() * 15 * MIB);
    List<Finding> fs = run();
    assertThat(fs).hasSize(1);
    assertThat(fs.get(0).evidence()).containsEntry("cause", "batch-spike")
        .containsEntry("time", Instant.ofEpochSecond(T0 + 280 * 15L).toString());
    assertThat(contributors(fs.get(0)).get(0)).containsEntry("shape", "batch-spike");
  }

  @Test
  void modelLoadWhenKilledBeforeRequestsFlow() {
    int steps = 40;
    series("vllm:num_requests_running", pod("container", "app"), steps, i -> 0);
    series("container_memory_working_set_bytes", pod("container", "app"), steps,
        i -> i <= 10 ? 0.5 * GIB + i * 1.55 * GIB : 0.5 * GIB + (i - 11) * 1.55 * GIB);
    killedAt(10, steps);
    List<Finding> fs = run();
    assertThat(fs).hasSize(1);
    assertThat(fs.get(0).evidence()).containsEntry("cause", "model-load");
    assertThat(contributors(fs.get(0)).get(0)).containsEntry("shape", "model-load");
    assertThat(fs.get(0).message()).contains("took");
  }

  @Test
  void vllmStartupWithoutRoomForTheKvCacheIsModelLoad() {
    Resource r = new Resource(Attributes.of("service.name", "vllm"));
    t.addLog(new LogRecord(ns(3), 0, 17, "ERROR", "ValueError: No available memory for the cache blocks. Try increasing"
        + " `gpu_memory_utilization` when initializing the engine.", Attributes.empty(), "", "", r, 0, 40));
    List<Finding> fs = run();
    assertThat(fs).hasSize(1);
    assertThat(fs.get(0).evidence()).containsEntry("memory", "gpu").containsEntry("cause", "model-load");
  }

  @Test
  void heapExhaustionWithGcTimeRisingAndJavaHeapSpace() {
    Random rnd = new Random(4);
    int steps = 240;
    Labels base = Labels.of("instance", "scorer-0:8080", "job", "scorer");
    double[] gc = new double[steps];
    for (int i = 1; i < steps; i++) {
      gc[i] = gc[i - 1] + (i < 180 ? 0.02 : 0.02 + (i - 180) * 0.05);
    }
    series("http_server_requests_seconds_count", base.with("uri", "/score"), steps, i -> 10.0 * i * i);
    series("jvm_memory_used_bytes", base.with("area", "heap").with("id", "G1 Old Gen"), steps,
        i -> Math.min(1.99 * GIB, 0.3 * GIB + i * i * 35_000.0 + rnd.nextInt(1000)));
    series("jvm_memory_used_bytes", base.with("area", "heap").with("id", "G1 Eden Space"), steps, i -> (i % 5) * 1e6);
    series("jvm_memory_max_bytes", base.with("area", "heap").with("id", "G1 Old Gen"), steps, i -> 2 * GIB);
    series("jvm_memory_max_bytes", base.with("area", "heap").with("id", "G1 Eden Space"), steps, i -> -1);
    series("jvm_gc_pause_seconds_sum", base.with("gc", "G1 Old Generation"), steps, i -> gc[i]);
    t.addLog(new LogRecord(ns(239), 0, 17, "ERROR", "Exception in thread \"http-nio-8080-exec-7\" java.lang.OutOfMemoryError: Java heap space",
        Attributes.empty(), "", "", new Resource(Attributes.of("service.name", "scorer")), 0, 12));
    List<Finding> fs = run();
    assertThat(fs).hasSize(1);
    Finding f = fs.get(0);
    assertThat(f.evidence()).containsEntry("memory", "jvm-heap").containsEntry("kind", "Java heap space")
        .containsEntry("cause", "heap-exhaustion").containsEntry("limit", (long) (2 * GIB));
    assertThat(f.subject()).containsEntry("service", "scorer");
  }

  @Test
  void fragmentationFromTheCudaMessage() {
    int steps = 100;
    Labels gpu = pod("container", "app", "gpu", "0", "UUID", "GPU-1");
    series("DCGM_FI_DEV_FB_USED", gpu, steps, i -> 70_000 + i * 10.0);
    series("DCGM_FI_DEV_FB_FREE", gpu, steps, i -> 11_559 - i * 10.0);
    series("vllm:num_requests_running", pod("container", "app"), steps, i -> 8);
    Resource r = new Resource(Attributes.of("service.name", "llm", "k8s.pod.name", "model-0", "k8s.namespace.name", "ml"));
    String msg = "CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.65 GiB of which"
        + " 1.53 GiB is free. Including non-PyTorch memory, this process has 78.11 GiB memory in use. Of the allocated"
        + " memory 73.20 GiB is allocated by PyTorch, and 3.10 GiB is reserved by PyTorch but unallocated.";
    t.addLog(new LogRecord(ns(99), 0, 17, "ERROR", "generate failed",
        Attributes.of("exception.type", "torch.OutOfMemoryError", "exception.message", msg), "", "", r, 0, 3));
    List<Finding> fs = run();
    assertThat(fs).hasSize(1);
    Finding f = fs.get(0);
    assertThat(f.evidence()).containsEntry("memory", "gpu").containsEntry("cause", "fragmentation")
        .containsEntry("requested", (long) (2 * GIB)).containsEntry("reservedUnallocated", 3328599654L);
    assertThat((long) f.evidence().get("limit")).isEqualTo(Math.round(79.65 * GIB));
    assertThat(f.subject()).containsEntry("device", "0").containsEntry("metric", "DCGM_FI_DEV_FB_USED");
  }

  @Test
  void riskWhenTheTrendReachesTheLimitWithinTheHorizon() {
    Random rnd = new Random(5);
    int steps = 480; // 2 h
    series("kube_pod_container_resource_limits", pod("container", "app", "resource", "memory"), steps, i -> 10 * GIB);
    series("kube_pod_container_status_restarts_total", pod("container", "app"), steps, i -> 3);
    // +2 GiB an hour: 5 GiB at the start, 9 GiB at the end, the limit half an hour later
    series("container_memory_working_set_bytes", pod("container", "app"), steps,
        i -> 5 * GIB + i * (2 * GIB / 240) + rnd.nextGaussian() * 20 * MIB);
    List<Finding> fs = run();
    assertThat(fs).hasSize(1);
    Finding f = fs.get(0);
    assertThat(f.rule()).isEqualTo("oom-risk");
    assertThat(f.severity()).isEqualTo(Severity.WARNING);
    Instant when = Instant.parse((String) f.evidence().get("reachesLimitAt"));
    Instant expected = Instant.ofEpochSecond(T0 + 479 * 15L).plus(Duration.ofMinutes(30));
    assertThat(Duration.between(expected, when).abs()).isLessThan(Duration.ofMinutes(4));
    assertThat(f.message()).contains("reaches its 10.0 GiB limit at");

    AnalysisOptions shortHorizon =
        AnalysisOptions.defaults().with(OomOptions.class, OomOptions.defaults().withHorizon(Duration.ofMinutes(15)));
    assertThat(run(shortHorizon)).isEmpty();
  }

  @Test
  void steadyHighMemoryIsNotARisk() {
    Random rnd = new Random(6);
    int steps = 480;
    series("kube_pod_container_resource_limits", pod("container", "app", "resource", "memory"), steps, i -> 10 * GIB);
    series("kube_pod_container_status_restarts_total", pod("container", "app"), steps, i -> 0);
    series("kube_pod_container_status_last_terminated_reason", pod("container", "app", "reason", "OOMKilled"), steps,
        i -> 1);
    series("container_memory_working_set_bytes", pod("container", "app"), steps,
        i -> 9.3 * GIB + Math.sin(i / 10.0) * 200 * MIB + rnd.nextGaussian() * 20 * MIB);
    assertThat(run()).isEmpty();
  }

  @Test
  void restartWithoutOomSignalIsNoEvent() {
    int steps = 100;
    series("kube_pod_container_status_restarts_total", pod("container", "app"), steps, i -> i < 50 ? 0 : 1);
    series("kube_pod_container_status_last_terminated_reason", pod("container", "app", "reason", "Error"),
        Resource.EMPTY, 50, steps, i -> 1);
    series("container_memory_working_set_bytes", pod("container", "app"), steps, i -> 2 * GIB);
    series("kube_pod_container_resource_limits", pod("container", "app", "resource", "memory"), steps, i -> 16 * GIB);
    assertThat(run()).isEmpty();
  }

  @Test
  void spanEventOutOfMemoryWithoutMetricsIsReportedWithNoLedger() {
    String line = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":"
        + "{\"stringValue\":\"indexer\"}}]},\"scopeSpans\":[{\"spans\":[{\"traceId\":\"5b8efff798038103d269b633813fc60c\","
        + "\"spanId\":\"eee19b7ec3c1b174\",\"name\":\"POST /index\",\"kind\":2,\"startTimeUnixNano\":\"1795168800000000000\","
        + "\"endTimeUnixNano\":\"1795168801000000000\",\"status\":{\"code\":2},\"events\":[{\"name\":\"exception\","
        + "\"timeUnixNano\":\"1795168800500000000\",\"attributes\":[{\"key\":\"exception.type\",\"value\":{\"stringValue\":"
        + "\"java.lang.OutOfMemoryError\"}},{\"key\":\"exception.message\",\"value\":{\"stringValue\":\"Metaspace\"}}]}]}]}]}]}\n";
    Telemetry tt = new Telemetry();
    DumpReader.read("spans.jsonl", new ByteArrayInputStream(line.getBytes(StandardCharsets.UTF_8)), tt, null);
    FindingSink sink = new FindingSink(100);
    new OomAnalyzer().analyze(tt, AnalysisOptions.defaults(), sink);
    assertThat(sink.findings()).hasSize(1);
    Finding f = sink.findings().get(0);
    assertThat(f.evidence()).containsEntry("memory", "jvm-native").containsEntry("kind", "Metaspace")
        .containsEntry("cause", "unknown").containsEntry("contributors", List.of());
    assertThat(f.subject()).containsEntry("service", "indexer");
    assertThat(f.message()).contains("no memory history");
  }

  @Test
  void repeatedErrorsAreOneEventAndJvmFlagsAreNone() {
    Resource r = new Resource(Attributes.of("service.name", "embedder"));
    for (int k = 0; k < 3; k++) {
      t.addLog(new LogRecord(ns(k * 4), 0, 17, "ERROR", "java.lang.OutOfMemoryError: Direct buffer memory",
          Attributes.empty(), "", "", r, 0, k));
    }
    t.addLog(new LogRecord(ns(200), 0, 9, "INFO", "JVM flags: -Xmx2g -XX:+HeapDumpOnOutOfMemoryError -XX:MaxDirectMemorySize=1g",
        Attributes.empty(), "", "", r, 0, 9));
    List<Finding> fs = run();
    assertThat(fs).hasSize(1);
    assertThat(fs.get(0).evidence()).containsEntry("occurrences", 3).containsEntry("memory", "jvm-native");
  }

  @Test
  void crashLoopAndFloodsOfErrorsStayBounded() {
    int steps = 5_000;
    // restarting every sample for a day: kills merge, signals are capped
    series("kube_pod_container_status_restarts_total", pod("container", "app"), steps, i -> i);
    series("kube_pod_container_status_last_terminated_reason", pod("container", "app", "reason", "OOMKilled"), steps,
        i -> 1);
    series("container_memory_working_set_bytes", pod("container", "app"), steps, i -> (i % 2) * GIB);
    for (int k = 0; k < OomAnalyzer.MAX_EVENTS + 100; k++) {
      t.addLog(new LogRecord(ns(k), 0, 17, "ERROR", "java.lang.OutOfMemoryError: Java heap space", Attributes.empty(),
          "", "", new Resource(Attributes.of("service.name", "svc-" + k)), 0, k));
    }
    long start = System.nanoTime();
    FindingSink sink = new FindingSink(50);
    new OomAnalyzer().analyze(t, AnalysisOptions.defaults(), sink);
    assertThat(System.nanoTime() - start).isLessThan(60_000_000_000L);
    assertThat(sink.stats()).containsEntry("oomEvents", OomAnalyzer.MAX_EVENTS);
    assertThat((long) sink.stats().get("oomEventsNotAnalysed")).isPositive();
    assertThat(sink.findings()).hasSize(50);
    assertThat(sink.suppressed().get("oom-attribution")).isEqualTo(OomAnalyzer.MAX_EVENTS - 50L);
  }
}
