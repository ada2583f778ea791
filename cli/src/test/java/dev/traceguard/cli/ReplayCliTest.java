package dev.traceguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code traceguard replay} through the real CLI against a real OTLP/HTTP receiver. */
class ReplayCliTest {
  private static final String SECRET = "tOpSeCrEt-4711";
  private static final Path PIPELINE = Path.of("..", "testdata", "clean", "pipeline.jsonl");

  @TempDir Path dir;
  private HttpServer server;
  private final AtomicLong spans = new AtomicLong();
  private final AtomicBoolean failing = new AtomicBoolean();
  private final List<String> authorization = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/traces", ex -> {
      try (ex) {
        authorization.add(ex.getRequestHeaders().getFirst("Authorization"));
        byte[] body;
        try (InputStream in = "gzip".equals(ex.getRequestHeaders().getFirst("Content-Encoding"))
            ? new GZIPInputStream(ex.getRequestBody()) : ex.getRequestBody()) {
          body = in.readAllBytes();
        }
        if (failing.get()) {
          // A receiver that echoes the credentials it got in its error: they must not be shown.
          byte[] msg = ("unavailable, you sent Authorization: Bearer " + SECRET).getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(503, msg.length);
          ex.getResponseBody().write(msg);
          return;
        }
        ExportTraceServiceRequest req = ExportTraceServiceRequest.parseFrom(body);
        req.getResourceSpansList().forEach(rs -> rs.getScopeSpansList().forEach(ss -> spans.addAndGet(ss.getSpansCount())));
        ex.sendResponseHeaders(200, -1);
      }
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Test
  void helpTeachesAndExitCodesAreListed() {
    MainTest.Result h = MainTest.run("replay", "--help");
    assertThat(h.code()).isZero();
    assertThat(h.out()).contains("Examples:").contains("Exit codes:").contains("OTEL_EXPORTER_OTLP_")
        .contains("--shift-to-now").contains("--no-redact").contains("4    not everything read was delivered");
    assertThat(MainTest.run().out()).contains("replay");
  }

  @Test
  void replaysEveryRecordAndNeverShowsTheHeaders() throws IOException {
    MainTest.Result r = MainTest.run("replay", PIPELINE.toString(), "--protocol", "http/protobuf",
        "--endpoint", endpoint(), "--compression", "gzip", "--headers", "Authorization=Bearer%20" + SECRET,
        "--shift", "-1d");
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(spans.get()).isEqualTo(2599);
    assertThat(authorization).isNotEmpty().allMatch(("Bearer " + SECRET)::equals);
    assertThat(r.out()).contains("traces").contains("2599").contains("1 header set (not shown)")
        .contains("result: everything read was delivered").contains("shifted by PT-24H");
    assertThat(r.out() + r.err()).doesNotContain(SECRET);

    MainTest.Result j = MainTest.run("replay", PIPELINE.toString(), "--protocol", "http/protobuf",
        "--endpoint", endpoint(), "--headers", "Authorization=Bearer%20" + SECRET, "--format", "json");
    assertThat(j.code()).isZero();
    assertThat(j.out()).contains("\"accepted\" : 2599").contains("\"delivered\" : true").doesNotContain(SECRET);
  }

  @Test
  void failedBatchesAreSpilledAndTheSpillIsReplayedLater() throws IOException {
    failing.set(true);
    Path spill = dir.resolve("spill.jsonl");
    MainTest.Result r = MainTest.run("replay", PIPELINE.toString(), "--protocol", "http/protobuf",
        "--endpoint", endpoint(), "--headers", "authorization=Bearer%20" + SECRET,
        "--max-retries", "0", "--spill", spill.toString());
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(4);
    assertThat(r.out()).contains("result: NOT everything was delivered").contains("HTTP 503")
        .contains("spill file: " + spill);
    assertThat(r.out() + r.err()).doesNotContain(SECRET);
    assertThat(Files.readString(spill)).doesNotContain(SECRET).contains("\"resourceSpans\"");

    failing.set(false);
    MainTest.Result again = MainTest.run("replay", spill.toString(), "--protocol", "http/protobuf",
        "--endpoint", endpoint());
    assertThat(again.code()).as(again.out() + again.err()).isZero();
    assertThat(spans.get()).isEqualTo(2599);
  }

  @Test
  void dryRunAndUsageErrors() {
    MainTest.Result d = MainTest.run("replay", PIPELINE.toString(), "--dry-run", "--endpoint", "http://127.0.0.1:9");
    assertThat(d.code()).as(d.out() + d.err()).isZero();
    assertThat(d.out()).contains("dry run (nothing sent)").contains("result: ready to send");

    MainTest.Result p = MainTest.run("replay", PIPELINE.toString(), "--protocol", "carrier-pigeon");
    assertThat(p.code()).isEqualTo(2);
    assertThat(p.err().strip()).isEqualTo(
        "traceguard replay: --protocol: 'carrier-pigeon' is not one of grpc, http/protobuf, http/json");

    MainTest.Result h = MainTest.run("replay", PIPELINE.toString(), "--headers", "justsomesecretvalue");
    assertThat(h.code()).isEqualTo(2);
    assertThat(h.err()).contains("--headers: entry 1 is not key=value").doesNotContain("justsomesecretvalue");

    MainTest.Result both = MainTest.run("replay", PIPELINE.toString(), "--speed", "2", "--rate", "10");
    assertThat(both.code()).isEqualTo(2);
  }
}
