package dev.traceguard.commands.profile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.traceguard.analyzers.gpu.GpuAgentMetrics;
import dev.traceguard.gpu.agent.DriverCalls;
import dev.traceguard.gpu.agent.GpuKernelStats;
import dev.traceguard.gpu.agent.KernelInterceptor;
import dev.traceguard.gpu.timing.LaunchTimer;
import dev.traceguard.gpu.timing.TimingBackend;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link GpuAgentSession} reading the real {@link GpuKernelStats} MXBean over JMX (this JVM's
 * platform MBean server), fed by a real {@link KernelInterceptor} and {@link LaunchTimer} over a
 * stand-in device (no CUDA here): the figures reach the samples (metric names of {@link
 * GpuAgentMetrics}), the table and the JSON, and detach removes the MBean.
 */
class GpuAgentSessionTest {
  /** A device that runs each stream's kernels back to back; events complete at once. */
  static final class StandInDevice implements DriverCalls<String, String, String, String>,
      TimingBackend<String, long[]> {
    final Map<String, Long> kernelNanos = new HashMap<>();
    final Map<String, Long> streamClock = new HashMap<>();
    final Map<String, String> functions = new HashMap<>();

    @Override
    public int getFunction(String function, String module, String name) {
      functions.put(function, name);
      return 0;
    }

    @Override
    public int launch(String f, int gx, int gy, int gz, int bx, int by, int bz, int shared, String stream, String p,
        String e) {
      streamClock.merge(stream, kernelNanos.get(functions.get(f)), Long::sum);
      return 0;
    }

    @Override
    public boolean busy(String stream) {
      return stream.equals("s1");
    }

    @Override
    public long[] create() {
      return new long[1];
    }

    @Override
    public void record(long[] event, String stream) {
      event[0] = streamClock.getOrDefault(stream, 0L);
    }

    @Override
    public boolean done(long[] event) {
      return true;
    }

    @Override
    public long elapsedNanos(long[] start, long[] stop) {
      return stop[0] - start[0];
    }

    @Override
    public void destroy(long[] event) {}
  }

  @AfterEach
  void unregister() throws Exception {
    GpuKernelStats.unregister();
  }

  @Test
  void figuresOverJmxReachSamplesTableAndJsonAndDetachRemovesTheMBean() throws Exception {
    StandInDevice dev = new StandInDevice();
    dev.kernelNanos.put("gemm", 400_000L);
    dev.kernelNanos.put("add_bias", 2_000L);
    LaunchTimer<String, long[]> timer = new LaunchTimer<>(dev, System::nanoTime, 64, 16);
    KernelInterceptor<String, String, String, String> i = new KernelInterceptor<>(dev, timer, s -> s, 16, 16);
    i.cuModuleGetFunction("f1", "m", "gemm");
    i.cuModuleGetFunction("f2", "m", "add_bias");
    for (int n = 0; n < 10; n++) {
      i.cuLaunchKernel("f1", 1, 1, 1, 1, 1, 1, 0, "s1", null, null);
      i.cuLaunchKernel("f2", 1, 1, 1, 1, 1, 1, 0, "s2", null, null);
      i.cuLaunchKernel("f2", 1, 1, 1, 1, 1, 1, 0, "s2", null, null);
    }
    timer.harvest();
    i.sampleStreams();
    GpuKernelStats mbean = new GpuKernelStats(i, null);
    mbean.status("timing kernel launches through JCuda (stand-in)");
    mbean.register();

    List<String> notes = new ArrayList<>();
    GpuAgentSession session = GpuAgentSession.reading(42, ManagementFactory.getPlatformMBeanServer(), notes);
    Snapshot s = new Snapshot(1);
    session.sample(s);
    assertThat(notes).isEmpty();
    assertThat(s.get(GpuAgentMetrics.KERNEL_LAUNCHES, GpuAgentMetrics.KERNEL, "gemm")).isEqualTo(10);
    assertThat(s.get(GpuAgentMetrics.KERNEL_LAUNCHES, GpuAgentMetrics.KERNEL, "add_bias")).isEqualTo(20);
    assertThat(s.get(GpuAgentMetrics.KERNEL_TIME, GpuAgentMetrics.KERNEL, "gemm")).isCloseTo(0.004, within());
    assertThat(s.get(GpuAgentMetrics.KERNEL_P50, GpuAgentMetrics.KERNEL, "add_bias")).isCloseTo(2e-6, within());
    assertThat(s.get(GpuAgentMetrics.STREAM_LAUNCHES, GpuAgentMetrics.STREAM, "s2")).isEqualTo(20);
    assertThat(s.get(GpuAgentMetrics.STREAM_BUSY_SAMPLES, GpuAgentMetrics.STREAM, "s1")).isEqualTo(1.0);
    assertThat(s.get(GpuAgentMetrics.STREAM_BUSY_SAMPLES, GpuAgentMetrics.STREAM, "s2")).isEqualTo(0.0);
    assertThat(s.sum(GpuAgentMetrics.TIMED)).isEqualTo(30);
    assertThat(s.sum(GpuAgentMetrics.UNTIMED)).isEqualTo(0);

    session.close();
    assertThat(session.removed()).isTrue();
    assertThat(ManagementFactory.getPlatformMBeanServer().isRegistered(new ObjectName(GpuKernelStats.OBJECT_NAME)))
        .isFalse();
    assertThat(i.active()).as("detach without an agent stops timing").isFalse();

    String table = String.join("\n", session.table());
    assertThat(table).contains("GPU       timing kernel launches through JCuda (stand-in)")
        .contains("30 launches timed, 0 untimed")
        .containsPattern("gemm\\s+10\\s+10\\s+4\\.0 ms\\s+400\\.\\d µs")
        .containsPattern("add_bias\\s+20\\s+20\\s+40\\.0 µs\\s+2\\.0 µs")
        .doesNotContain("sampling budget")
        .contains("agent removed from the target");
    StringWriter w = new StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
      g.writeStartObject();
      session.json(g);
      g.writeEndObject();
    }
    Object json = ProfileGpuTest.parse(w.toString());
    assertThat(ProfileGpuTest.<String>at(json, "gpu", "state")).as("as last read").isEqualTo("timing");
    List<Map<String, Object>> kernels = ProfileGpuTest.at(json, "gpu", "kernels");
    assertThat(kernels).extracting(k -> k.get("kernel")).containsExactly("gemm", "add_bias");
    assertThat(((Number) kernels.get(0).get("totalNs")).longValue()).isEqualTo(4_000_000L);
    assertThat(ProfileGpuTest.<Boolean>at(json, "gpu", "agentRemoved")).isTrue();
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-7);
  }
}
