package dev.traceguard.analyzers.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traceguard.analyzers.SpanJson;
import dev.traceguard.analyzers.model.IdState;
import dev.traceguard.analyzers.model.InputSummary;
import dev.traceguard.analyzers.model.SpanKind;
import dev.traceguard.analyzers.model.SpanStore;
import dev.traceguard.analyzers.model.StatusCode;
import dev.traceguard.analyzers.model.Telemetry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class OtlpJsonReaderTest {
  private static final String T1 = SpanJson.trace(1);

  static InputSummary read(Telemetry t, byte[] bytes) {
    return DumpReader.read("test", new ByteArrayInputStream(bytes), t, null);
  }

  static InputSummary read(Telemetry t, String text) {
    return read(t, text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsFileExporterLinesWithAllSpanFields() {
    String line = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"inference\"}}]},"
        + "\"scopeSpans\":[{\"scope\":{\"name\":\"io.vllm\"},\"spans\":[{\"traceId\":\"5B8EFFF798038103D269B633813FC60C\","
        + "\"spanId\":\"EEE19B7EC3C1B174\",\"parentSpanId\":\"EEE19B7EC3C1B173\",\"name\":\"chat llama\",\"kind\":\"SPAN_KIND_CLIENT\","
        + "\"startTimeUnixNano\":1544712660000000000,\"endTimeUnixNano\":\"1544712661000000000\",\"flags\":769,"
        + "\"attributes\":[{\"key\":\"gen_ai.usage.input_tokens\",\"value\":{\"intValue\":\"52\"}},"
        + "{\"key\":\"score\",\"value\":{\"doubleValue\":0.5}},{\"key\":\"ok\",\"value\":{\"boolValue\":true}},"
        + "{\"key\":\"list\",\"value\":{\"arrayValue\":{\"values\":[{\"stringValue\":\"[a\"},{\"intValue\":3}]}}}],"
        + "\"events\":[{\"timeUnixNano\":\"1544712660500000000\",\"name\":\"exception\",\"attributes\":[{\"key\":\"exception.type\",\"value\":{\"stringValue\":\"java.lang.OutOfMemoryError\"}}]}],"
        + "\"links\":[{\"traceId\":\"" + T1 + "\",\"spanId\":\"" + SpanJson.span(1) + "\"}],"
        + "\"status\":{\"code\":2,\"message\":\"boom\"},\"unknownField\":{\"x\":[1,2]}}]}]}]}\n";
    Telemetry t = new Telemetry();
    InputSummary s = read(t, line);
    assertThat(s.format()).isEqualTo("otlp-json");
    assertThat(s.errors()).isEmpty();
    assertThat(s.notes()).anyMatch(n -> n.contains("upper-case"));
    SpanStore st = t.spans();
    assertThat(st.size()).isEqualTo(1);
    assertThat(st.traceIdHex(0)).isEqualTo("5b8efff798038103d269b633813fc60c");
    assertThat(st.spanIdHex(0)).isEqualTo("eee19b7ec3c1b174");
    assertThat(st.parentSpanIdHex(0)).isEqualTo("eee19b7ec3c1b173");
    assertThat(st.kind(0)).isEqualTo(SpanKind.CLIENT);
    assertThat(st.start(0)).isEqualTo(1544712660000000000L);
    assertThat(st.end(0)).isEqualTo(1544712661000000000L);
    assertThat(st.flags(0)).isEqualTo(769);
    assertThat(st.status(0)).isEqualTo(StatusCode.ERROR);
    assertThat(st.statusMessage(0)).isEqualTo("boom");
    assertThat(st.serviceName(0)).isEqualTo("inference");
    assertThat(st.scopeName(0)).isEqualTo("io.vllm");
    assertThat(st.attribute(0, "gen_ai.usage.input_tokens")).isEqualTo(52L);
    assertThat(st.attribute(0, "score")).isEqualTo(0.5);
    assertThat(st.attribute(0, "ok")).isEqualTo(true);
    assertThat(st.attribute(0, "list")).isEqualTo("[\"[a\",3]");
    assertThat(st.events(0)).singleElement().satisfies(e -> {
      assertThat(e.name()).isEqualTo("exception");
      assertThat(e.timeUnixNano()).isEqualTo(1544712660500000000L);
      assertThat(e.attributes().get("exception.type")).isEqualTo("java.lang.OutOfMemoryError");
    });
    assertThat(st.links(0)).singleElement().satisfies(l -> {
      assertThat(l.traceIdHex()).isEqualTo(T1);
      assertThat(l.valid()).isTrue();
    });
  }

  @Test
  void readsPrettyDocumentTempoBatchesAndLogPrefixedResourceSpans() {
    String pretty = "{\n  \"resourceSpans\": [\n    {\n      \"scopeSpans\": [ { \"spans\": [\n"
        + "  { \"traceId\": \"" + T1 + "\", \"spanId\": \"" + SpanJson.span(1) + "\", \"name\": \"a\", \"kind\": 2,\n"
        + "    \"startTimeUnixNano\": \"1\", \"endTimeUnixNano\": \"2\" } ] } ],\n"
        + "      \"resource\": { \"attributes\": [ { \"key\": \"service.name\", \"value\": { \"stringValue\": \"late\" } } ] }\n"
        + "    }\n  ]\n}\n";
    Telemetry t = new Telemetry();
    assertThat(read(t, pretty).errors()).isEmpty();
    assertThat(t.spans().size()).isEqualTo(1);
    // The resource came after the spans: they still get it.
    assertThat(t.spans().serviceName(0)).isEqualTo("late");

    String tempo = "{\"batches\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"t\"}}]},"
        + "\"instrumentationLibrarySpans\":[{\"spans\":[{\"traceId\":\"" + SpanJson.trace(2) + "\",\"spanId\":\"" + SpanJson.span(2)
        + "\",\"name\":\"b\",\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"2\"}]}]}]}";
    Telemetry t2 = new Telemetry();
    assertThat(read(t2, tempo).errors()).isEmpty();
    assertThat(t2.spans().serviceName(0)).isEqualTo("t");

    String logging = "Nov 20, 2026 10:00:01 AM io.opentelemetry.exporter.logging.otlp.OtlpJsonLoggingSpanExporter export\n"
        + "INFO: {\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"j\"}}]},\"scopeSpans\":[{\"spans\":[{\"traceId\":\""
        + SpanJson.trace(3) + "\",\"spanId\":\"" + SpanJson.span(3) + "\",\"name\":\"c\",\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"2\"}]}]}\n"
        + "Nov 20, 2026 10:00:02 AM io.opentelemetry.exporter.logging.otlp.OtlpJsonLoggingSpanExporter export\n"
        + "INFO: {\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"j\"}}]},\"scopeSpans\":[{\"spans\":[{\"traceId\":\""
        + SpanJson.trace(3) + "\",\"spanId\":\"" + SpanJson.span(4) + "\",\"parentSpanId\":\"" + SpanJson.span(3)
        + "\",\"name\":\"d\",\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"2\"}]}]}\n";
    Telemetry t3 = new Telemetry();
    InputSummary s3 = read(t3, logging);
    assertThat(s3.errors()).isEmpty();
    assertThat(s3.format()).isEqualTo("otlp-json");
    assertThat(t3.spans().size()).isEqualTo(2);
    assertThat(t3.spans().line(1)).isEqualTo(4);
  }

  @Test
  void gzipIsUnwrappedAndBase64IdsAreAcceptedWithANote() throws IOException {
    String b64Trace = java.util.Base64.getEncoder().encodeToString(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
    String b64Span = java.util.Base64.getEncoder().encodeToString(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    String line = SpanJson.service("s").span(b64Trace, b64Span, null, "x", 1, 0, 1).line() + "\n";
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bo)) {
      gz.write(line.getBytes(StandardCharsets.UTF_8));
    }
    Telemetry t = new Telemetry();
    InputSummary s = read(t, bo.toByteArray());
    assertThat(s.format()).isEqualTo("otlp-json+gzip");
    assertThat(s.errors()).isEmpty();
    assertThat(s.notes()).anyMatch(n -> n.contains("base64"));
    assertThat(t.spans().traceIdHex(0)).isEqualTo("0102030405060708090a0b0c0d0e0f10");
    assertThat(t.spans().spanIdState(0)).isEqualTo(IdState.VALID);
  }

  @Test
  void badSpanIsSkippedButTheRestOfItsLineIsRead() {
    String line = SpanJson.service("s")
        .span(SpanJson.trace(1), SpanJson.span(1), null, "good1", 2, 0, 10)
        .span(SpanJson.trace(1), SpanJson.span(2), SpanJson.span(1), "good2", 1, 1, 9)
        .line()
        .replace("\"name\":\"good2\"", "\"name\":\"good2\",\"endTimeUnixNano\":\"abc\"");
    String extra = SpanJson.service("s").span(SpanJson.trace(1), SpanJson.span(3), SpanJson.span(1), "bad", 1, 1, 9).line()
        .replace("\"startTimeUnixNano\":\"", "\"startTimeUnixNano\":\"99999999999999999999");
    Telemetry t = new Telemetry();
    InputSummary s = read(t, line + "\n" + extra + "\n");
    assertThat(t.spans().size()).isEqualTo(1);
    assertThat(s.skipped()).isEqualTo(2);
    assertThat(s.errors().get(0).line()).isEqualTo(1);
    assertThat(s.errors().get(0).message()).contains("endTimeUnixNano").contains("abc");
    assertThat(s.errors().get(1).line()).isEqualTo(2);
    assertThat(s.errors().get(1).message()).contains("out of range");
  }

  @Test
  void exactDuplicatesAcrossLinesAreMergedAndCounted() {
    String line = SpanJson.service("s").span(SpanJson.trace(1), SpanJson.span(1), null, "a", 2, 0, 10).line();
    Telemetry t = new Telemetry();
    InputSummary s = read(t, line + "\n" + line + "\n" + line.replace("\"a\"", "\"b\"") + "\n");
    assertThat(t.spans().size()).isEqualTo(2);
    assertThat(s.duplicateSpans()).isEqualTo(1);
    assertThat(t.spans().exactDuplicates()).isEqualTo(1);
    assertThat(t.spans().idConflicts()).hasSize(1);
  }
}
