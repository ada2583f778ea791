package dev.traceguard.analyzers.io.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import dev.traceguard.analyzers.io.ReadContext;
import dev.traceguard.analyzers.model.Attributes;
import dev.traceguard.analyzers.model.IdState;
import dev.traceguard.analyzers.model.InputSummary;
import dev.traceguard.analyzers.model.Labels;
import dev.traceguard.analyzers.model.LogRecord;
import dev.traceguard.analyzers.model.MetricSeries;
import dev.traceguard.analyzers.model.MetricStore;
import dev.traceguard.analyzers.model.MetricType;
import dev.traceguard.analyzers.model.SpanEvent;
import dev.traceguard.analyzers.model.SpanKind;
import dev.traceguard.analyzers.model.SpanLink;
import dev.traceguard.analyzers.model.SpanStore;
import dev.traceguard.analyzers.model.StatusCode;
import dev.traceguard.analyzers.model.Telemetry;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.logs.v1.LogsData;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.MetricsData;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OtlpProtoReaderTest {
  private static final String TRACE = "5b8efff798038103d269b633813fc60c";
  private static final String SPAN = "eee19b7ec3c1b174";
  private static final String PARENT = "eee19b7ec3c1b173";
  private static final long T0 = 1_700_000_000_000_000_000L;

  @TempDir Path dir;

  // ---------------------------------------------------------------- builders

  static ByteString hex(String h) {
    return ByteString.copyFrom(HexFormat.of().parseHex(h));
  }

  static KeyValue kv(String key, AnyValue v) {
    return KeyValue.newBuilder().setKey(key).setValue(v).build();
  }

  static AnyValue str(String s) {
    return AnyValue.newBuilder().setStringValue(s).build();
  }

  static AnyValue i64(long v) {
    return AnyValue.newBuilder().setIntValue(v).build();
  }

  static Resource resource(String service) {
    return Resource.newBuilder()
        .addAttributes(kv("service.name", str(service)))
        .addAttributes(kv("host.name", str("node-1")))
        .build();
  }

  static Span serverSpan() {
    return Span.newBuilder()
        .setTraceId(hex(TRACE))
        .setSpanId(hex(SPAN))
        .setParentSpanId(hex(PARENT))
        .setName("POST /v1/chat/completions")
        .setKind(Span.SpanKind.SPAN_KIND_SERVER)
        .setStartTimeUnixNano(T0)
        .setEndTimeUnixNano(T0 + 2_500_000)
        .setFlags(0x301)
        .setTraceState("vendor=abc")
        .setStatus(
            Status.newBuilder()
                .setCode(Status.StatusCode.STATUS_CODE_ERROR)
                .setMessage("upstream timeout"))
        .addAttributes(kv("http.response.status_code", i64(504)))
        .addAttributes(kv("gen_ai.request.model", str("llama-3-8b")))
        .addAttributes(kv("ratio", AnyValue.newBuilder().setDoubleValue(0.5).build()))
        .addAttributes(kv("streamed", AnyValue.newBuilder().setBoolValue(true).build()))
        .addAttributes(
            kv(
                "tags",
                AnyValue.newBuilder()
                    .setArrayValue(ArrayValue.newBuilder().addValues(str("a")).addValues(i64(2)))
                    .build()))
        .addAttributes(
            kv(
                "map",
                AnyValue.newBuilder()
                    .setKvlistValue(KeyValueList.newBuilder().addValues(kv("k", str("v\"q"))))
                    .build()))
        .addAttributes(
            kv(
                "raw",
                AnyValue.newBuilder()
                    .setBytesValue(ByteString.copyFrom(new byte[] {1, 2, 3}))
                    .build()))
        .addEvents(
            Span.Event.newBuilder()
                .setName("exception")
                .setTimeUnixNano(T0 + 1_000_000)
                .addAttributes(kv("exception.type", str("TimeoutException"))))
        .addLinks(
            Span.Link.newBuilder()
                .setTraceId(hex("0af7651916cd43dd8448eb211c80319c"))
                .setSpanId(hex("b7ad6b7169203331"))
                .setFlags(0x101)
                .addAttributes(kv("opentracing.ref_type", str("follows_from"))))
        .addLinks(
            Span.Link.newBuilder()
                .setTraceId(ByteString.copyFrom(new byte[16]))
                .setSpanId(hex("b7ad6b7169203332")))
        .build();
  }

  static TracesData traces(Span... spans) {
    ScopeSpans.Builder ss =
        ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder().setName("io.vllm"));
    for (Span s : spans) {
      ss.addSpans(s);
    }
    return TracesData.newBuilder()
        .addResourceSpans(
            ResourceSpans.newBuilder().setResource(resource("gateway")).addScopeSpans(ss))
        .build();
  }

  static NumberDataPoint.Builder point(long time, String model) {
    return NumberDataPoint.newBuilder()
        .setTimeUnixNano(time)
        .addAttributes(kv("model", str(model)));
  }

  static MetricsData metrics() {
    Metric gauge =
        Metric.newBuilder()
            .setName("vllm.num_requests_running")
            .setUnit("{request}")
            .setDescription("Running requests")
            .setGauge(Gauge.newBuilder().addDataPoints(point(T0, "a").setAsInt(3)))
            .build();
    Metric counter =
        Metric.newBuilder()
            .setName("tokens.generated")
            .setSum(
                Sum.newBuilder()
                    .setIsMonotonic(true)
                    .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                    .addDataPoints(point(T0, "a").setAsDouble(10))
                    .addDataPoints(point(T0 + 1, "a").setAsDouble(12))
                    .addDataPoints(point(T0, "b").setAsInt(5)))
            .build();
    Metric upDown =
        Metric.newBuilder()
            .setName("queue.depth")
            .setSum(
                Sum.newBuilder()
                    .setIsMonotonic(false)
                    .setAggregationTemporality(
                        AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                    .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(T0).setAsInt(-2)))
            .build();
    Metric histogram =
        Metric.newBuilder()
            .setName("http.server.request.duration")
            .setUnit("s")
            .setHistogram(
                Histogram.newBuilder()
                    .setAggregationTemporality(
                        AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                    .addDataPoints(
                        HistogramDataPoint.newBuilder()
                            .setTimeUnixNano(T0)
                            .addAttributes(kv("route", str("/chat")))
                            .addExplicitBounds(0.25)
                            .addExplicitBounds(1)
                            .addBucketCounts(2)
                            .addBucketCounts(3)
                            .addBucketCounts(4)
                            .setCount(9)
                            .setSum(7.5)))
            .build();
    Metric summary =
        Metric.newBuilder()
            .setName("gc.pause")
            .setSummary(
                Summary.newBuilder()
                    .addDataPoints(
                        SummaryDataPoint.newBuilder()
                            .setTimeUnixNano(T0)
                            .setCount(4)
                            .setSum(0.8)
                            .addQuantileValues(
                                SummaryDataPoint.ValueAtQuantile.newBuilder()
                                    .setQuantile(0.5)
                                    .setValue(0.1))
                            .addQuantileValues(
                                SummaryDataPoint.ValueAtQuantile.newBuilder()
                                    .setQuantile(0.99)
                                    .setValue(0.4))))
            .build();
    Metric exponential =
        Metric.newBuilder()
            .setName("ttft")
            .setExponentialHistogram(
                ExponentialHistogram.newBuilder()
                    .addDataPoints(
                        ExponentialHistogramDataPoint.newBuilder()
                            .setTimeUnixNano(T0)
                            .setScale(0)
                            .setZeroCount(1)
                            .setCount(4)
                            .setSum(10)
                            .setPositive(
                                ExponentialHistogramDataPoint.Buckets.newBuilder()
                                    .setOffset(1)
                                    .addBucketCounts(0)
                                    .addBucketCounts(2))
                            .setNegative(
                                ExponentialHistogramDataPoint.Buckets.newBuilder()
                                    .setOffset(0)
                                    .addBucketCounts(1))))
            .build();
    return MetricsData.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .setResource(resource("vllm"))
                .addScopeMetrics(
                    ScopeMetrics.newBuilder()
                        .addMetrics(gauge)
                        .addMetrics(counter)
                        .addMetrics(upDown)
                        .addMetrics(histogram)
                        .addMetrics(summary)
                        .addMetrics(exponential)))
        .build();
  }

  static LogsData logs() {
    io.opentelemetry.proto.logs.v1.LogRecord withTrace =
        io.opentelemetry.proto.logs.v1.LogRecord.newBuilder()
            .setTimeUnixNano(T0)
            .setObservedTimeUnixNano(T0 + 5)
            .setSeverityNumberValue(17)
            .setSeverityText("ERROR")
            .setBody(str("CUDA out of memory"))
            .addAttributes(kv("exception.type", str("torch.OutOfMemoryError")))
            .setTraceId(hex(TRACE))
            .setSpanId(hex(SPAN))
            .build();
    io.opentelemetry.proto.logs.v1.LogRecord structured =
        io.opentelemetry.proto.logs.v1.LogRecord.newBuilder()
            .setTimeUnixNano(T0 + 1)
            .setBody(
                AnyValue.newBuilder()
                    .setKvlistValue(
                        KeyValueList.newBuilder()
                            .addValues(kv("event", str("evicted")))
                            .addValues(kv("blocks", i64(12)))))
            .setTraceId(ByteString.copyFrom(new byte[16]))
            .build();
    return LogsData.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .setResource(resource("vllm"))
                .addScopeLogs(
                    ScopeLogs.newBuilder().addLogRecords(withTrace).addLogRecords(structured)))
        .build();
  }

  // ---------------------------------------------------------------- framing

  static byte[] frame(MessageLite m) {
    return frame(m.toByteArray());
  }

  static byte[] frame(byte[] payload) {
    return ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  Telemetry read(byte[] content) throws IOException {
    Path file = dir.resolve("dump.binpb");
    Files.write(file, content);
    Telemetry t = new Telemetry();
    t.addInput(file.toString());
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      new OtlpProtoReader().read(in, new ReadContext(t, 0));
    }
    return t;
  }

  static Map<String, Double> last(MetricStore m, String name) {
    return m.seriesNamed(name).stream()
        .collect(Collectors.toMap(s -> s.labels().toString(), s -> s.value(s.size() - 1)));
  }

  // ---------------------------------------------------------------- tests

  @Test
  void readsSpansWithEveryField() throws IOException {
    Telemetry t = read(frame(traces(serverSpan())));
    InputSummary summary = t.inputs().get(0);
    assertThat(summary.format()).isEqualTo("otlp-proto");
    assertThat(summary.errors()).isEmpty();
    SpanStore s = t.spans();
    assertThat(s.size()).isEqualTo(1);
    assertThat(s.traceIdHex(0)).isEqualTo(TRACE);
    assertThat(s.spanIdHex(0)).isEqualTo(SPAN);
    assertThat(s.parentSpanIdHex(0)).isEqualTo(PARENT);
    assertThat(s.traceIdState(0)).isEqualTo(IdState.VALID);
    assertThat(s.name(0)).isEqualTo("POST /v1/chat/completions");
    assertThat(s.kind(0)).isEqualTo(SpanKind.SERVER);
    assertThat(s.start(0)).isEqualTo(T0);
    assertThat(s.end(0)).isEqualTo(T0 + 2_500_000);
    assertThat(s.flags(0)).isEqualTo(0x301);
    assertThat(s.traceState(0)).isEqualTo("vendor=abc");
    assertThat(s.status(0)).isEqualTo(StatusCode.ERROR);
    assertThat(s.statusMessage(0)).isEqualTo("upstream timeout");
    assertThat(s.scopeName(0)).isEqualTo("io.vllm");
    assertThat(s.line(0)).isEqualTo(1);
    assertThat(s.serviceName(0)).isEqualTo("gateway");

    Attributes a = s.attributes(0);
    assertThat(a.get("http.response.status_code")).isEqualTo(504L);
    assertThat(a.get("gen_ai.request.model")).isEqualTo("llama-3-8b");
    assertThat(a.get("ratio")).isEqualTo(0.5);
    assertThat(a.get("streamed")).isEqualTo(true);
    assertThat(a.get("tags")).isEqualTo("[\"a\",2]");
    assertThat(a.get("map")).isEqualTo("{\"k\":\"v\\\"q\"}");
    assertThat(a.get("raw")).isEqualTo("AQID");

    List<SpanEvent> events = s.events(0);
    assertThat(events).hasSize(1);
    assertThat(events.get(0).name()).isEqualTo("exception");
    assertThat(events.get(0).timeUnixNano()).isEqualTo(T0 + 1_000_000);
    assertThat(events.get(0).attributes().get("exception.type")).isEqualTo("TimeoutException");

    List<SpanLink> links = s.links(0);
    assertThat(links).hasSize(2);
    assertThat(links.get(0).traceIdHex()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    assertThat(links.get(0).spanId()).isEqualTo(0xb7ad6b7169203331L);
    assertThat(links.get(0).valid()).isTrue();
    assertThat(links.get(0).flags()).isEqualTo(0x101);
    assertThat(links.get(0).attributes().get("opentracing.ref_type")).isEqualTo("follows_from");
    assertThat(links.get(1).valid()).isFalse();
  }

  @Test
  void rootSpanAndInvalidIdsKeepTheirState() throws IOException {
    Span root =
        Span.newBuilder()
            .setTraceId(ByteString.copyFrom(new byte[16]))
            .setSpanId(hex("00112233"))
            .setName("root")
            .setStartTimeUnixNano(T0)
            .setEndTimeUnixNano(T0 + 1)
            .build();
    Telemetry t = read(frame(traces(root)));
    SpanStore s = t.spans();
    assertThat(s.size()).isEqualTo(1);
    assertThat(s.traceIdState(0)).isEqualTo(IdState.ALL_ZERO);
    assertThat(s.spanIdState(0)).isEqualTo(IdState.WRONG_LENGTH);
    assertThat(s.parentIdState(0)).isEqualTo(IdState.EMPTY);
    assertThat(s.hasParent(0)).isFalse();
    assertThat(s.kind(0)).isEqualTo(SpanKind.UNSPECIFIED);
    assertThat(s.status(0)).isEqualTo(StatusCode.UNSET);
  }

  @Test
  void equalResourcesInDifferentMessagesShareOneObject() throws IOException {
    Span other = serverSpan().toBuilder().setSpanId(hex("0102030405060708")).build();
    Telemetry t = read(concat(frame(traces(serverSpan())), frame(traces(other))));
    assertThat(t.spans().size()).isEqualTo(2);
    assertThat(t.spans().resource(0)).isSameAs(t.spans().resource(1));
    assertThat(t.spans().line(1)).isEqualTo(2);
  }

  @Test
  void readsGaugesSumsHistogramsAndSummaries() throws IOException {
    Telemetry t = read(frame(metrics()));
    MetricStore m = t.metrics();
    InputSummary summary = t.inputs().get(0);
    assertThat(summary.errors()).isEmpty();

    MetricSeries running = m.seriesNamed("vllm.num_requests_running").get(0);
    assertThat(running.labels()).isEqualTo(Labels.of("model", "a"));
    assertThat(running.resource().serviceName()).isEqualTo("vllm");
    assertThat(running.time(0)).isEqualTo(T0);
    assertThat(running.value(0)).isEqualTo(3.0);
    assertThat(running.family().type()).isEqualTo(MetricType.GAUGE);
    assertThat(running.family().unit()).isEqualTo("{request}");
    assertThat(running.family().help()).isEqualTo("Running requests");

    List<MetricSeries> tokens = m.seriesNamed("tokens.generated");
    assertThat(tokens).hasSize(2);
    assertThat(tokens.get(0).family().type()).isEqualTo(MetricType.COUNTER);
    assertThat(tokens.get(0).size()).isEqualTo(2);
    assertThat(tokens.get(0).value(1)).isEqualTo(12.0);
    assertThat(summary.notes())
        .anyMatch(n -> n.contains("tokens.generated") && n.contains("delta"));

    MetricSeries depth = m.seriesNamed("queue.depth").get(0);
    assertThat(depth.family().type()).isEqualTo(MetricType.GAUGE);
    assertThat(depth.value(0)).isEqualTo(-2.0);
    assertThat(depth.labels()).isEqualTo(Labels.empty());

    String h = "http.server.request.duration";
    assertThat(m.family(h).type()).isEqualTo(MetricType.HISTOGRAM);
    assertThat(last(m, h + "_bucket"))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "{le=\"0.25\",route=\"/chat\"}", 2.0,
                "{le=\"1\",route=\"/chat\"}", 5.0,
                "{le=\"+Inf\",route=\"/chat\"}", 9.0));
    assertThat(last(m, h + "_sum")).containsExactly(Map.entry("{route=\"/chat\"}", 7.5));
    assertThat(last(m, h + "_count")).containsExactly(Map.entry("{route=\"/chat\"}", 9.0));

    assertThat(m.family("gc.pause").type()).isEqualTo(MetricType.SUMMARY);
    assertThat(last(m, "gc.pause"))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("{quantile=\"0.5\"}", 0.1, "{quantile=\"0.99\"}", 0.4));
    assertThat(last(m, "gc.pause_sum")).containsExactly(Map.entry("{}", 0.8));
    assertThat(last(m, "gc.pause_count")).containsExactly(Map.entry("{}", 4.0));
  }

  @Test
  void exponentialHistogramBecomesCumulativeLeBuckets() throws IOException {
    MetricStore m = read(frame(metrics())).metrics();
    assertThat(m.family("ttft").type()).isEqualTo(MetricType.HISTOGRAM);
    // Scale 0: base 2. Negative bucket 0 holds [-2, -1), the zero bucket 0, positive buckets 1
    // and 2 hold (2, 4] and (4, 8].
    assertThat(last(m, "ttft_bucket"))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "{le=\"-1\"}", 1.0,
                "{le=\"0\"}", 2.0,
                "{le=\"4\"}", 2.0,
                "{le=\"8\"}", 4.0,
                "{le=\"+Inf\"}", 4.0));
    assertThat(last(m, "ttft_count")).containsExactly(Map.entry("{}", 4.0));
    assertThat(last(m, "ttft_sum")).containsExactly(Map.entry("{}", 10.0));
  }

  @Test
  void boundsAreWrittenAsPlainDecimals() {
    // Scale 1: base sqrt(2), so positive bucket index 1 ends at 2.
    assertThat(OtlpProtoMapper.number(Math.pow(2, Math.scalb(2.0, -1)))).isEqualTo("2");
    assertThat(OtlpProtoMapper.number(1e-9)).isEqualTo("1.0E-9");
    assertThat(OtlpProtoMapper.number(0.005)).isEqualTo("0.005");
    assertThat(OtlpProtoMapper.unsigned(-1L)).isCloseTo(1.8446744073709552E19, within(1e4));
  }

  @Test
  void readsLogs() throws IOException {
    Telemetry t = read(frame(logs()));
    List<LogRecord> logs = t.logs();
    assertThat(logs).hasSize(2);
    LogRecord r = logs.get(0);
    assertThat(r.timeUnixNano()).isEqualTo(T0);
    assertThat(r.observedTimeUnixNano()).isEqualTo(T0 + 5);
    assertThat(r.severityNumber()).isEqualTo(17);
    assertThat(r.severityText()).isEqualTo("ERROR");
    assertThat(r.body()).isEqualTo("CUDA out of memory");
    assertThat(r.attributes().get("exception.type")).isEqualTo("torch.OutOfMemoryError");
    assertThat(r.traceId()).isEqualTo(TRACE);
    assertThat(r.spanId()).isEqualTo(SPAN);
    assertThat(r.resource().serviceName()).isEqualTo("vllm");
    assertThat(r.line()).isEqualTo(1);
    LogRecord s = logs.get(1);
    assertThat(s.body()).isEqualTo("{\"event\":\"evicted\",\"blocks\":12}");
    assertThat(s.traceId()).isEmpty();
    assertThat(s.spanId()).isEmpty();
    assertThat(t.inputs().get(0).logs()).isEqualTo(2);
  }

  @Test
  void decidesTheTypeOfEveryMessage() throws IOException {
    Telemetry t = read(concat(frame(logs()), frame(traces(serverSpan())), frame(metrics())));
    assertThat(t.inputs().get(0).errors()).isEmpty();
    assertThat(t.logs()).hasSize(2);
    assertThat(t.logs().get(0).line()).isEqualTo(1);
    assertThat(t.spans().size()).isEqualTo(1);
    assertThat(t.spans().line(0)).isEqualTo(2);
    assertThat(t.metrics().seriesNamed("gc.pause").get(0).line()).isEqualTo(3);
  }

  @Test
  void metricWhoseNameLooksLikeAnIdIsStillAMetric() throws IOException {
    // A 16-byte name and a gauge in field 5 fit a span's layout (trace id, name) too.
    MetricsData data =
        MetricsData.newBuilder()
            .addResourceMetrics(
                ResourceMetrics.newBuilder()
                    .addScopeMetrics(
                        ScopeMetrics.newBuilder()
                            .addMetrics(
                                Metric.newBuilder()
                                    .setName("sixteen.chars.ok")
                                    .setGauge(
                                        Gauge.newBuilder()
                                            .addDataPoints(
                                                NumberDataPoint.newBuilder().setAsDouble(1))))))
            .build();
    Telemetry t = read(frame(data));
    assertThat(t.spans().size()).isZero();
    assertThat(t.metrics().seriesNamed("sixteen.chars.ok")).hasSize(1);
    assertThat(t.metrics().seriesNamed("sixteen.chars.ok").get(0).time(0))
        .isEqualTo(MetricSeries.NO_TIMESTAMP);
  }

  @Test
  void emptyMessagesAreFine() throws IOException {
    Telemetry t =
        read(
            concat(
                frame(new byte[0]),
                frame(TracesData.getDefaultInstance()),
                frame(traces(serverSpan()))));
    assertThat(t.inputs().get(0).errors()).isEmpty();
    assertThat(t.spans().size()).isEqualTo(1);
    assertThat(t.spans().line(0)).isEqualTo(3);
  }

  @Test
  void truncatedLastMessageKeepsEarlierOnes() throws IOException {
    byte[] first = frame(traces(serverSpan()));
    byte[] second = frame(logs());
    byte[] third = frame(metrics());
    byte[] cut = java.util.Arrays.copyOf(third, third.length - 10);
    Telemetry t = read(concat(first, second, cut));
    assertThat(t.spans().size()).isEqualTo(1);
    assertThat(t.logs()).hasSize(2);
    assertThat(t.metrics().seriesCount()).isZero();
    InputSummary s = t.inputs().get(0);
    assertThat(s.errors()).hasSize(1);
    assertThat(s.errors().get(0).offset()).isEqualTo(first.length + second.length);
    assertThat(s.errors().get(0).line()).isZero();
    assertThat(s.errors().get(0).message()).contains("message 3").contains("truncated");
    assertThat(s.errors().get(0).position())
        .isEqualTo("byte offset " + (first.length + second.length));
  }

  @Test
  void lengthPastTheEndIsAnError() throws IOException {
    byte[] first = frame(traces(serverSpan()));
    byte[] bogus =
        ByteBuffer.allocate(4 + 3).putInt(100_000_000).put(new byte[] {10, 0, 0}).array();
    Telemetry t = read(concat(first, bogus));
    assertThat(t.spans().size()).isEqualTo(1);
    InputSummary s = t.inputs().get(0);
    assertThat(s.errors()).hasSize(1);
    assertThat(s.errors().get(0).offset()).isEqualTo(first.length);
    assertThat(s.errors().get(0).message()).contains("100000000").contains("only 3");
  }

  @Test
  void absurdLengthStopsReading() throws IOException {
    byte[] first = frame(traces(serverSpan()));
    byte[] bogus = ByteBuffer.allocate(8).putInt(0xF0000000).putInt(0).array();
    Telemetry t = read(concat(first, bogus, frame(logs())));
    assertThat(t.spans().size()).isEqualTo(1);
    assertThat(t.logs()).isEmpty();
    InputSummary s = t.inputs().get(0);
    assertThat(s.errors()).hasSize(1);
    assertThat(s.errors().get(0).offset()).isEqualTo(first.length);
    assertThat(s.errors().get(0).message()).contains("4026531840").contains("limit");
  }

  @Test
  void endingInsideALengthPrefixIsAnError() throws IOException {
    byte[] first = frame(logs());
    Telemetry t = read(concat(first, new byte[] {0, 0}));
    assertThat(t.logs()).hasSize(2);
    assertThat(t.inputs().get(0).errors())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.offset()).isEqualTo(first.length);
              assertThat(e.message()).contains("length prefix");
            });
  }

  @Test
  void textIsNotFramedProtobuf() throws IOException {
    Telemetry t =
        read(
            "this is a log file, not protobuf\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    InputSummary s = t.inputs().get(0);
    assertThat(s.errors()).singleElement().satisfies(e -> assertThat(e.offset()).isZero());
    assertThat(t.spans().size()).isZero();
  }

  @Test
  void undecodableMessageIsSkippedAndReadingGoesOn() throws IOException {
    byte[] garbage = frame(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 7});
    Telemetry t = read(concat(garbage, frame(logs())));
    InputSummary s = t.inputs().get(0);
    assertThat(s.errors())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.offset()).isZero();
              assertThat(e.message()).contains("message 1").contains("not a valid OTLP protobuf");
            });
    assertThat(t.logs()).hasSize(2);
  }

  @Test
  void manyUndecodableMessagesInARowStopReading() throws IOException {
    byte[] garbage = frame(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});
    Telemetry t = read(concat(garbage, garbage, garbage, garbage, frame(logs())));
    InputSummary s = t.inputs().get(0);
    assertThat(s.errors()).hasSize(4);
    assertThat(s.errors().get(3).message()).contains("reading stops");
    assertThat(t.logs()).isEmpty();
  }

  private static byte[] zstd(byte[] plain) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (io.airlift.compress.zstd.ZstdOutputStream z = new io.airlift.compress.zstd.ZstdOutputStream(out)) {
      z.write(plain);
    }
    return out.toByteArray();
  }

  @Test
  void zstdFramesAreDecompressedOneByOne() throws IOException {
    byte[] json =
        ("{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"body\":{\"stringValue\":\"hi\"}}]}]}]}")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    // As the file exporter writes with 'compression: zstd': each message its own zstd frame,
    // protobuf for format proto, JSON for format json.
    Telemetry t = read(concat(frame(zstd(traces(serverSpan()).toByteArray())), frame(zstd(json)),
        frame(zstd(logs().toByteArray()))));
    InputSummary s = t.inputs().get(0);
    assertThat(s.errors()).isEmpty();
    assertThat(s.format()).isEqualTo("otlp-proto+zstd");
    assertThat(t.spans().size()).isEqualTo(1);
    assertThat(t.logs()).hasSize(3);
  }

  @Test
  void corruptZstdFrameIsSkippedAndReadingGoesOn() throws IOException {
    byte[] good = zstd(logs().toByteArray());
    byte[] bad = java.util.Arrays.copyOf(good, good.length);
    for (int i = 6; i < bad.length; i++) {
      bad[i] = (byte) 0xA5;
    }
    Telemetry t = read(concat(frame(bad), frame(good)));
    assertThat(t.inputs().get(0).errors())
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("message 1").contains("zstd"));
    assertThat(t.logs()).hasSize(2);
  }

  @Test
  void jsonInsideAFrameIsRead() throws IOException {
    byte[] json =
        ("{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"body\":{\"stringValue\":\"hi\"}}]}]}]}")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Telemetry t = read(frame(json));
    assertThat(t.logs()).singleElement().satisfies(r -> assertThat(r.body()).isEqualTo("hi"));
  }
}
