package dev.traceguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The shipped sample dumps, through the real CLI: each broken file fires its rule and only it. */
class TestdataTest {
  static final Path TESTDATA = Path.of("..", "testdata");

  static String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
    return new String[] {Integer.toString(code), out.toString(), err.toString()};
  }

  static Map<String, Integer> ruleCounts(String json) {
    Map<String, Integer> counts = new TreeMap<>();
    Matcher m = Pattern.compile("\"rule\" : \"([a-z-]+)\"").matcher(json);
    while (m.find()) {
      counts.merge(m.group(1), 1, Integer::sum);
    }
    return counts;
  }

  @Test
  void cleanSamplesHaveNoFindings() {
    // Clean trace context; the model-server's CUDA out-of-memory errors in it are real OOM events
    // for the oom analyzer (see OomTestdataTest), and drift has no versions to compare.
    String[] r = run("analyze", "-f", "json", "--analyzers", "context,metrics", TESTDATA.resolve("clean").toString());
    assertThat(r[0]).isEqualTo("0");
    // The pipeline holds deliberate error traces: the info-level error-taxonomy summarises them.
    assertThat(ruleCounts(r[1])).containsExactly(Map.entry("error-taxonomy", 1));
    assertThat(r[1]).contains("\"format\" : \"otlp-json+gzip\"").contains("\"edgeOfDumpSpans\" : 4");
  }

  @ParameterizedTest
  @CsvSource({
    "invalid-id, invalid-id, 3",
    "duplicate-span-id, duplicate-span-id, 1",
    "negative-duration, negative-duration, 2",
    "orphan-span, orphan-span, 1",
    "trace-split, trace-split, 3",
    "context-lost, context-lost, 2",
    "clock-skew, clock-skew, 1",
    "multiple-roots, multiple-roots, 1",
    "missing-ai-attributes, missing-ai-attributes, 1",
    "deprecated-ai-attributes, deprecated-ai-attributes, 1"
  })
  void eachBrokenSampleFiresItsRuleOnly(String file, String rule, int count) {
    String[] r = run("analyze", "-f", "json", "--fail-on", "never", TESTDATA.resolve("broken/" + file + ".jsonl").toString());
    assertThat(r[0]).isEqualTo("0");
    Map<String, Integer> counts = ruleCounts(r[1]);
    counts.remove("error-taxonomy"); // a summary of the errors a sample holds, not a defect of it
    assertThat(counts).containsExactly(Map.entry(rule, count));
  }

  @Test
  void theReportIsTheSameOnOneThreadAndOnMany() {
    String[] one = run("analyze", "-f", "json", "--fail-on", "never", "--threads", "1", TESTDATA.toString());
    String[] many = run("analyze", "-f", "json", "--fail-on", "never", "--threads", "6", TESTDATA.toString());
    assertThat(one[0]).isEqualTo("3");
    assertThat(many[0]).isEqualTo(one[0]);
    assertThat(many[1]).isEqualTo(one[1]);
    assertThat(ruleCounts(one[1])).hasSizeGreaterThan(15);
    String[] bad = run("analyze", "--threads", "-1", TESTDATA.resolve("clean").toString());
    assertThat(bad[0]).isEqualTo("2");
    assertThat(bad[2]).contains("--threads");
  }

  @Test
  void badRecordsAreListedAndTheRestAnalysed() {
    String[] r = run("analyze", "-f", "json", TESTDATA.resolve("broken/bad-records.jsonl").toString());
    assertThat(r[0]).isEqualTo("3");
    // 18 spans on the good lines, plus the 2 complete spans before the cut in truncated line 3.
    assertThat(r[1]).contains("\"spans\" : 20").contains("\"skipped\" : 3");
    assertThat(r[1]).contains("\"line\" : 3").contains("\"line\" : 5").contains("\"line\" : 6");
    assertThat(ruleCounts(r[1])).isEmpty();
  }

  /** Whole-text golden comparison: the report format is an interface too. */
  @Test
  void traceSplitReportMatchesGolden() throws IOException {
    String[] json = run("analyze", "-f", "json", TESTDATA.resolve("broken/trace-split.jsonl").toString());
    String[] table = run("analyze", TESTDATA.resolve("broken/trace-split.jsonl").toString());
    assertThat(json[0]).isEqualTo("1");
    assertThat(json[1]).isEqualTo(golden("trace-split.json"));
    assertThat(table[1]).isEqualTo(golden("trace-split.txt"));
  }

  private static String golden(String name) throws IOException {
    return Files.readString(Path.of("src", "test", "resources", "golden", name), StandardCharsets.UTF_8);
  }
}
