package dev.traceguard.cli;

import static dev.traceguard.cli.TestdataTest.ruleCounts;
import static dev.traceguard.cli.TestdataTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The metrics analyzer on the shipped samples, through the real CLI. */
class MetricsTestdataTest {
  static final Path DIR = TestdataTest.TESTDATA.resolve("metrics-broken");

  @ParameterizedTest
  @CsvSource({
    "counter-reset.om.txt, counter-reset, 1",
    "histogram-overflow.prom, histogram-overflow, 1",
    "missing-ai-labels.prom, missing-ai-labels, 2",
    "high-cardinality.om.txt, high-cardinality, 3",
    "gen-ai-metrics.otlp.jsonl, missing-ai-labels, 1",
    "errors.otlp.jsonl, error-taxonomy, 1"
  })
  void eachSampleFiresItsRuleOnly(String file, String rule, int count) throws IOException {
    // The OOM errors in errors.otlp.jsonl are also events for the oom analyzer; not this test's subject.
    String[] r = run("analyze", "-f", "json", "--fail-on", "never", "--analyzers", "context,metrics",
        DIR.resolve(file).toString());
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(ruleCounts(r[1])).containsExactly(Map.entry(rule, count));
    // The generator's expected.json tells the same story.
    String expected = Files.readString(DIR.resolve("expected.json"), StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("\"" + Pattern.quote(file) + "\": \\{\\s*\"" + rule + "\": " + count + "\\s*}")
        .matcher(expected);
    assertThat(m.find()).as("expected.json entry for %s", file).isTrue();
  }

  @Test
  void theCounterResetIsTheHotReloadNotTheRestart() {
    String[] r = run("analyze", "-f", "json", DIR.resolve("counter-reset.om.txt").toString());
    assertThat(r[0]).isEqualTo("1");
    assertThat(r[1]).contains("\"instance\" : \"inference-0:8080\"")
        .doesNotContain("\"instance\" : \"inference-1:8080\"")
        .contains("\"time\" : \"2026-11-20T10:12:30Z\"");
  }

  @Test
  void theErrorTaxonomySeparatesOutOfMemoryFromBadInput() {
    String[] r = run("analyze", "-f", "json", "--analyzers", "metrics", DIR.resolve("errors.otlp.jsonl").toString());
    assertThat(r[0]).isEqualTo("0");
    String compact = r[1].replaceAll("\\s+", "");
    assertThat(compact).contains("\"byClass\":{\"cuda-oom\":6,\"jvm-oom\":12,\"timeout\":27,"
        + "\"upstream-failure\":72,\"invalid-input\":18,\"other\":0}");
    assertThat(compact).contains("{\"service\":\"model-server\",\"model\":\"mistral-7b\",\"total\":2,"
        + "\"classes\":{\"cuda-oom\":2}");
    assertThat(compact).contains("\"logRecords\":3").contains("\"logRecordsOfErrorSpans\":12");
  }

  @Test
  void warningsFailOnlyWhenAskedTo() {
    String file = DIR.resolve("missing-ai-labels.prom").toString();
    assertThat(run("analyze", file)[0]).isEqualTo("0");
    String[] r = run("analyze", "--fail-on", "warning", file);
    assertThat(r[0]).isEqualTo("1");
    assertThat(r[1]).contains("missing-ai-labels").contains("fix: Record the model on every series: add the label"
        + " model=\"mistral-7b\"");
  }

  @Test
  void theCleanSamplesGiveNoMetricsFindingsButTheirErrorTaxonomy() {
    String[] metrics = run("analyze", "-f", "json", "--fail-on", "info", "--analyzers", "metrics",
        TestdataTest.TESTDATA.resolve("metrics").toString());
    assertThat(metrics[0]).isEqualTo("0");
    assertThat(ruleCounts(metrics[1])).isEmpty();
    assertThat(metrics[1]).contains("\"counterSeries\" : 21").contains("\"histograms\" : 4");
    String[] clean = run("analyze", "-f", "json", "--analyzers", "metrics", TestdataTest.TESTDATA.resolve("clean").toString());
    assertThat(clean[0]).isEqualTo("0");
    assertThat(ruleCounts(clean[1])).containsExactly(Map.entry("error-taxonomy", 1));
    assertThat(clean[1].replaceAll("\\s+", "")).contains("\"byClass\":{\"cuda-oom\":4,\"jvm-oom\":0,\"timeout\":16,"
        + "\"upstream-failure\":20,\"invalid-input\":6,\"other\":0}");
  }

  @Test
  void settingsComeFromTheCommandLine() {
    String file = DIR.resolve("high-cardinality.om.txt").toString();
    String[] r = run("analyze", "-f", "json", "--cardinality-limit", "5000", file);
    assertThat(ruleCounts(r[1])).containsExactly(Map.entry("high-cardinality", 2));
    String[] o = run("analyze", "-f", "json", "--fail-on", "never", "--histogram-overflow", "40%",
        DIR.resolve("histogram-overflow.prom").toString());
    assertThat(ruleCounts(o[1])).isEmpty();
    String[] bad = run("analyze", "--histogram-overflow", "120%", file);
    assertThat(bad[0]).isEqualTo("2");
    assertThat(bad[2]).contains("--histogram-overflow");
  }

  @Test
  void helpDescribesTheSettingsWithoutFormatWarnings() {
    String[] r = run("analyze", "--help");
    assertThat(r[0]).isEqualTo("0");
    assertThat(r[1]).contains("--cardinality-limit=N").contains("e.g. 5% or 0.05 (default: 5%)")
        .contains("Known: all, context, metrics");
    assertThat(r[2]).doesNotContain("WARN");
  }
}
