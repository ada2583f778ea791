package dev.traceguard.analyzers.context;

import static dev.traceguard.analyzers.SpanJson.span;
import static dev.traceguard.analyzers.SpanJson.trace;
import static org.assertj.core.api.Assertions.assertThat;

import dev.traceguard.analyzers.AnalysisOptions;
import dev.traceguard.analyzers.Analyzers;
import dev.traceguard.analyzers.SpanJson;
import dev.traceguard.analyzers.io.DumpReader;
import dev.traceguard.analyzers.model.Telemetry;
import dev.traceguard.analyzers.report.Finding;
import dev.traceguard.analyzers.report.Report;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ContextAnalyzerTest {
  static final int SERVER = 2;
  static final int CLIENT = 3;
  static final int INTERNAL = 1;
  static final int PRODUCER = 4;
  static final int CONSUMER = 5;

  static Report analyze(String... lines) {
    Telemetry t = new Telemetry();
    DumpReader.read("test.jsonl", new ByteArrayInputStream((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8)), t, null);
    assertThat(t.inputs().get(0).errors()).isEmpty();
    return Analyzers.run(List.of(new ContextAnalyzer()), t, AnalysisOptions.defaults(), "test");
  }

  static List<Finding> rule(Report r, String rule) {
    return r.findings().stream().filter(f -> f.rule().equals(rule)).toList();
  }

  /**
   * A realistic clean dump: gateway → inference → model-server, GenAI spans, messaging with a
   * link, remote-edge servers; batches split traces across lines in shuffled order.
   */
  static List<String> cleanPipeline(int traces, long seed) {
    Random rnd = new Random(seed);
    List<String> all = new ArrayList<>();
    for (int i = 0; i < traces; i++) {
      String t = trace(i);
      long base = i * 1000L;
      long s = i * 100L;
      int d = 50 + rnd.nextInt(200);
      all.add(SpanJson.service("gateway")
          .span(t, span(s), null, "POST /v1/chat/completions", SERVER, base, base + d + 40)
          .span(t, span(s + 1), span(s), "POST /infer", CLIENT, base + 5, base + d + 30, "server.address", "inference")
          .line());
      all.add(SpanJson.service("inference")
          .spanFlags(t, span(s + 2), span(s + 1), "POST /infer", SERVER, base + 7, base + d + 28, 0x301)
          .span(t, span(s + 3), span(s + 2), "tokenize", INTERNAL, base + 9, base + 12)
          .span(t, span(s + 4), span(s + 2), "chat llama-3-8b", CLIENT, base + 13, base + d + 25,
              "gen_ai.operation.name", "chat", "gen_ai.provider.name", "vllm", "gen_ai.request.model", "llama-3-8b",
              "server.address", "model-server")
          .line());
      all.add(SpanJson.service("model-server")
          .spanFlags(t, span(s + 5), span(s + 4), "POST /generate", SERVER, base + 15, base + d + 23, 0x301)
          .line());
      // Messaging: the consumer starts its own trace and links to the producer.
      String t2 = trace(100_000 + i);
      all.add(SpanJson.service("inference").span(t, span(s + 6), span(s + 2), "usage publish", PRODUCER, base + 20, base + 21).line());
      all.add(SpanJson.service("billing").span(t2, span(s + 7), null, "usage process", CONSUMER, base + 30, base + 35).line()
          .replace("\"attributes\":[]}", "\"attributes\":[],\"links\":[{\"traceId\":\"" + t + "\",\"spanId\":\"" + span(s + 6) + "\"}]}"));
    }
    // Edge of the dump: servers whose remote caller is not in these files.
    for (int i = 0; i < 5; i++) {
      all.add(SpanJson.service("inference").spanFlags(trace(200_000 + i), span(900_000 + i), span(800_000 + i), "POST /infer", SERVER, i, i + 5, 0x301).line());
    }
    Collections.shuffle(all, rnd);
    return all;
  }

  @Test
  void cleanRealisticDumpHasNoFindings() {
    Report r = analyze(cleanPipeline(400, 7).toArray(new String[0]));
    assertThat(r.findings()).isEmpty();
    assertThat(r.stats().get("spans")).isEqualTo(400 * 8 + 5);
    assertThat(r.stats().get("edgeOfDumpSpans")).isEqualTo(5L);
  }

  @Test
  void invalidIds() {
    Report r = analyze(SpanJson.service("s")
        .span("00000000000000000000000000000000", span(1), null, "zero-trace", SERVER, 0, 1)
        .span(trace(2), "0102030405ab", null, "short-span", SERVER, 0, 1)
        .span(trace(3), span(3), "0102030405060708ab", "long-parent", INTERNAL, 0, 1)
        .line());
    List<Finding> f = rule(r, "invalid-id");
    assertThat(f).extracting(x -> x.subject().get("spanName") + ":" + x.evidence().get("field") + ":" + x.evidence().get("problem"))
        .containsExactlyInAnyOrder("zero-trace:traceId:all-zero", "short-span:spanId:wrong-length", "long-parent:parentSpanId:wrong-length");
  }

  @Test
  void duplicateSpanIdsButNotB3SharedPairsOrExactCopies() {
    String t = trace(1);
    String b3 = SpanJson.service("a").span(trace(2), span(10), null, "GET /x", CLIENT, 0, 10).line();
    String b3s = SpanJson.service("b").span(trace(2), span(10), null, "GET /x", SERVER, 1, 9).line();
    String copy = SpanJson.service("a").span(trace(3), span(20), null, "root", SERVER, 0, 10).line();
    Report r = analyze(
        SpanJson.service("a").span(t, span(1), null, "root", SERVER, 0, 10).span(t, span(2), span(1), "one", INTERNAL, 1, 2).line(),
        SpanJson.service("a").span(t, span(2), span(1), "two", INTERNAL, 3, 4).line(),
        b3, b3s, copy, copy);
    assertThat(rule(r, "duplicate-span-id")).singleElement().satisfies(f -> {
      assertThat(f.subject().get("traceId")).isEqualTo(t);
      assertThat(f.evidence().get("copies")).isEqualTo(2);
    });
    assertThat(r.stats().get("exactDuplicatesMerged")).isEqualTo(1L);
    assertThat(r.stats().get("sharedClientServerIds")).isEqualTo(1);
  }

  @Test
  void negativeDurationAndZeroTimestamps() {
    Report r = analyze(SpanJson.service("s")
        .span(trace(1), span(1), null, "backwards", SERVER, 10, 5)
        .span(trace(2), span(2), null, "instant", SERVER, 10, 10)
        .line(),
        SpanJson.service("s").span(trace(3), span(3), null, "zero", SERVER, 10, 11).line()
            .replaceFirst("\"startTimeUnixNano\":\"[0-9]+\"", "\"startTimeUnixNano\":\"0\""));
    assertThat(rule(r, "negative-duration")).extracting(f -> f.subject().get("spanName"))
        .containsExactlyInAnyOrder("backwards", "zero");
  }

  @Test
  void orphansAreReportedButTheEdgeOfTheDumpIsNot() {
    String t = trace(1);
    Report r = analyze(SpanJson.service("s")
        .span(t, span(1), null, "root", SERVER, 0, 100)
        .span(t, span(3), span(2), "lost-child", INTERNAL, 10, 20)
        // Alone in its trace but INTERNAL: its parent is in the same process, so it is missing.
        .span(trace(2), span(4), span(5), "internal-alone", INTERNAL, 0, 1)
        // SERVER whose parent is local per flags (0x100 set, 0x200 clear).
        .spanFlags(trace(3), span(6), span(7), "server-local-parent", SERVER, 0, 1, 0x101)
        // SERVER with remote parent, alone with its own child: edge of the dump.
        .spanFlags(trace(4), span(8), span(9), "edge", SERVER, 0, 10, 0x301)
        .span(trace(4), span(10), span(8), "edge-child", INTERNAL, 1, 2)
        .line());
    assertThat(rule(r, "orphan-span")).extracting(f -> f.subject().get("spanName"))
        .containsExactlyInAnyOrder("lost-child", "internal-alone", "server-local-parent");
    assertThat(r.stats().get("edgeOfDumpSpans")).isEqualTo(1L);
  }

  @Test
  void traceSplitAcrossAHopButNotAMessagingLink() {
    String t1 = trace(1);
    String t2 = trace(2);
    Report r = analyze(
        SpanJson.service("gateway").span(t1, span(1), null, "POST /v1/chat", SERVER, 0, 100)
            .span(t1, span(2), span(1), "POST /infer", CLIENT, 5, 95, "server.address", "inference:8080").line(),
        SpanJson.service("inference").span(t2, span(3), null, "POST /infer", SERVER, 7, 90).line(),
        // A producer whose consumer links back: correct practice.
        SpanJson.service("gateway").span(trace(3), span(4), null, "publish", PRODUCER, 0, 10, "peer.service", "billing").line(),
        SpanJson.service("billing").span(trace(4), span(5), null, "process", CONSUMER, 2, 8).line()
            .replace("\"attributes\":[]}", "\"attributes\":[],\"links\":[{\"traceId\":\"" + trace(3) + "\",\"spanId\":\"" + span(4) + "\"}]}"));
    assertThat(rule(r, "trace-split")).singleElement().satisfies(f -> {
      assertThat(f.subject().get("traceId")).isEqualTo(t1);
      assertThat(f.subject().get("serverTraceId")).isEqualTo(t2);
      assertThat(f.evidence().get("serverService")).isEqualTo("inference");
    });
  }

  @Test
  void contextLostAcrossAnExecutor() {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      String t = trace(i);
      lines.add(SpanJson.service("inference")
          .span(t, span(i * 10), null, "POST /infer", SERVER, i * 1000, i * 1000 + 100, "thread.name", "http-nio-8080-exec-1")
          .span(t, span(i * 10 + 1), span(i * 10), "batch.wait", INTERNAL, i * 1000 + 10, i * 1000 + 50)
          .line());
    }
    // Once, batch.wait ran on a pool thread without the context: a new root while POST /infer was live.
    lines.add(SpanJson.service("inference")
        .span(trace(999), span(9999), null, "batch.wait", INTERNAL, 5010, 5050, "thread.name", "pool-2-thread-3").line());
    Report r = analyze(lines.toArray(new String[0]));
    assertThat(rule(r, "context-lost")).singleElement().satisfies(f -> {
      assertThat(f.subject().get("spanName")).isEqualTo("batch.wait");
      assertThat(f.evidence().get("childOccurrences")).isEqualTo(30);
      assertThat(f.evidence().get("threadName")).isEqualTo("pool-2-thread-3");
      assertThat(f.evidence().get("enclosingSpan").toString()).contains("POST /infer").contains(trace(5)).contains("http-nio-8080-exec-1");
      assertThat(f.hint()).contains("Context.taskWrapping");
    });
    assertThat(rule(r, "multiple-roots")).isEmpty();
  }

  @Test
  void clockSkewBeyondTolerance() {
    String t = trace(1);
    Report r = analyze(
        SpanJson.service("inference").span(t, span(1), null, "POST /infer", SERVER, 100, 200)
            .span(t, span(2), span(1), "POST /generate", CLIENT, 110, 190)
            // A child within 1 ms of its parent's edges is fine.
            .span(t, span(4), span(1), "ok", INTERNAL, 100, 200).line(),
        SpanJson.service("model-server").span(t, span(3), span(2), "POST /generate", SERVER, 70, 150).line());
    assertThat(rule(r, "clock-skew")).singleElement().satisfies(f -> {
      assertThat(f.subject().get("service")).isEqualTo("model-server");
      assertThat(f.evidence().get("offsetMs")).isEqualTo(40.0);
      assertThat(f.evidence().get("direction")).isEqualTo("starts-before-parent");
    });
  }

  @Test
  void multipleRoots() {
    String t = trace(1);
    Report r = analyze(SpanJson.service("s").span(t, span(1), null, "a", SERVER, 0, 10).span(t, span(2), null, "b", SERVER, 1, 9).line());
    assertThat(rule(r, "multiple-roots")).singleElement().satisfies(f -> assertThat(f.evidence().get("roots")).isEqualTo(2));
  }

  @Test
  void missingAndDeprecatedGenAiAttributes() {
    SpanJson b = SpanJson.service("inference");
    for (int i = 0; i < 4; i++) {
      b.span(trace(i), span(i), null, "chat llama-3-8b", CLIENT, 0, 10, "gen_ai.operation.name", "chat");
    }
    b.span(trace(10), span(10), null, "chat llama-3-8b", CLIENT, 0, 10,
        "gen_ai.operation.name", "chat", "gen_ai.request.model", "llama-3-8b", "gen_ai.system", "vllm",
        "gen_ai.usage.prompt_tokens", "5");
    Report r = analyze(b.line());
    assertThat(rule(r, "missing-ai-attributes")).singleElement().satisfies(f -> {
      assertThat(f.evidence().get("affected")).isEqualTo(4);
      assertThat(f.evidence().get("genAiSpans")).isEqualTo(5);
      assertThat(f.evidence().get("missing").toString()).contains("gen_ai.request.model=4").contains("gen_ai.provider.name=4");
    });
    assertThat(rule(r, "deprecated-ai-attributes")).singleElement().satisfies(f ->
        assertThat(f.evidence().get("replacements").toString())
            .contains("gen_ai.system=gen_ai.provider.name").contains("gen_ai.usage.prompt_tokens=gen_ai.usage.input_tokens"));
  }
}
