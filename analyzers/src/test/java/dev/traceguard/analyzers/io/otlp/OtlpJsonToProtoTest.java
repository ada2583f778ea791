package dev.traceguard.analyzers.io.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.google.protobuf.Message;
import dev.traceguard.analyzers.io.ReadContext;
import dev.traceguard.analyzers.model.IdState;
import dev.traceguard.analyzers.model.Labels;
import dev.traceguard.analyzers.model.LogRecord;
import dev.traceguard.analyzers.model.MetricType;
import dev.traceguard.analyzers.model.SpanKind;
import dev.traceguard.analyzers.model.SpanStore;
import dev.traceguard.analyzers.model.StatusCode;
import dev.traceguard.analyzers.model.Telemetry;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogsData;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.MetricsData;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class OtlpJsonToProtoTest {
  private static final JsonFactory JSON = new JsonFactory();

  /** The OTLP specification's examples, kept beside the project. */
  static Path conformance() {
    Path cwd = Paths.get("").toAbsolutePath();
    // Tests run in the module directory; the project root is its parent.
    for (Path root = cwd; root != null; root = root.getParent()) {
      Path p = root.resolve("../shared/conformance/otlp").normalize();
      if (Files.isDirectory(p)) {
        return p;
      }
      if (Files.exists(root.resolve("analyzers")) && Files.exists(root.resolve("pom.xml"))) {
        break;
      }
    }
    Path expected = cwd.resolve("../../shared/conformance/otlp").normalize();
    Assumptions.assumeTrue(false, "OTLP examples not found at " + expected);
    return expected;
  }

  static <B extends Message.Builder> B parse(String json, B builder) throws IOException {
    try (JsonParser p = JSON.createParser(json)) {
      p.nextToken();
      OtlpJsonToProto.merge(p, builder);
      assertThat(p.currentToken()).isEqualTo(JsonToken.END_OBJECT);
      assertThat(p.nextToken()).isNull();
    }
    return builder;
  }

  static Telemetry feed(String json) throws IOException {
    Telemetry t = new Telemetry();
    t.addInput("test.json");
    ReadContext ctx = new ReadContext(t, 0);
    OtlpProtoMapper mapper = new OtlpProtoMapper(ctx);
    try (JsonParser p = JSON.createParser(json)) {
      p.nextToken();
      assertThat(OtlpJsonToProto.readDocument(p, mapper, 7, ctx::note)).isEqualTo(1);
    }
    return t;
  }

  // ---------------------------------------------------------------- the specification's examples

  @Test
  void specTraceExample() throws IOException {
    String json = Files.readString(conformance().resolve("proto-examples-trace.json"));
    TracesData d = parse(json, TracesData.newBuilder()).build();
    Span s = d.getResourceSpans(0).getScopeSpans(0).getSpans(0);
    assertThat(HexFormat.of().formatHex(s.getTraceId().toByteArray()))
        .isEqualTo("5b8efff798038103d269b633813fc60c");
    assertThat(HexFormat.of().formatHex(s.getParentSpanId().toByteArray()))
        .isEqualTo("eee19b7ec3c1b173");
    assertThat(s.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
    assertThat(s.getStartTimeUnixNano()).isEqualTo(1544712660000000000L);
    assertThat(d.getResourceSpans(0).getScopeSpans(0).getScope().getVersion()).isEqualTo("1.0.0");

    Telemetry t = feed(json);
    SpanStore spans = t.spans();
    assertThat(spans.size()).isEqualTo(1);
    assertThat(spans.spanIdHex(0)).isEqualTo("eee19b7ec3c1b174");
    assertThat(spans.kind(0)).isEqualTo(SpanKind.SERVER);
    assertThat(spans.serviceName(0)).isEqualTo("my.service");
    assertThat(spans.attribute(0, "my.span.attr")).isEqualTo("some value");
    assertThat(spans.line(0)).isEqualTo(7);
    assertThat(t.inputs().get(0).notes()).anyMatch(n -> n.contains("upper-case"));
  }

  @Test
  void specMetricsExample() throws IOException {
    String json = Files.readString(conformance().resolve("proto-examples-metrics.json"));
    MetricsData d = parse(json, MetricsData.newBuilder()).build();
    List<Metric> metrics = d.getResourceMetrics(0).getScopeMetrics(0).getMetricsList();
    assertThat(metrics)
        .extracting(Metric::getName)
        .containsExactly("my.counter", "my.gauge", "my.histogram", "my.exponential.histogram");
    assertThat(metrics.get(0).getSum().getIsMonotonic()).isTrue();
    assertThat(metrics.get(0).getSum().getAggregationTemporality())
        .isEqualTo(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA);
    HistogramDataPoint hp = metrics.get(2).getHistogram().getDataPoints(0);
    assertThat(hp.getBucketCountsList()).containsExactly(1L, 1L);
    assertThat(hp.getExplicitBoundsList()).containsExactly(1.0);
    assertThat(hp.getCount()).isEqualTo(2);
    assertThat(metrics.get(3).getExponentialHistogram().getDataPoints(0).getPositive().getOffset())
        .isEqualTo(1);

    Telemetry t = feed(json);
    var m = t.metrics();
    assertThat(m.family("my.counter").type()).isEqualTo(MetricType.COUNTER);
    assertThat(m.seriesNamed("my.counter").get(0).labels())
        .isEqualTo(Labels.of("my.counter.attr", "some value"));
    assertThat(m.seriesNamed("my.counter").get(0).value(0)).isEqualTo(5.0);
    assertThat(m.seriesNamed("my.gauge").get(0).value(0)).isEqualTo(10.0);
    assertThat(m.seriesNamed("my.histogram_bucket")).hasSize(2);
    assertThat(m.seriesNamed("my.histogram_count").get(0).value(0)).isEqualTo(2.0);
    assertThat(m.seriesNamed("my.exponential.histogram_count").get(0).value(0)).isEqualTo(3.0);
    assertThat(t.inputs().get(0).notes())
        .anyMatch(n -> n.contains("my.counter") && n.contains("delta"));
  }

  @Test
  void specLogsExample() throws IOException {
    String json = Files.readString(conformance().resolve("proto-examples-logs.json"));
    LogsData d = parse(json, LogsData.newBuilder()).build();
    var r = d.getResourceLogs(0).getScopeLogs(0).getLogRecords(0);
    assertThat(r.getSeverityNumberValue()).isEqualTo(10);
    assertThat(r.getAttributesCount()).isEqualTo(6);

    List<LogRecord> logs = feed(json).logs();
    assertThat(logs).hasSize(1);
    LogRecord l = logs.get(0);
    assertThat(l.body()).isEqualTo("Example log record");
    assertThat(l.traceId()).isEqualTo("5b8efff798038103d269b633813fc60c");
    assertThat(l.spanId()).isEqualTo("eee19b7ec3c1b174");
    assertThat(l.attributes().get("int.attribute")).isEqualTo(10L);
    assertThat(l.attributes().get("double.attribute")).isEqualTo(637.704);
    assertThat(l.attributes().get("boolean.attribute")).isEqualTo(true);
    assertThat(l.attributes().get("array.attribute")).isEqualTo("[\"many\",\"values\"]");
    assertThat(l.attributes().get("map.attribute")).isEqualTo("{\"some.map.key\":\"some value\"}");
  }

  @Test
  void specEventsExample() throws IOException {
    Path events = conformance().resolve("proto-examples-events.json");
    Assumptions.assumeTrue(Files.exists(events), "no events example at " + events);
    List<LogRecord> logs = feed(Files.readString(events)).logs();
    assertThat(logs).isNotEmpty();
  }

  @Test
  void specFileExporterLines() throws IOException {
    Path dir = conformance();
    int[] counts = new int[3];
    String[] files = {
      "spec-file-exporter-traces.jsonl",
      "spec-file-exporter-metrics.jsonl",
      "spec-file-exporter-logs.jsonl"
    };
    Telemetry t = new Telemetry();
    t.addInput("lines");
    ReadContext ctx = new ReadContext(t, 0);
    OtlpProtoMapper mapper = new OtlpProtoMapper(ctx);
    for (int f = 0; f < files.length; f++) {
      try (BufferedReader r =
          Files.newBufferedReader(dir.resolve(files[f]), StandardCharsets.UTF_8)) {
        String line;
        long n = 0;
        while ((line = r.readLine()) != null) {
          n++;
          if (line.isBlank()) {
            continue;
          }
          try (JsonParser p = JSON.createParser(line)) {
            p.nextToken();
            counts[f] += OtlpJsonToProto.readDocument(p, mapper, n, ctx::note);
          }
        }
      }
    }
    assertThat(counts).containsExactly(4, 4, 4);
    assertThat(t.inputs().get(0).errors()).isEmpty();
    assertThat(t.spans().size()).isPositive();
    // The specification's own example carries empty ids.
    assertThat(t.spans().traceIdState(0)).isEqualTo(IdState.EMPTY);
    assertThat(t.metrics().seriesCount()).isPositive();
    assertThat(t.logs()).isNotEmpty();
  }

  // ---------------------------------------------------------------- encoding rules

  @Test
  void hexIdsAnyCaseAndEmpty() throws IOException {
    Span s =
        parse(
                "{\"traceId\":\"5B8EFFF798038103d269b633813fc60c\",\"spanId\":\"EEE19B7EC3C1B174\","
                    + "\"parentSpanId\":\"\"}",
                Span.newBuilder())
            .build();
    assertThat(HexFormat.of().formatHex(s.getTraceId().toByteArray()))
        .isEqualTo("5b8efff798038103d269b633813fc60c");
    assertThat(HexFormat.of().formatHex(s.getSpanId().toByteArray())).isEqualTo("eee19b7ec3c1b174");
    assertThat(s.getParentSpanId().isEmpty()).isTrue();
  }

  @Test
  void base64IdsOfTheRightLengthAreDecodedWithANote() throws IOException {
    List<String> notes = new ArrayList<>();
    Span.Builder b = Span.newBuilder();
    try (JsonParser p =
        JSON.createParser(
            "{\"traceId\":\"W47/95gDgQPSabYzgT/GDA==\",\"spanId\":\"7uGbfsPBsXQ=\"}")) {
      p.nextToken();
      OtlpJsonToProto.merge(p, b, notes::add);
    }
    assertThat(HexFormat.of().formatHex(b.getTraceId().toByteArray()))
        .isEqualTo("5b8efff798038103d269b633813fc60c");
    assertThat(HexFormat.of().formatHex(b.getSpanId().toByteArray())).isEqualTo("eee19b7ec3c1b174");
    assertThat(notes).anyMatch(n -> n.contains("base64"));
  }

  @Test
  void otherBytesFieldsAreBase64() throws IOException {
    AnyValue v = parse("{\"bytesValue\":\"AQID\"}", AnyValue.newBuilder()).build();
    assertThat(v.getBytesValue().toByteArray()).containsExactly(1, 2, 3);
  }

  @Test
  void enumsAsNumbersOrNames() throws IOException {
    assertThat(parse("{\"kind\":3}", Span.newBuilder()).getKind())
        .isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
    assertThat(parse("{\"kind\":\"SPAN_KIND_PRODUCER\"}", Span.newBuilder()).getKind())
        .isEqualTo(Span.SpanKind.SPAN_KIND_PRODUCER);
    assertThat(parse("{\"kind\":\"span_kind_consumer\"}", Span.newBuilder()).getKind())
        .isEqualTo(Span.SpanKind.SPAN_KIND_CONSUMER);
    assertThat(
            parse("{\"status\":{\"code\":\"STATUS_CODE_ERROR\"}}", Span.newBuilder())
                .getStatus()
                .getCodeValue())
        .isEqualTo(2);
    // Proto3 enums are open: an unknown number is kept.
    assertThat(parse("{\"kind\":42}", Span.newBuilder()).getKindValue()).isEqualTo(42);
  }

  @Test
  void int64AsStringsOrNumbers() throws IOException {
    Span s =
        parse(
                "{\"startTimeUnixNano\":\"1544712660000000000\",\"endTimeUnixNano\":1544712661000000000,"
                    + "\"droppedAttributesCount\":\"3\",\"flags\":4294967295}",
                Span.newBuilder())
            .build();
    assertThat(s.getStartTimeUnixNano()).isEqualTo(1544712660000000000L);
    assertThat(s.getEndTimeUnixNano()).isEqualTo(1544712661000000000L);
    assertThat(s.getDroppedAttributesCount()).isEqualTo(3);
    assertThat(s.getFlags()).isEqualTo(-1);
    // fixed64 above 2^63 keeps its bits.
    assertThat(
            parse("{\"timeUnixNano\":\"18446744073709551615\"}", NumberDataPoint.newBuilder())
                .getTimeUnixNano())
        .isEqualTo(-1L);
    assertThat(parse("{\"asInt\":-5}", NumberDataPoint.newBuilder()).getAsInt()).isEqualTo(-5L);
    assertThat(parse("{\"asInt\":\"1e3\"}", NumberDataPoint.newBuilder()).getAsInt())
        .isEqualTo(1000L);
  }

  @Test
  void snakeCaseKeysAndUnknownFields() throws IOException {
    Span s =
        parse(
                "{\"trace_id\":\"5b8efff798038103d269b633813fc60c\",\"start_time_unix_nano\":\"5\","
                    + "\"futureField\":{\"a\":[1,2,{\"b\":null}]},\"other\":7,"
                    + "\"attributes\":[{\"key\":\"k\",\"value\":{\"int_value\":\"9\"},\"extra\":true}],"
                    + "\"parent_span_id\":null,\"events\":null}",
                Span.newBuilder())
            .build();
    assertThat(s.getTraceId().size()).isEqualTo(16);
    assertThat(s.getStartTimeUnixNano()).isEqualTo(5);
    assertThat(s.getAttributes(0).getValue().getIntValue()).isEqualTo(9);
    assertThat(s.getParentSpanId().isEmpty()).isTrue();
  }

  @Test
  void specialDoubles() throws IOException {
    assertThat(parse("{\"asDouble\":\"NaN\"}", NumberDataPoint.newBuilder()).getAsDouble()).isNaN();
    assertThat(parse("{\"asDouble\":\"Infinity\"}", NumberDataPoint.newBuilder()).getAsDouble())
        .isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(parse("{\"asDouble\":\"-Infinity\"}", NumberDataPoint.newBuilder()).getAsDouble())
        .isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(parse("{\"asDouble\":\"2.5\"}", NumberDataPoint.newBuilder()).getAsDouble())
        .isEqualTo(2.5);
    assertThat(parse("{\"asDouble\":7}", NumberDataPoint.newBuilder()).getAsDouble())
        .isEqualTo(7.0);
    assertThat(
            parse("{\"explicitBounds\":[0.5,\"Infinity\",1]}", HistogramDataPoint.newBuilder())
                .getExplicitBoundsList())
        .containsExactly(0.5, Double.POSITIVE_INFINITY, 1.0);
  }

  @Test
  void repeatedKeyMergesLikeProtobuf() throws IOException {
    Span s =
        parse("{\"status\":{\"code\":2},\"status\":{\"message\":\"m\"}}", Span.newBuilder())
            .build();
    assertThat(s.getStatus().getCodeValue()).isEqualTo(2);
    assertThat(s.getStatus().getMessage()).isEqualTo("m");
  }

  @Test
  void badValuesGiveClearMessages() {
    assertBad(
        Span.newBuilder(),
        "{\"startTimeUnixNano\":\"abc\"}",
        "field 'startTimeUnixNano': expected an integer, got 'abc'");
    assertBad(
        Span.newBuilder(),
        "{\"traceId\":\"xyz\"}",
        "field 'traceId': expected a hex id, got 'xyz'");
    assertBad(
        Span.newBuilder(),
        "{\"kind\":\"SPAN_KIND_NOPE\"}",
        "field 'kind': unknown SpanKind name, got 'SPAN_KIND_NOPE'");
    assertBad(
        Span.newBuilder(),
        "{\"kind\":true}",
        "field 'kind': expected an enum number or name, got 'true'");
    assertBad(Span.newBuilder(), "{\"name\":5}", "field 'name': expected a string, got '5'");
    assertBad(
        Span.newBuilder(),
        "{\"attributes\":{}}",
        "field 'attributes': expected an array, got an object");
    assertBad(
        Span.newBuilder(), "{\"status\":[]}", "field 'status': expected an object, got an array");
    assertBad(
        Span.newBuilder(),
        "{\"droppedAttributesCount\":-1}",
        "field 'droppedAttributesCount': integer out of range for uint32, got '-1'");
    assertBad(
        NumberDataPoint.newBuilder(),
        "{\"asDouble\":\"fast\"}",
        "field 'asDouble': expected a number, got 'fast'");
    assertBad(
        NumberDataPoint.newBuilder(),
        "{\"timeUnixNano\":-1}",
        "field 'timeUnixNano': integer out of range for fixed64, got '-1'");
    assertBad(
        AnyValue.newBuilder(),
        "{\"boolValue\":\"yes\"}",
        "field 'boolValue': expected true or false, got 'yes'");
  }

  private static void assertBad(Message.Builder b, String json, String message) {
    assertThatThrownBy(() -> parse(json, b))
        .isInstanceOf(JsonParseException.class)
        .satisfies(
            e -> assertThat(((JsonParseException) e).getOriginalMessage()).isEqualTo(message));
  }

  @Test
  void truncatedJsonIsAnError() {
    assertThatThrownBy(() -> parse("{\"name\":\"x\",", Span.newBuilder()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void readDocumentFeedsAnyTypeAndSkipsOtherKeys() throws IOException {
    Telemetry t =
        feed(
            "{\"partialSuccess\":{},\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\","
                + "\"value\":{\"stringValue\":\"svc\"}}]},\"scopeSpans\":[{\"spans\":[{\"traceId\":"
                + "\"0af7651916cd43dd8448eb211c80319c\",\"spanId\":\"b7ad6b7169203331\",\"name\":\"x\","
                + "\"kind\":\"SPAN_KIND_CLIENT\",\"status\":{\"code\":2}}]}]}]}");
    assertThat(t.spans().size()).isEqualTo(1);
    assertThat(t.spans().kind(0)).isEqualTo(SpanKind.CLIENT);
    assertThat(t.spans().status(0)).isEqualTo(StatusCode.ERROR);
    assertThat(t.spans().serviceName(0)).isEqualTo("svc");
    assertThat(t.inputs().get(0).notes()).anyMatch(n -> n.contains("enum"));
  }

  @Test
  void resourceListAfterItsKey() throws IOException {
    Telemetry t = new Telemetry();
    t.addInput("x");
    ReadContext ctx = new ReadContext(t, 0);
    try (JsonParser p =
        JSON.createParser(
            "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"body\":{\"intValue\":\"3\"}},"
                + "{\"body\":{\"doubleValue\":\"NaN\"}}]}]}]}")) {
      assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
      assertThat(p.nextToken()).isEqualTo(JsonToken.FIELD_NAME);
      assertThat(p.nextToken()).isEqualTo(JsonToken.START_ARRAY);
      OtlpJsonToProto.readResourceLogs(p, new OtlpProtoMapper(ctx), 3, ctx::note);
      assertThat(p.currentToken()).isEqualTo(JsonToken.END_ARRAY);
    }
    assertThat(t.logs()).extracting(LogRecord::body).containsExactly("3", "NaN");
    assertThat(t.logs()).extracting(LogRecord::line).containsExactly(3L, 3L);
  }
}
