package dev.traceguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.traceguard.cli.MainTest.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code traceguard validate}, {@code --strict}, and directories given as inputs, through the real CLI. */
class ValidateAndInputsTest {
  private static final Path TESTDATA = Path.of("..", "testdata");
  private static final Path SUITE = Path.of("..", "..", "shared", "conformance", "openmetrics");
  private static final JsonFactory JSON = new JsonFactory();

  @TempDir Path dir;

  private Path file(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content, StandardCharsets.UTF_8);
    return p;
  }

  @Test
  void sampleMetricsAreValid() {
    Result r = MainTest.run("validate", TESTDATA.resolve("metrics").toString());
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("inference.om.txt  [openmetrics]  valid").contains("4 inputs valid");
  }

  @Test
  void strictRejectsPrometheusTextThatIsNotOpenMetrics() {
    Path prom = TESTDATA.resolve("metrics/inference.prom");
    assertThat(MainTest.run("validate", prom.toString()).code()).isZero();
    Result r = MainTest.run("validate", "--strict", prom.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("INVALID").contains("# EOF").contains("(strict OpenMetrics 1.0)");
    // analyze --strict reads the same way: the records it cannot accept are skipped (exit 3).
    assertThat(MainTest.run("analyze", "--strict", prom.toString()).code()).isEqualTo(3);
  }

  @Test
  void badLinesAreListedWithTheirLineAndTheRestIsCounted() throws IOException {
    Path p = file("bad.om.txt", "# TYPE a counter\na_total 1\na_total{x=\"1} 2\nb 3 4 5 6\nc 7\n# EOF\n");
    Result r = MainTest.run("validate", p.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("INVALID").contains("\n  3:").contains("\n  4:").contains("2 errors");
  }

  @Test
  void jsonOutputCarriesAVerdictPerInput() throws IOException {
    Path good = file("good.prom", "# TYPE up gauge\nup 1\n");
    Path bad = file("bad.jsonl", "{\"resourceSpans\": [\n");
    Result r = MainTest.run("validate", "--format", "json", good.toString(), bad.toString());
    assertThat(r.code()).isEqualTo(1);
    Map<String, Boolean> valid = verdicts(r.out());
    assertThat(valid).containsEntry(good.toString(), true).containsEntry(bad.toString(), false);
    assertThat(r.out()).contains("\"valid\" : false").contains("\"line\" : ");
  }

  @Test
  void unopenableInputIsAUsageError() {
    Result r = MainTest.run("validate", dir.resolve("missing.jsonl").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).contains("UNREADABLE").contains("no such file");
    assertThat(r.err()).doesNotContain("Exception");
  }

  @Test
  void jsonWithoutOtlpContentIsAnErrorNotSilence() throws IOException {
    Path p = file("notes.json", "{\"expected\": {\"orphan-span\": 1}}\n");
    Result r = MainTest.run("validate", p.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("without OTLP content").contains("found expected");
  }

  @Test
  void prometheusThreeQuotedNamesAreReadAsPrometheusText() throws IOException {
    Path p = file("utf8.prom", "{\"inference.requests\", model=\"llama\"} 3\n{\"inference.requests\", model=\"phi\"} 4\n");
    Result r = MainTest.run("validate", p.toString());
    assertThat(r.out()).contains("[prometheus-text]").contains("2 series");
    assertThat(r.code()).isZero();
  }

  /** Every case of the OpenMetrics parser suite gets the suite's verdict from the real command. */
  @Test
  void strictValidateMatchesTheOpenMetricsSuite() throws IOException {
    Path index = SUITE.resolve("parsers-index.json");
    Assumptions.assumeTrue(Files.isRegularFile(index),
        "the OpenMetrics parser suite is not at " + SUITE.toAbsolutePath().normalize()
            + " (it ships beside the project, not inside it)");
    Map<String, Boolean> expected = new HashMap<>();
    List<String> args = new ArrayList<>(List.of("validate", "--strict", "--format", "json"));
    try (JsonParser p = JSON.createParser(index.toFile())) {
      String name = null;
      String file = null;
      Boolean should = null;
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t == JsonToken.FIELD_NAME) {
          String f = p.currentName();
          p.nextToken();
          switch (f) {
            case "name" -> name = p.getText();
            case "file" -> file = p.getText();
            case "shouldParse" -> should = p.getBooleanValue();
            default -> p.skipChildren();
          }
        } else if (t == JsonToken.END_OBJECT && name != null) {
          String path = SUITE.resolve("parsers").resolve(name).resolve(file).toString();
          expected.put(path, should);
          args.add(path);
          name = null;
        }
      }
    }
    assertThat(expected).hasSize(211);
    Result r = MainTest.run(args.toArray(String[]::new));
    Map<String, Boolean> got = verdicts(r.out());
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, Boolean> e : expected.entrySet()) {
      if (!e.getValue().equals(got.get(e.getKey()))) {
        wrong.add(e.getKey() + " expected " + (e.getValue() ? "valid" : "invalid"));
      }
    }
    assertThat(wrong).isEmpty();
    assertThat(r.code()).as("bad cases that are in no known format count as unreadable").isEqualTo(2);
  }

  @Test
  void aDirectoryIsWalkedAndFilesThatAreNoDumpsArePassedOver() throws IOException {
    Path sub = dir.resolve("dumps/nested");
    Files.createDirectories(sub);
    Files.copy(TESTDATA.resolve("broken/orphan-span.jsonl"), sub.resolve("orphan-span.jsonl"));
    Files.copy(TESTDATA.resolve("metrics/inference.om.txt"), dir.resolve("dumps/inference.om.txt"));
    file("dumps/README.md", "# Dumps\n\nCopied from `{\"resourceSpans\": [...]}` files.\n");
    file("dumps/make.py", "#!/usr/bin/env python3\nreq = {\"resourceSpans\": [{\"resource\": res}]}\n");
    file("dumps/expected.json", "{\"orphan-span\": 2}\n");
    file("dumps/.hidden/trace.jsonl", "not read at all\n");
    Result r = MainTest.run("analyze", "-v", "--format", "json", dir.resolve("dumps").toString());
    assertThat(r.code()).as(r.err()).isEqualTo(1);
    assertThat(r.out()).contains("orphan-span.jsonl").contains("inference.om.txt").contains("\"rule\" : \"orphan-span\"");
    assertThat(r.out()).doesNotContain("README.md").doesNotContain("make.py").doesNotContain("expected.json")
        .doesNotContain(".hidden");
    assertThat(r.err()).contains("passed over " + dir.resolve("dumps/README.md"))
        .contains("passed over " + dir.resolve("dumps/make.py"));

    Path empty = dir.resolve("empty");
    Files.createDirectories(empty);
    file("empty/notes.txt", "nothing here\n");
    Result e = MainTest.run("analyze", empty.toString());
    assertThat(e.code()).isEqualTo(2);
    assertThat(e.err()).contains("directory holds no dump files");
  }

  @Test
  void theWholeTestdataTreeIsOneCommand() throws IOException {
    Result r = MainTest.run("analyze", "--format", "json", TESTDATA.toString());
    List<String> args = new ArrayList<>(List.of("analyze", "--format", "json"));
    try (java.util.stream.Stream<Path> dirs = Files.list(TESTDATA)) {
      // In the order the walk reads them (file paths sorted), since scrapes without timestamps
      // are compared in the order read.
      dirs.filter(Files::isDirectory).map(d -> d + "/").sorted().forEach(d -> args.add(d));
    }
    Result parts = MainTest.run(args.toArray(String[]::new));
    assertThat(r.code()).isEqualTo(parts.code()).isEqualTo(1);
    assertThat(count(r.out(), "\"rule\" :")).isEqualTo(count(parts.out(), "\"rule\" :")).isPositive();
  }

  private static int count(String s, String what) {
    int n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  private static Map<String, Boolean> verdicts(String json) throws IOException {
    Map<String, Boolean> out = new HashMap<>();
    try (JsonParser p = JSON.createParser(json)) {
      String path = null;
      int depth = 0;
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t.isStructStart()) {
          depth++;
        } else if (t.isStructEnd()) {
          depth--;
        } else if (t == JsonToken.FIELD_NAME && depth == 3) {
          String f = p.currentName();
          p.nextToken();
          if (f.equals("path")) {
            path = p.getText();
          } else if (f.equals("valid")) {
            out.put(path, p.getBooleanValue());
          } else {
            p.skipChildren();
          }
        }
      }
    }
    return out;
  }
}
