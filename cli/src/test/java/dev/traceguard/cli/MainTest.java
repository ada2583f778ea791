package dev.traceguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real CLI, run in-process with captured output. */
class MainTest {
  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Result(code, out.toString(), err.toString());
  }

  /** Through the command-line parser alone, not the entry point's answers without it. */
  static Result parsed(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.parse(new PrintWriter(out), new PrintWriter(err), args);
    return new Result(code, out.toString(), err.toString());
  }

  private static final String CLEAN =
      "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"gateway\"}}]},"
          + "\"scopeSpans\":[{\"spans\":[{\"traceId\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"spanId\":\"00f067aa0ba902b7\","
          + "\"name\":\"POST /v1/chat\",\"kind\":2,\"startTimeUnixNano\":\"1000000\",\"endTimeUnixNano\":\"9000000\"}]}]}]}\n";

  private static final String ORPHAN =
      "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"inference\"}}]},"
          + "\"scopeSpans\":[{\"spans\":[{\"traceId\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"spanId\":\"00f067aa0ba902b8\","
          + "\"parentSpanId\":\"00f067aa0ba90200\",\"name\":\"tokenize\",\"kind\":1,\"startTimeUnixNano\":\"2000000\",\"endTimeUnixNano\":\"3000000\"}]}]}]}\n";

  private Path file(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, content, StandardCharsets.UTF_8);
    return p;
  }

  @Test
  void versionAndHelpTeach() {
    Result v = parsed("--version");
    assertThat(v.code()).isZero();
    assertThat(v.out()).startsWith("traceguard ");
    // The jar's entry point answers --version without the parser, in the same words.
    for (String flag : new String[] {"--version", "-V"}) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      assertThat(Launch.quick(new PrintWriter(out), new PrintWriter(err), flag)).isZero();
      assertThat(out.toString()).isEqualTo(v.out()).contains("Java " + System.getProperty("java.version"));
      assertThat(err.toString()).isEmpty();
    }
    assertThat(Launch.quick(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), "--version", "x"))
        .as("anything more goes to the parser").isNull();
    Result h = run("analyze", "--help");
    assertThat(h.code()).isZero();
    assertThat(h.out()).contains("Examples:").contains("--fail-on").contains("Exit codes:").contains("docs/rules.md");
    Result root = run();
    assertThat(root.out()).contains("analyze");
  }

  /** The pids a ps output lists, in order. */
  private static java.util.List<String> pids(String out, String pattern) {
    java.util.List<String> l = new java.util.ArrayList<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(pattern, java.util.regex.Pattern.MULTILINE).matcher(out);
    while (m.find()) {
      l.add(m.group(1));
    }
    return l;
  }

  @Test
  void psAnswersTheSameWithoutTheParser() {
    // ps leaves out its own JVM; Maven's, which runs this test, is listed.
    for (String[] args : new String[][] {{"ps"}, {"ps", "--format", "json"}, {"ps", "-f", "JSON"}, {"ps", "--format=table"}}) {
      Result parsed = parsed(args);
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      Integer code = Launch.quick(new PrintWriter(out), new PrintWriter(err), args);
      assertThat(code).as(String.join(" ", args)).isEqualTo(parsed.code()).isZero();
      assertThat(err.toString()).isEmpty();
      boolean json = String.join(" ", args).toLowerCase(java.util.Locale.ROOT).contains("json");
      String pattern = json ? "\"pid\" : (\\d+)" : "^(\\d+) ";
      assertThat(pids(out.toString(), pattern)).as(out.toString()).isNotEmpty()
          .containsExactlyInAnyOrderElementsOf(pids(parsed.out(), pattern).stream()
              .filter(p -> ProcessHandle.of(Long.parseLong(p)).isPresent()).toList());
      if (!json) {
        assertThat(out.toString().lines().findFirst()).isEqualTo(parsed.out().lines().findFirst());
      }
    }
    for (String[] args : new String[][] {{"ps", "--help"}, {"ps", "-f", "xml"}, {"ps", "-f"}, {"ps", "x", "y", "z"}}) {
      assertThat(Launch.quick(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), args))
          .as("%s goes to the parser", String.join(" ", args)).isNull();
    }
  }

  @Test
  void cleanDumpExitsZero() throws IOException {
    Result r = run("analyze", file("clean.jsonl", CLEAN).toString());
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("No findings.").contains("1 span");
  }

  @Test
  void findingsExitOneAndFailOnNeverExitsZero() throws IOException {
    Path p = file("d.jsonl", CLEAN + ORPHAN);
    Result r = run("analyze", p.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("orphan-span").contains("fix:");
    assertThat(run("analyze", "--fail-on", "never", p.toString()).code()).isZero();
  }

  @Test
  void oneTraceAcrossTwoFilesIsMerged() throws IOException {
    Result r = run("analyze", file("a.jsonl", CLEAN).toString(), file("b.jsonl", ORPHAN).toString());
    // The orphan's trace has another span in the other file, so its missing parent is a finding.
    assertThat(r.out()).contains("orphan-span");
  }

  @Test
  void skippedRecordsExitThreeWithFileAndLine() throws IOException {
    Path p = file("bad.jsonl", CLEAN + "{\"resourceSpans\": [\n");
    Result r = run("analyze", "--format", "json", p.toString());
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.out()).contains("\"line\" : 2").contains("truncated JSON");
    assertThat(r.err()).contains("1 records skipped");
    assertThat(r.err()).doesNotContain("Exception");
  }

  @Test
  void unreadableInputsExitTwoWithoutStackTrace() throws IOException {
    Result r = run("analyze", dir.resolve("missing.jsonl").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).contains("no such file");
    Path junk = dir.resolve("junk.bin");
    Files.write(junk, new byte[] {0, (byte) 0xff, 3, 4, 5, 6, 7, 8, 9});
    Result j = run("analyze", junk.toString());
    assertThat(j.code()).isEqualTo(2);
    assertThat(j.out()).contains("not a known dump format");
  }

  @Test
  void usageErrorsExitTwoWithOneClearLine() {
    Result r = run("analyze", "--fail-on", "sometimes", "x");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--fail-on").contains("error, warning, info, never");
    Result a = run("analyze", "--analyzers", "nope", "x");
    assertThat(a.code()).isEqualTo(2);
    assertThat(a.err()).contains("unknown analyzer 'nope'").contains("context");
    Result o = run("analyze", "--bogus", "x");
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.err()).contains("Unknown option").doesNotContain("at dev.");
    Result d = run("analyze", "--clock-skew-tolerance", "5 parsecs", "x");
    assertThat(d.code()).isEqualTo(2);
    assertThat(d.err()).contains("unknown unit");
  }

  @Test
  void jsonOutputToFile() throws IOException {
    Path out = dir.resolve("report.json");
    Result r = run("analyze", "-f", "json", "-o", out.toString(), file("d.jsonl", CLEAN + ORPHAN).toString());
    assertThat(r.code()).isEqualTo(1);
    String json = Files.readString(out);
    assertThat(json).contains("\"rule\" : \"orphan-span\"").contains("\"summary\"").contains("\"error\" : 1");
  }
}
