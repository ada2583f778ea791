package dev.traceguard.analyzers.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traceguard.analyzers.io.DumpFormat;
import dev.traceguard.analyzers.io.DumpReader;
import dev.traceguard.analyzers.io.ReadContext;
import dev.traceguard.analyzers.io.otlp.OtlpMessageReader;
import dev.traceguard.analyzers.io.otlp.OtlpProtoMapper;
import dev.traceguard.analyzers.model.SpanEvent;
import dev.traceguard.analyzers.model.SpanLink;
import dev.traceguard.analyzers.model.SpanStore;
import dev.traceguard.analyzers.model.Telemetry;
import io.grpc.Status;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Replays testdata dumps into a real gRPC and HTTP OTLP receiver and checks what arrives. */
class ReplayerTest {
  private static final Path TESTDATA = Path.of("..", "testdata");
  private static final Path PIPELINE = TESTDATA.resolve("clean/pipeline.jsonl");
  private static final Path INVALID_IDS = TESTDATA.resolve("broken/invalid-id.jsonl");
  private static final String SECRET = "Bearer s3cr3t-t0ken-value";

  @TempDir Path tmp;
  private OtlpTestReceiver receiver;
  private final List<Duration> slept = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    receiver = new OtlpTestReceiver();
  }

  @AfterEach
  void stop() {
    receiver.close();
  }

  private ExporterConfig config(String protocol, boolean gzip) {
    ExporterConfig.Flags f = new ExporterConfig.Flags();
    f.protocol = protocol;
    f.endpoint = protocol.equals("grpc") ? receiver.grpcUrl() : receiver.httpUrl();
    f.compression = gzip ? "gzip" : "none";
    f.headers.add("authorization=" + SECRET.replace(" ", "%20") + ",x-tenant=acme");
    return ExporterConfig.resolve(Map.of(), f);
  }

  private ReplaySummary replay(ExporterConfig cfg, ReplayOptions opts, Path... inputs) throws IOException {
    try (OtlpTransport t = Replayer.transport(cfg, "traceguard-test")) {
      return new Replayer(opts, t).sleeper(slept::add)
          .replay(java.util.Arrays.stream(inputs).map(Path::toString).toList());
    }
  }

  private static ReplayOptions fast() {
    return ReplayOptions.defaults().withRedactor(Redactor.none())
        .withRetries(5, Duration.ofMillis(100), Duration.ofSeconds(1));
  }

  // ---------------------------------------------------------------- fidelity

  /** Every span of the dumps arrives field for field, times shifted, over both protocols. */
  @ParameterizedTest
  @CsvSource({"grpc,false", "grpc,true", "http/protobuf,false", "http/protobuf,true", "http/json,true"})
  void everySpanArrivesFieldForField(String protocol, boolean gzip) throws IOException {
    Path proto = protoCopy(PIPELINE);
    Path[] inputs = {
      PIPELINE, INVALID_IDS, TESTDATA.resolve("clean/tempo.json"),
      TESTDATA.resolve("clean/logging-otlp.log"), TESTDATA.resolve("clean/pipeline.pretty.json"), proto
    };
    Duration shift = Duration.ofHours(-3).plusNanos(7);
    ReplaySummary s = replay(config(protocol, gzip), fast().withShift(shift).withBatchSize(300), inputs);

    // Field for field: the received spans read into the model equal the dumps read into the
    // model, every time moved by exactly the shift.
    long expected = 0;
    List<String> want = new ArrayList<>();
    for (Path in : inputs) {
      Telemetry original = new Telemetry();
      DumpReader.read(in, original);
      assertThat(original.inputs().get(0).skipped()).as(in.toString()).isZero();
      expected += original.spans().size() + original.spans().exactDuplicates();
      want.addAll(canonical(original.spans(), shift.toNanos()));
    }
    ReplaySummary.Counts c = s.counts().get(Signal.TRACES);
    assertThat(c.read()).isEqualTo(expected);
    assertThat(c.accepted()).isEqualTo(expected);
    assertThat(c.spilled() + c.rejected()).isZero();
    assertThat(s.allDelivered()).isTrue();
    assertThat(receiver.spans.stream().mapToLong(dev.traceguard.analyzers.io.otlp.OtlpRecords::count).sum())
        .isEqualTo(expected);
    Telemetry got = new Telemetry();
    got.addInput("received");
    OtlpProtoMapper mapper = new OtlpProtoMapper(new ReadContext(got, 0));
    synchronized (receiver.spans) {
      receiver.spans.forEach(mapper::resourceSpans);
    }
    List<String> have = canonical(got.spans(), 0);
    assertThat(new HashSet<>(have)).isEqualTo(new HashSet<>(want));
    // The broken parent id of 5 bytes and the all-zero trace id went out as they were.
    assertThat(have).anyMatch(l -> l.contains("|2149ac1eff|WRONG_LENGTH|"));
    assertThat(have).anyMatch(l -> l.startsWith("00000000000000000000000000000000|"));

    for (Map<String, String> h : receiver.headers) {
      assertThat(h).containsEntry("authorization", SECRET).containsEntry("x-tenant", "acme");
      if (protocol.equals("grpc")) {
        assertThat(h.get("grpc-encoding")).isEqualTo(gzip ? "gzip" : null);
      } else {
        assertThat(h.get("content-encoding")).isEqualTo(gzip ? "gzip" : null);
      }
    }
  }

  /** Without shift or redaction the protobuf that arrives equals the dump's, span for span. */
  @Test
  void unshiftedReplayIsByteIdentical() throws IOException {
    List<ResourceSpans> source = messages(INVALID_IDS);
    source.addAll(messages(PIPELINE));
    replay(config("grpc", false), fast().withBatchSize(7), INVALID_IDS, PIPELINE);
    assertThat(flatten(receiver.spans)).isEqualTo(flatten(source));
  }

  /** Attribute types the model flattens (arrays, maps, bytes) and scope details stay as they were. */
  @Test
  void attributeTypesAndScopesSurvive() throws IOException {
    Span span = Span.newBuilder()
        .setTraceId(com.google.protobuf.ByteString.copyFrom(new byte[16]))
        .setSpanId(com.google.protobuf.ByteString.copyFrom(new byte[] {1, 2, 3}))
        .setName("odd").setKindValue(9).setFlags(0x301).setTraceState("k=v")
        .setDroppedAttributesCount(4)
        .addAttributes(kv("arr", AnyValue.newBuilder().setArrayValue(
            io.opentelemetry.proto.common.v1.ArrayValue.newBuilder()
                .addValues(AnyValue.newBuilder().setIntValue(1))
                .addValues(AnyValue.newBuilder().setStringValue("x")))))
        .addAttributes(kv("bytes", AnyValue.newBuilder().setBytesValue(
            com.google.protobuf.ByteString.copyFrom(new byte[] {0, -1}))))
        .addAttributes(kv("nan", AnyValue.newBuilder().setDoubleValue(Double.NaN)))
        .addAttributes(kv("empty", AnyValue.newBuilder().setStringValue("")))
        .build();
    ResourceSpans rs = ResourceSpans.newBuilder().setSchemaUrl("https://s")
        .addScopeSpans(ScopeSpans.newBuilder().setScope(
            io.opentelemetry.proto.common.v1.InstrumentationScope.newBuilder()
                .setName("lib").setVersion("1.2").addAttributes(kv("a", AnyValue.newBuilder().setBoolValue(true))))
            .addSpans(span))
        .build();
    Path in = tmp.resolve("odd.pb");
    writeFramed(in, TracesData.newBuilder().addResourceSpans(rs).build());
    Path json = tmp.resolve("odd.jsonl");
    try (var w = Files.newBufferedWriter(json);
        var g = new com.fasterxml.jackson.core.JsonFactory().createGenerator(w)) {
      dev.traceguard.analyzers.io.otlp.OtlpJsonWriter.write(TracesData.newBuilder().addResourceSpans(rs).build(), g);
    }
    replay(config("http/protobuf", true), fast(), in, json);
    assertThat(receiver.spans).containsExactly(rs, rs);
  }

  // ---------------------------------------------------------------- retries and spill

  @Test
  void unavailableTwiceThenOkDeliversEverythingOnce() throws IOException {
    receiver.fail(
        new OtlpTestReceiver.Failure(Status.Code.UNAVAILABLE, 503, null, null),
        new OtlpTestReceiver.Failure(Status.Code.UNAVAILABLE, 503, null, null));
    ReplaySummary s = replay(config("grpc", true), fast(), PIPELINE);
    ReplaySummary.Counts c = s.counts().get(Signal.TRACES);
    assertThat(c.retries()).isEqualTo(2);
    assertThat(slept).hasSize(2);
    assertThat(slept.get(1)).isGreaterThan(slept.get(0));
    assertThat(c.accepted()).isEqualTo(c.read()).isPositive();
    List<String> ids = receiver.spans.stream().flatMap(rs -> rs.getScopeSpansList().stream())
        .flatMap(ss -> ss.getSpansList().stream())
        .map(sp -> sp.getTraceId().toStringUtf8() + sp.getSpanId().toStringUtf8())
        .toList();
    assertThat(ids).hasSize((int) c.read()).doesNotHaveDuplicates();
    assertThat(s.allDelivered()).isTrue();
  }

  @Test
  void retryAfterAndRetryInfoAreHonoured() throws IOException {
    receiver.fail(new OtlpTestReceiver.Failure(null, 429, "7", null));
    ReplaySummary s = replay(config("http/protobuf", false), fast(), PIPELINE);
    assertThat(slept).containsExactly(Duration.ofSeconds(7));
    assertThat(s.allDelivered()).isTrue();

    slept.clear();
    receiver.fail(new OtlpTestReceiver.Failure(Status.Code.RESOURCE_EXHAUSTED, 0, null, Duration.ofMillis(2500)));
    s = replay(config("grpc", false), fast(), PIPELINE);
    assertThat(slept).containsExactly(Duration.ofMillis(2500));
    assertThat(s.allDelivered()).isTrue();
  }

  @Test
  void permanentErrorIsNotRetriedAndIsSpilled() throws IOException {
    receiver.fail(new OtlpTestReceiver.Failure(Status.Code.INVALID_ARGUMENT, 400, null, null));
    Path spill = tmp.resolve("spill.jsonl");
    ReplaySummary s = replay(config("http/protobuf", false), fast().withSpill(spill), PIPELINE);
    ReplaySummary.Counts c = s.counts().get(Signal.TRACES);
    assertThat(slept).isEmpty();
    assertThat(c.spilled()).isPositive();
    assertThat(c.lastError()).startsWith("HTTP 400");
    assertThat(s.allDelivered()).isFalse();
  }

  @Test
  void persistentFailureSpillsAndTheSpillReplaysCompletely() throws IOException {
    receiver.failAlways(new OtlpTestReceiver.Failure(Status.Code.UNAVAILABLE, 503, null, null));
    Path spill = tmp.resolve("spill.jsonl");
    ReplaySummary first = replay(config("grpc", false),
        fast().withRetries(2, Duration.ofMillis(10), Duration.ofMillis(20)).withSpill(spill).withBatchSize(50),
        PIPELINE, INVALID_IDS);
    ReplaySummary.Counts c = first.counts().get(Signal.TRACES);
    assertThat(c.accepted()).isZero();
    assertThat(c.spilled()).isEqualTo(c.read()).isPositive();
    assertThat(first.spill()).isEqualTo(spill);
    assertThat(first.allDelivered()).isFalse();
    // Three batches exhaust their retries, then the rest is spilled without trying.
    assertThat(c.retries()).isEqualTo(3 * 2);
    assertThat(first.notes()).anyMatch(n -> n.contains("went to the spill file without being sent"));
    assertThat(Files.readString(spill)).doesNotContain("s3cr3t");

    receiver.failAlways(null);
    ReplaySummary second = replay(config("http/protobuf", true), fast(), spill);
    assertThat(second.inputs().get(0).skipped()).isZero();
    assertThat(second.counts().get(Signal.TRACES).accepted()).isEqualTo(c.read());
    List<ResourceSpans> source = messages(PIPELINE);
    source.addAll(messages(INVALID_IDS));
    assertThat(flatten(receiver.spans)).isEqualTo(flatten(source));
  }

  @Test
  void partialSuccessIsCounted() throws IOException {
    receiver.rejectPerRequest(2);
    ReplaySummary s = replay(config("grpc", false), fast().withBatchSize(100), PIPELINE);
    ReplaySummary.Counts c = s.counts().get(Signal.TRACES);
    assertThat(c.rejected()).isEqualTo(2 * c.requests());
    assertThat(c.accepted()).isEqualTo(c.read() - c.rejected());
    assertThat(c.lastError()).contains("too old");
    assertThat(s.allDelivered()).isFalse();
  }

  // ---------------------------------------------------------------- redaction

  @Test
  void redactionRemovesContentAndKeepsShape() throws IOException {
    String line = "{\"resourceSpans\":[{\"resource\":{},\"scopeSpans\":[{\"spans\":[{"
        + "\"traceId\":\"0af7651916cd43dd8448eb211c80319c\",\"spanId\":\"b7ad6b7169203331\","
        + "\"name\":\"chat\",\"startTimeUnixNano\":\"1000\",\"endTimeUnixNano\":\"2000\",\"attributes\":["
        + "{\"key\":\"gen_ai.input.messages\",\"value\":{\"stringValue\":\"héllo secret prompt\"}},"
        + "{\"key\":\"gen_ai.output.messages\",\"value\":{\"arrayValue\":{\"values\":[{\"stringValue\":\"ab\"}]}}},"
        + "{\"key\":\"user.email\",\"value\":{\"stringValue\":\"a@b.c\"}},"
        + "{\"key\":\"gen_ai.request.model\",\"value\":{\"stringValue\":\"llama\"}}],"
        + "\"events\":[{\"name\":\"gen_ai.content.prompt\",\"timeUnixNano\":\"1500\",\"attributes\":["
        + "{\"key\":\"gen_ai.prompt\",\"value\":{\"stringValue\":\"abc\"}}]}]}]}]}]}\n";
    Path in = tmp.resolve("content.jsonl");
    Files.writeString(in, line);
    Redactor r = Redactor.defaults(List.of("user.*"));
    ReplaySummary s = replay(config("grpc", false), fast().withRedactor(r), in);
    Span got = receiver.spans.get(0).getScopeSpans(0).getSpans(0);
    Map<String, String> attrs = new HashMap<>();
    got.getAttributesList().forEach(kv -> attrs.put(kv.getKey(), kv.getValue().getStringValue()));
    assertThat(attrs).containsExactlyInAnyOrderEntriesOf(Map.of(
        "gen_ai.input.messages", "[redacted: 19 chars]",
        "gen_ai.output.messages", "[redacted: 6 chars]",
        "user.email", "[redacted: 5 chars]",
        "gen_ai.request.model", "llama"));
    assertThat(got.getEvents(0).getAttributes(0).getValue().getStringValue()).isEqualTo("[redacted: 3 chars]");
    assertThat(got.getAttributesList().stream().map(KeyValue::getKey).toList())
        .containsExactly("gen_ai.input.messages", "gen_ai.output.messages", "user.email", "gen_ai.request.model");
    assertThat(s.notes()).anyMatch(n -> n.startsWith("redacted 4 attribute values"));
  }

  // ---------------------------------------------------------------- metrics and logs

  @Test
  void prometheusBecomesOtlpMetrics() throws IOException {
    ReplaySummary s = replay(config("grpc", false), fast(), TESTDATA.resolve("metrics/inference.prom"));
    assertThat(s.allDelivered()).isTrue();
    Map<String, List<Metric>> byName = receiver.metrics.stream()
        .flatMap(rm -> rm.getScopeMetricsList().stream())
        .flatMap(sm -> sm.getMetricsList().stream())
        .collect(Collectors.groupingBy(Metric::getName));
    Metric hist = byName.get("http_server_requests_seconds").get(0);
    assertThat(hist.getHistogram().getAggregationTemporality())
        .isEqualTo(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
    HistogramDataPoint ok = hist.getHistogram().getDataPointsList().stream()
        .filter(p -> p.getAttributesList().stream().anyMatch(kv -> kv.getValue().getStringValue().equals("SUCCESS")))
        .findFirst().orElseThrow();
    assertThat(ok.getExplicitBoundsList()).containsExactly(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0);
    assertThat(ok.getBucketCountsList()).containsExactly(0L, 0L, 24L, 496L, 3960L, 11786L, 4126L, 617L, 32L);
    assertThat(ok.getCount()).isEqualTo(21041);
    assertThat(ok.getSum()).isEqualTo(40671.190324);
    assertThat(ok.getTimeUnixNano()).isPositive();
    Metric gauge = byName.get("jvm_memory_used_bytes").get(0);
    assertThat(gauge.hasGauge()).isTrue();
    assertThat(gauge.getGauge().getDataPointsCount()).isEqualTo(5);
    List<Metric> counters = byName.values().stream().flatMap(List::stream).filter(Metric::hasSum).toList();
    assertThat(counters).isNotEmpty().allMatch(m -> m.getSum().getIsMonotonic()
        && m.getSum().getAggregationTemporality() == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
    assertThat(s.notes()).anyMatch(n -> n.contains("had no timestamp"));
  }

  @Test
  void otlpMetricsAndLogsGoThroughUnchanged() throws IOException {
    Metric sum = Metric.newBuilder().setName("queue.depth").setSum(
        io.opentelemetry.proto.metrics.v1.Sum.newBuilder().setIsMonotonic(false)
            .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
            .addDataPoints(io.opentelemetry.proto.metrics.v1.NumberDataPoint.newBuilder()
                .setTimeUnixNano(5_000).setStartTimeUnixNano(4_000).setAsInt(3))).build();
    ResourceMetrics rm = ResourceMetrics.newBuilder().addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(sum)).build();
    ResourceLogs rl = ResourceLogs.newBuilder().addScopeLogs(io.opentelemetry.proto.logs.v1.ScopeLogs.newBuilder()
        .addLogRecords(io.opentelemetry.proto.logs.v1.LogRecord.newBuilder().setTimeUnixNano(6_000)
            .setBody(AnyValue.newBuilder().setKvlistValue(io.opentelemetry.proto.common.v1.KeyValueList.newBuilder()
                .addValues(kv("k", AnyValue.newBuilder().setIntValue(1)))))
            .setSeverityNumberValue(17).setEventName("e"))).build();
    Path in = tmp.resolve("ml.pb");
    try (OutputStream out = Files.newOutputStream(in); DataOutputStream d = new DataOutputStream(out)) {
      for (com.google.protobuf.Message m : List.of(
          io.opentelemetry.proto.metrics.v1.MetricsData.newBuilder().addResourceMetrics(rm).build(),
          io.opentelemetry.proto.logs.v1.LogsData.newBuilder().addResourceLogs(rl).build())) {
        byte[] b = m.toByteArray();
        d.writeInt(b.length);
        d.write(b);
      }
    }
    ReplaySummary s = replay(config("http/protobuf", false), fast().withShift(Duration.ofNanos(1000)), in);
    assertThat(s.allDelivered()).isTrue();
    assertThat(receiver.metrics).hasSize(1);
    assertThat(receiver.metrics.get(0).getScopeMetrics(0).getMetrics(0).getSum().getDataPoints(0))
        .satisfies(p -> {
          assertThat(p.getTimeUnixNano()).isEqualTo(6_000);
          assertThat(p.getStartTimeUnixNano()).isEqualTo(5_000);
          assertThat(p.getAsInt()).isEqualTo(3);
        });
    io.opentelemetry.proto.logs.v1.LogRecord log = receiver.logs.get(0).getScopeLogs(0).getLogRecords(0);
    assertThat(log.getTimeUnixNano()).isEqualTo(7_000);
    assertThat(log.getBody()).isEqualTo(rl.getScopeLogs(0).getLogRecords(0).getBody());
    assertThat(log.getEventName()).isEqualTo("e");
    assertThat(s.counts().get(Signal.LOGS).accepted()).isEqualTo(1);
    assertThat(s.counts().get(Signal.METRICS).accepted()).isEqualTo(1);
  }

  @Test
  void shiftToNowPutsTheLatestRecordNow() throws IOException {
    java.time.Instant now = java.time.Instant.parse("2030-01-01T00:00:00Z");
    try (OtlpTransport t = Replayer.transport(config("grpc", false), "t")) {
      new Replayer(fast().withShiftToNow(), t).clock(java.time.Clock.fixed(now, java.time.ZoneOffset.UTC))
          .sleeper(slept::add).replay(List.of(PIPELINE.toString()));
    }
    long max = receiver.spans.stream().flatMap(rs -> rs.getScopeSpansList().stream())
        .flatMap(ss -> ss.getSpansList().stream()).mapToLong(Span::getEndTimeUnixNano).max().orElseThrow();
    assertThat(max).isEqualTo(now.getEpochSecond() * 1_000_000_000L);
  }

  /** A fake monotonic clock that only moves when the replayer sleeps. */
  private final long[] fakeNow = {0};

  private ReplaySummary paced(ReplayOptions opts, Path in) throws IOException {
    try (OtlpTransport t = Replayer.transport(config("grpc", false), "t")) {
      return new Replayer(opts, t).ticker(() -> fakeNow[0])
          .sleeper(d -> {
            slept.add(d);
            fakeNow[0] += d.toNanos();
          })
          .replay(List.of(in.toString()));
    }
  }

  @Test
  void rateCapsRecordsPerSecond() throws IOException {
    ReplaySummary s = paced(fast().withPacing(0, 1000), PIPELINE);
    long n = s.counts().get(Signal.TRACES).read();
    assertThat(s.counts().get(Signal.TRACES).accepted()).isEqualTo(n);
    // At most 100 records a request (a tenth of a second's worth); the last request is due when
    // every record before it has had its millisecond: between (n - 100) and n ms after the start.
    assertThat(Duration.ofNanos(fakeNow[0])).isBetween(Duration.ofMillis(n - 100), Duration.ofMillis(n));
    assertThat(s.counts().get(Signal.TRACES).requests()).isGreaterThanOrEqualTo((n + 99) / 100);
    assertThat(slept).allMatch(d -> d.compareTo(Duration.ofMillis(101)) < 0);
  }

  @Test
  void speedKeepsTheOriginalRhythm() throws IOException {
    List<ResourceSpans> source = messages(PIPELINE);
    long first = Replayer.range(source.get(0))[0];
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (ResourceSpans rs : source) {
      min = Math.min(min, Replayer.range(rs)[0]);
      max = Math.max(max, Replayer.range(rs)[0]);
    }
    ReplaySummary s = paced(fast().withPacing(100, 0), PIPELINE);
    assertThat(s.allDelivered()).isTrue();
    // Replay time runs 100 times faster than the original from the first batch sent, so the
    // waits add up to about the dump's time span divided by 100 (batches start at their
    // earliest record, hence not exactly).
    assertThat(max - first).isGreaterThan(1_000_000_000L);
    assertThat(fakeNow[0]).isBetween((long) ((max - first) / 200.0), (long) ((max - min) / 100.0));
  }

  @Test
  void parallelSendersDeliverEverythingOnce() throws IOException {
    receiver.fail(new OtlpTestReceiver.Failure(Status.Code.UNAVAILABLE, 503, null, null));
    try (OtlpTransport t = Replayer.transport(config("http/protobuf", true), "t")) {
      ReplaySummary s = new Replayer(fast().withBatchSize(50), t).parallel(4).sleeper(slept::add)
          .replay(List.of(PIPELINE.toString()));
      assertThat(s.allDelivered()).isTrue();
      assertThat(s.counts().get(Signal.TRACES).retries()).isEqualTo(1);
    }
    List<List<Object>> want = flatten(messages(PIPELINE));
    List<List<Object>> got = flatten(receiver.spans);
    assertThat(got).hasSameSizeAs(want);
    assertThat(new HashSet<>(got)).isEqualTo(new HashSet<>(want));
  }

  @Test
  void dryRunSendsNothing() throws IOException {
    ReplaySummary s = new Replayer(fast().withDryRun(true), null).replay(List.of(PIPELINE.toString()));
    assertThat(s.counts().get(Signal.TRACES).read()).isPositive();
    assertThat(s.counts().get(Signal.TRACES).sent()).isZero();
    assertThat(receiver.attempts).isZero();
    assertThat(s.allDelivered()).isTrue();
  }

  // ---------------------------------------------------------------- helpers

  private static KeyValue kv(String k, AnyValue.Builder v) {
    return KeyValue.newBuilder().setKey(k).setValue(v).build();
  }

  /** The dump's resource entries as the replay reads them. */
  private static List<ResourceSpans> messages(Path in) {
    List<ResourceSpans> out = new ArrayList<>();
    OtlpMessageReader.Sink sink = new OtlpMessageReader.Sink() {
      @Override
      public void resourceSpans(ResourceSpans rs, long line) {
        out.add(rs);
      }

      @Override
      public void resourceMetrics(ResourceMetrics rm, long line) {}

      @Override
      public void resourceLogs(ResourceLogs rl, long line) {}
    };
    DumpReader.read(in, new Telemetry(), null,
        f -> f == DumpFormat.OTLP_JSON ? OtlpMessageReader.json(sink) : OtlpMessageReader.protobuf(sink));
    return out;
  }

  /** One entry per span: its resource, its scope (without spans) and the span, in order. */
  private static List<List<Object>> flatten(List<ResourceSpans> entries) {
    List<List<Object>> out = new ArrayList<>();
    synchronized (entries) {
      for (ResourceSpans rs : entries) {
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          for (Span sp : ss.getSpansList()) {
            out.add(List.of(rs.getResource(), rs.getSchemaUrl(), ss.toBuilder().clearSpans().build(), sp));
          }
        }
      }
    }
    return out;
  }

  private Path protoCopy(Path json) throws IOException {
    Path out = tmp.resolve("pipeline.pb");
    List<ResourceSpans> rs = messages(json);
    try (OutputStream o = Files.newOutputStream(out); DataOutputStream d = new DataOutputStream(o)) {
      for (int i = 0; i < rs.size(); i += 3) {
        byte[] b = TracesData.newBuilder().addAllResourceSpans(rs.subList(i, Math.min(rs.size(), i + 3)))
            .build().toByteArray();
        d.writeInt(b.length);
        d.write(b);
      }
    }
    return out;
  }

  private static void writeFramed(Path out, TracesData data) throws IOException {
    try (OutputStream o = Files.newOutputStream(out); DataOutputStream d = new DataOutputStream(o)) {
      byte[] b = data.toByteArray();
      d.writeInt(b.length);
      d.write(b);
    }
  }

  private static long shifted(long t, long shift) {
    return t == 0 ? 0 : t + shift;
  }

  /** Every field of every span as one line, times shifted. */
  static List<String> canonical(SpanStore s, long shift) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < s.size(); i++) {
      StringBuilder b = new StringBuilder();
      b.append(s.traceIdHex(i)).append('|').append(s.traceIdState(i)).append('|')
          .append(s.spanIdHex(i)).append('|').append(s.spanIdState(i)).append('|')
          .append(s.parentSpanIdHex(i)).append('|').append(s.parentIdState(i)).append('|')
          .append(s.name(i)).append('|').append(s.kind(i)).append('|')
          .append(shifted(s.start(i), shift)).append('|').append(shifted(s.end(i), shift)).append('|')
          .append(s.flags(i)).append('|').append(s.traceState(i)).append('|')
          .append(s.status(i)).append('|').append(s.statusMessage(i)).append('|')
          .append(s.attributes(i)).append('|').append(s.resource(i)).append('|').append(s.scopeName(i));
      for (SpanEvent e : s.events(i)) {
        b.append("|event ").append(e.name()).append(' ').append(shifted(e.timeUnixNano(), shift))
            .append(' ').append(e.attributes());
      }
      for (SpanLink l : s.links(i)) {
        b.append("|link ").append(l.traceIdHex()).append(' ').append(l.spanId()).append(' ')
            .append(l.valid()).append(' ').append(l.flags()).append(' ').append(l.attributes());
      }
      out.add(b.toString());
    }
    return out;
  }
}
