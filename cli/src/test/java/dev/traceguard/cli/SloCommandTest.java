package dev.traceguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code traceguard slo baseline} through the real CLI: offline dumps, and servers that misbehave. */
class SloCommandTest {
  private static final String HISTORY = Path.of("..", "testdata", "slo", "history.om.gz").toString();
  private static final String DIR = Path.of("..", "testdata", "slo").toString();

  @TempDir Path dir;
  private HttpServer http;
  private final List<AutoCloseable> closeMe = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    if (http != null) {
      http.stop(0);
    }
    for (AutoCloseable c : closeMe) {
      c.close();
    }
  }

  private static MainTest.Result run(String... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code = Main.run(new PrintWriter(o), new PrintWriter(e), args);
    return new MainTest.Result(code, o.toString(), e.toString());
  }

  @Test
  void helpListsTheExitCodesAndAnExample() {
    MainTest.Result r = run("slo", "baseline", "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("Exit codes:").contains("5").contains("Prometheus unreachable")
        .contains("traceguard slo baseline testdata/slo/history.om.gz").contains("--rules-out");
    assertThat(r.out()).doesNotContain("--token ");
    assertThat(run("slo").out()).contains("baseline");
  }

  @Test
  void jsonReportOfTheHistory() {
    MainTest.Result r = run("slo", "baseline", "--format", "json", "--window", "2d", "--selector",
        "{model=\"llama-3-8b\"}", HISTORY);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("\"kind\" : \"latency\"").contains("\"kind\" : \"errors\"")
        .contains("\"bucketWidth\"").contains("\"hourOfDay\"").contains("\"suggested\" : 0.9975")
        .contains("\"findings\" : [ ]");
  }

  @Test
  void tracesWithoutMetricsUseSpanDurationsAndStatus() {
    MainTest.Result r = run("slo", "baseline", "--window", "5m", "--step", "30s", "--rate-window", "1m",
        "--objective-window", "1m", Path.of("..", "testdata", "clean", "pipeline.jsonl").toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("using the durations and status of 2599 spans");
    assertThat(r.out()).contains("traceguard_span_duration_seconds latency").contains("{service=\"inference\"}")
        .contains("traceguard_spans_total errors");
  }

  @Test
  void findingsSetTheExitCode() {
    MainTest.Result r = run("slo", "baseline", "--objective", "0.9", "--window", "2d", "--selector",
        "{model=\"llama-3-8b\"}", HISTORY);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("ERROR slo-unreachable-alert");
    assertThat(run("slo", "baseline", "--selector", "{model=\"llama-3-8b\"}", "--fail-on", "warning", HISTORY).code())
        .isEqualTo(1);
    assertThat(run("slo", "baseline", "--selector", "{model=\"llama-3-8b\"}", HISTORY).code()).isZero();
  }

  @Test
  void badInputIsOneLineAndExitThree() {
    for (String f : new String[] {"non-cumulative.om", "no-inf.om"}) {
      MainTest.Result r = run("slo", "baseline", "--window", "2h", Path.of(DIR, f).toString());
      assertThat(r.code()).as(f + ": " + r.err()).isEqualTo(3);
      assertThat(r.err()).contains("inference_request_duration_seconds").doesNotContain("Exception").doesNotContain("\tat ");
      assertThat(r.out()).contains("LEFT OUT");
    }
    MainTest.Result nan = run("slo", "baseline", "--window", "2h", Path.of(DIR, "nan-counter.om").toString());
    assertThat(nan.code()).isEqualTo(3);
    assertThat(nan.err()).contains("nan-counter.om").containsIgnoringCase("nan");
  }

  @Test
  void usageErrors() throws IOException {
    assertThat(run("slo", "baseline").code()).isEqualTo(2);
    assertThat(run("slo", "baseline", "--selector", "{job=x}", HISTORY).err()).contains("--selector").contains("quoted");
    assertThat(run("slo", "baseline", "--window", "7x", HISTORY).code()).isEqualTo(2);
    assertThat(run("slo", "baseline", "--objective", "99.9", HISTORY).err()).contains("between 0 and 1");
    assertThat(run("slo", "baseline", "--prometheus", "http://127.0.0.1:1", HISTORY).err()).contains("not both");
    Path empty = Files.writeString(dir.resolve("empty.txt"), "");
    assertThat(run("slo", "baseline", empty.toString()).code()).isEqualTo(2);
  }

  private String serve(int status, String contentType, String body, AtomicReference<String> auth) throws IOException {
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext("/", ex -> {
      if (auth != null) {
        auth.set(ex.getRequestHeaders().getFirst("Authorization"));
      }
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", contentType);
      ex.sendResponseHeaders(status, b.length);
      try (OutputStream os = ex.getResponseBody()) {
        os.write(b);
      }
    });
    http.start();
    return "http://127.0.0.1:" + http.getAddress().getPort();
  }

  private static MainTest.Result live(String url, String... more) {
    List<String> args = new ArrayList<>(List.of("slo", "baseline", "--prometheus", url, "--timeout", "3s",
        "--start", "2026-11-01T00:00:00Z", "--end", "2026-11-02T00:00:00Z"));
    args.addAll(List.of(more));
    return run(args.toArray(new String[0]));
  }

  private static void exitFive(MainTest.Result r, String... words) {
    assertThat(r.code()).as(r.err()).isEqualTo(5);
    assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).doesNotContain("Exception").contains(words);
  }

  @Test
  void serverDown() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    exitFive(live("http://127.0.0.1:" + port), "cannot connect");
  }

  @Test
  void serverTooSlow() throws Exception {
    ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    closeMe.add(silent);
    List<Socket> held = new ArrayList<>();
    Thread acceptor = new Thread(() -> {
      try {
        while (true) {
          held.add(silent.accept());
        }
      } catch (IOException e) {
        // closed
      }
    });
    acceptor.setDaemon(true);
    acceptor.start();
    long t0 = System.nanoTime();
    exitFive(live("http://127.0.0.1:" + silent.getLocalPort()), "did not answer within 3s");
    assertThat((System.nanoTime() - t0) / 1e9).isLessThan(30);
    for (Socket s : held) {
      s.close();
    }
  }

  @Test
  void httpErrors() throws IOException {
    exitFive(live(serve(401, "text/plain", "unauthorized", null)), "HTTP 401", "token");
    http.stop(0);
    exitFive(live(serve(503, "text/plain", "Service Unavailable: too many queries", null)), "HTTP 503", "too many queries");
    http.stop(0);
    exitFive(live(serve(400, "application/json",
        "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse error\"}", null)), "HTTP 400", "bad_data");
  }

  @Test
  void malformedJson() throws IOException {
    exitFive(live(serve(200, "application/json", "{\"status\":\"success\",\"data\":[{\"__name__\":", null)),
        "malformed JSON");
    http.stop(0);
    exitFive(live(serve(200, "text/html", "<html>login</html>", null)), "malformed JSON");
  }

  @Test
  void bearerTokenComesFromAFileAndIsSent() throws IOException {
    AtomicReference<String> auth = new AtomicReference<>();
    String url = serve(200, "application/json", "{\"status\":\"success\",\"data\":[]}", auth);
    Path token = Files.writeString(dir.resolve("token"), "s3cr3t\n");
    MainTest.Result r = live(url, "--token-file", token.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(auth.get()).isEqualTo("Bearer s3cr3t");
    assertThat(r.out()).contains("no SLO indicator found");
    assertThat(live(url, "--token-env", "TRACEGUARD_TEST_SURELY_UNSET_VAR").err()).contains("is not set");
  }
}
