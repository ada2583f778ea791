package dev.traceguard.analyzers.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.traceguard.analyzers.model.MetricSeries;
import dev.traceguard.analyzers.model.Telemetry;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Prometheus path: the OpenMetrics sample is loaded into a TSDB by promtool, dumped back
 * with {@code promtool tsdb dump}, and both files must read to the same series and points.
 */
class PromtoolRoundTripTest {
  private static final Path SAMPLE = Path.of("..", "testdata", "metrics", "inference.om.txt");

  @TempDir Path dir;

  private static String promtool() {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(d, "promtool");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return null;
  }

  private void run(Path out, String... cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.redirectOutput(out.toFile());
    Process p = pb.start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("promtool finished").isTrue();
    assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + Files.readString(out)).isZero();
  }

  @Test
  void openMetricsAndPromtoolDumpReadToTheSamePoints() throws Exception {
    String promtool = promtool();
    Assumptions.assumeTrue(promtool != null, "promtool not found on PATH (Debian package 'prometheus'); skipping the real-Prometheus round trip");
    Path tsdb = dir.resolve("data");
    run(dir.resolve("create.log"), promtool, "tsdb", "create-blocks-from", "openmetrics", SAMPLE.toString(), tsdb.toString());
    // promtool 2.42 dumps only a TSDB directory that has a WAL.
    Files.createDirectories(tsdb.resolve("wal"));
    Path dump = dir.resolve("dump.txt");
    run(dump, promtool, "tsdb", "dump", tsdb.toString());

    Telemetry om = new Telemetry();
    assertThat(DumpReader.read(SAMPLE, om).errors()).isEmpty();
    Telemetry pd = new Telemetry();
    var s = DumpReader.read(dump, pd);
    assertThat(s.format()).isEqualTo("promtool-dump");
    assertThat(s.errors()).isEmpty();

    assertThat(pd.metrics().seriesCount()).isEqualTo(om.metrics().seriesCount()).isPositive();
    assertThat(pd.metrics().sampleCount()).isEqualTo(om.metrics().sampleCount());
    Map<String, MetricSeries> byKey = new HashMap<>();
    for (MetricSeries m : pd.metrics().series()) {
      byKey.put(m.name() + m.labels(), m);
    }
    for (MetricSeries m : om.metrics().series()) {
      MetricSeries other = byKey.get(m.name() + m.labels());
      assertThat(other).as("series %s%s in the promtool dump", m.name(), m.labels()).isNotNull();
      assertThat(other.size()).isEqualTo(m.size());
      m.sortByTime();
      other.sortByTime();
      for (int i = 0; i < m.size(); i++) {
        // promtool stores milliseconds and prints values with %g (6 significant digits).
        assertThat(other.time(i)).isEqualTo(m.time(i) / 1_000_000 * 1_000_000);
        assertThat(other.value(i)).isCloseTo(m.value(i), within(Math.abs(m.value(i)) * 1e-5 + 1e-12));
      }
    }
  }
}
