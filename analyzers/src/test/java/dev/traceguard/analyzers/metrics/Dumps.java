package dev.traceguard.analyzers.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traceguard.analyzers.AnalysisOptions;
import dev.traceguard.analyzers.Analyzers;
import dev.traceguard.analyzers.io.DumpReader;
import dev.traceguard.analyzers.model.Telemetry;
import dev.traceguard.analyzers.report.Finding;
import dev.traceguard.analyzers.report.Report;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Reads dump texts through the real readers and runs the metrics analyzer over them. */
final class Dumps {
  /** 2026-11-20T10:00:00Z in seconds. */
  static final long T0 = 1795168800L;

  private Dumps() {}

  /** Reads each text as one input named after its index; no input may have errors. */
  static Telemetry read(String... texts) {
    Telemetry t = new Telemetry();
    for (int i = 0; i < texts.length; i++) {
      DumpReader.read("input" + i, new ByteArrayInputStream(texts[i].getBytes(StandardCharsets.UTF_8)), t, null);
      assertThat(t.inputs().get(i).errors()).as("read errors of input %d", i).isEmpty();
    }
    return t;
  }

  static Report analyze(String... texts) {
    return analyze(MetricsOptions.defaults(), texts);
  }

  static Report analyze(MetricsOptions o, String... texts) {
    return Analyzers.run(List.of(new MetricsAnalyzer()), read(texts),
        AnalysisOptions.defaults().with(MetricsOptions.class, o), "test");
  }

  static List<Finding> rule(Report r, String rule) {
    return r.findings().stream().filter(f -> f.rule().equals(rule)).toList();
  }

  /** One series of a promtool dump-openmetrics file: a value every 15 s from T0. */
  static String series(String nameAndLabels, double... values) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      sb.append(nameAndLabels).append(' ').append(values[i]).append(' ').append(T0 + 15L * i).append(".000\n");
    }
    return sb.toString();
  }

  /** An OpenMetrics dump of these series, ending in # EOF. */
  static String om(String... series) {
    return String.join("", series) + "# EOF\n";
  }
}
