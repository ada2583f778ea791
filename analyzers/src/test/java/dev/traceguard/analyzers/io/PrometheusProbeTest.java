package dev.traceguard.analyzers.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Which text files a directory walk takes for Prometheus expositions. */
class PrometheusProbeTest {
  @Test
  void expositionsAreTaken() {
    assertThat(DumpReader.looksLikePrometheus("# HELP up whether\nup 1\n")).isTrue();
    assertThat(DumpReader.looksLikePrometheus("up{job=\"a\"} 1 1700000000000\n")).isTrue();
    assertThat(DumpReader.looksLikePrometheus("# a comment\n\nhttp_requests_total{code=\"200\"} +Inf\n")).isTrue();
    assertThat(DumpReader.looksLikePrometheus("{\"my.metric\",le=\"1\"} 3\n")).isTrue();
    assertThat(DumpReader.looksLikePrometheus("m_bucket{le=\"1\"} 3 # {trace_id=\"ab\"} 0.5 1.2\n")).isTrue();
  }

  @Test
  void tablesOfNumbersAreNot() {
    assertThat(DumpReader.looksLikePrometheus("# by a script\ncase normal numeric\nref 1.0 2.0 3.0\n")).isFalse();
    assertThat(DumpReader.looksLikePrometheus("x 0.0 1.0 2.0 3.0 4.0\n")).isFalse();
    assertThat(DumpReader.looksLikePrometheus("hello world\n")).isFalse();
  }

  @Test
  void theStatisticsReferenceFilesInTestdataAreNotDumps(@org.junit.jupiter.api.io.TempDir Path dir)
      throws IOException {
    for (String f : new String[] {"drift/reference-stats.txt", "oom/reference-stats.txt"}) {
      Path p = Path.of("..", "testdata", f);
      assertThat(DumpReader.probe(p)).as(f).isNull();
    }
    Path prom = dir.resolve("metrics.txt");
    Files.writeString(prom, "# TYPE up gauge\nup 1\n");
    assertThat(DumpReader.probe(prom)).isEqualTo(DumpFormat.PROMETHEUS_TEXT);
  }
}
