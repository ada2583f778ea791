package dev.traceguard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.traceguard.analyzers.io.DumpReader;
import dev.traceguard.analyzers.model.MetricSeries;
import dev.traceguard.analyzers.model.Telemetry;
import dev.traceguard.analyzers.slo.Baseline;
import dev.traceguard.analyzers.slo.HistogramQuantile;
import dev.traceguard.analyzers.slo.OfflineRates;
import dev.traceguard.analyzers.slo.PrometheusSource;
import dev.traceguard.analyzers.slo.PromRate;
import dev.traceguard.analyzers.slo.Selector;
import dev.traceguard.analyzers.slo.SliResult;
import dev.traceguard.analyzers.slo.SloBaseline;
import dev.traceguard.analyzers.slo.SloOptions;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Prometheus: the testdata history is backfilled into a TSDB with {@code promtool tsdb
 * create-blocks-from openmetrics}, served by a Prometheus on a free loopback port, and {@code slo
 * baseline --prometheus} must learn what it learns from the dump. traceguard's offline {@code
 * rate()} and {@code histogram_quantile} must match the server's query_range answers, and every
 * generated rule file must pass {@code promtool check rules} and {@code promtool test rules}.
 *
 * <p>Tolerance: the server sums series in its own order, so values may differ in the last bits;
 * everything is compared to 1e-9 relative (documented in docs/rules.md).
 */
class SloPrometheusTest {
  private static final Path HISTORY = Path.of("..", "testdata", "slo", "history.om.gz");
  /** The history runs from 2026-11-01T00:00:00Z for 49 hours. */
  private static final String START = "2026-11-01T00:00:00Z";
  private static final String END = "2026-11-03T02:00:00Z";
  private static final double REL = 1e-9;

  @TempDir static Path dir;
  private static Process server;
  private static String url;
  private static String promtool;
  private static String skip;
  private static Telemetry dump;

  private static String which(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(d, tool);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return null;
  }

  private static void exec(Path log, String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", cmd) + " did not finish in 180 s");
    }
    assertThat(p.exitValue()).as(String.join(" ", cmd) + ":\n" + Files.readString(log)).isZero();
  }

  @BeforeAll
  static void startPrometheus() throws Exception {
    promtool = which("promtool");
    String prometheus = which("prometheus");
    if (promtool == null || prometheus == null) {
      skip = "promtool/prometheus not found on PATH (Debian package 'prometheus'); skipping the real-Prometheus SLO tests";
      return;
    }
    dump = new Telemetry();
    assertThat(DumpReader.read(HISTORY, dump).errors()).isEmpty();
    Path om = dir.resolve("history.om");
    try (InputStream in = new GZIPInputStream(Files.newInputStream(HISTORY))) {
      Files.copy(in, om);
    }
    Path data = dir.resolve("data");
    exec(dir.resolve("create.log"), promtool, "tsdb", "create-blocks-from", "openmetrics", om.toString(), data.toString());
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, "global:\n  scrape_interval: 1m\n");
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    url = "http://127.0.0.1:" + port;
    server = new ProcessBuilder(prometheus, "--config.file=" + config,
        "--storage.tsdb.path=" + data, "--storage.tsdb.retention.time=100y",
        "--web.listen-address=127.0.0.1:" + port)
        .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (true) {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/-/ready")).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          break;
        }
      } catch (IOException e) {
        // not listening yet
      }
      if (!server.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("Prometheus did not become ready:\n" + Files.readString(dir.resolve("prometheus.log")));
      }
      Thread.sleep(200);
    }
  }

  @AfterAll
  static void stopPrometheus() throws InterruptedException {
    if (server != null) {
      server.destroy();
      if (!server.waitFor(20, TimeUnit.SECONDS)) {
        server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static void assumeTools() {
    Assumptions.assumeTrue(skip == null, skip);
  }

  private static SloOptions options(String selector) {
    SloOptions d = SloOptions.defaults();
    return new SloOptions(Duration.ofDays(2), d.step(), d.rateWindow(), d.period(), d.objectiveWindow(), d.metShare(),
        d.k(), d.trim(), null, d.latencyThreshold(), d.lowTrafficShare(), d.minCoverage(), null, null,
        Selector.parse(selector));
  }

  private static void close(double actual, double expected, String what) {
    if (Double.isNaN(expected)) {
      assertThat(actual).as(what).isNaN();
    } else {
      assertThat(actual).as(what).isCloseTo(expected, within(Math.abs(expected) * REL + 1e-12));
    }
  }

  @Test
  void liveBaselinesEqualTheDumpBaselines() throws Exception {
    assumeTools();
    SloOptions o = options("{model=~\"llama-3-8b|mistral-7b|tiny-model\"}");
    OfflineRates.Result off = OfflineRates.compute(dump.metrics(), o);
    SloBaseline.Outcome offline = SloBaseline.run(off.groups(), off.problems(), o);
    PrometheusSource source = new PrometheusSource(URI.create(url), null, Duration.ofSeconds(30));
    OfflineRates.Result live = source.rates(o, Instant.parse(START).toEpochMilli(), Instant.parse(END).toEpochMilli());
    SloBaseline.Outcome online = SloBaseline.run(live.groups(), live.problems(), o);

    assertThat(online.problems()).isEqualTo(offline.problems());
    assertThat(online.results()).hasSameSizeAs(offline.results()).hasSize(6);
    Map<String, SliResult> byKey = new TreeMap<>();
    for (SliResult r : online.results()) {
      byKey.put(r.sli().name() + r.group(), r);
    }
    for (SliResult a : offline.results()) {
      SliResult b = byKey.get(a.sli().name() + a.group());
      assertThat(b).as(a.sli().name() + a.group()).isNotNull();
      assertThat(b.firstStepMs()).isEqualTo(a.firstStepMs());
      assertThat(b.lastStepMs()).isEqualTo(a.lastStepMs());
      assertThat(b.stepsWithData()).isEqualTo(a.stepsWithData());
      close(b.events(), a.events(), "events");
      assertThat(b.baselines().keySet()).isEqualTo(a.baselines().keySet());
      for (String k : a.baselines().keySet()) {
        Baseline x = a.baselines().get(k);
        Baseline y = b.baselines().get(k);
        String what = a.sli().name() + a.group() + " " + k;
        assertThat(y.n()).as(what).isEqualTo(x.n());
        assertThat(y.trimmed()).as(what).isEqualTo(x.trimmed());
        close(y.median(), x.median(), what + " median");
        close(y.mad(), x.mad(), what + " mad");
        close(y.mean(), x.mean(), what + " mean");
        close(y.sd(), x.sd(), what + " sd");
        close(y.p99(), x.p99(), what + " p99");
      }
      assertThat(b.thresholdLe()).isEqualTo(a.thresholdLe());
      assertThat(b.objective().suggested()).isEqualTo(a.objective().suggested());
      assertThat(b.findings()).extracting(f -> f.rule()).isEqualTo(a.findings().stream().map(f -> f.rule()).toList());
    }
    // 49 hours at 5 minutes fits one query_range per expression: the series lookup, one latency, two error queries.
    assertThat(source.queries()).isEqualTo(1 + 1 + 2);
  }

  @Test
  void longRangesAreSplitUnderTheServerPointLimit() throws Exception {
    assumeTools();
    SloOptions d = options("{model=\"llama-3-8b\",code=\"500\"}");
    // 49 hours at a 15 s step is 11,761 points: over the limit of 11,000, so two queries per expression.
    SloOptions o = new SloOptions(d.window(), Duration.ofSeconds(15), Duration.ofMinutes(2), d.period(),
        d.objectiveWindow(), d.metShare(), d.k(), d.trim(), null, d.latencyThreshold(), d.lowTrafficShare(),
        d.minCoverage(), null, null, d.selector());
    PrometheusSource source = new PrometheusSource(URI.create(url), null, Duration.ofSeconds(30));
    long start = Instant.parse(START).toEpochMilli();
    long end = Instant.parse(END).toEpochMilli();
    assertThat(PrometheusSource.chunks(start, end, 15_000)).hasSize(2);
    OfflineRates.Result live = source.rates(o, start, end);
    assertThat(source.queries()).isEqualTo(1 + 2 * 2);
    OfflineRates.Result off = OfflineRates.compute(dump.metrics(), o);
    var a = SloBaseline.run(off.groups(), off.problems(), o).results();
    var b = SloBaseline.run(live.groups(), live.problems(), o).results();
    assertThat(b).hasSize(1).hasSameSizeAs(a);
    assertThat(b.get(0).stepsWithData()).isEqualTo(a.get(0).stepsWithData()).isGreaterThan(11_000);
    close(b.get(0).events(), a.get(0).events(), "events");
  }

  private static List<double[]> queryRange(String promql, long startS, long endS, double stepS) throws Exception {
    String q = url + "/api/v1/query_range?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)
        + "&start=" + startS + "&end=" + endS + "&step=" + stepS;
    Telemetry t = new Telemetry();
    HttpResponse<InputStream> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(q)).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = r.body()) {
      assertThat(DumpReader.read("query_range", in, t, null).errors()).isEmpty();
    }
    assertThat(t.metrics().seriesCount()).as(promql).isEqualTo(1);
    MetricSeries s = t.metrics().series().iterator().next();
    List<double[]> out = new ArrayList<>();
    for (int i = 0; i < s.size(); i++) {
      out.add(new double[] {s.time(i) / 1e6, s.value(i)});
    }
    return out;
  }

  private static MetricSeries raw(String name, String le, String code) {
    for (MetricSeries s : dump.metrics().seriesNamed(name)) {
      if ("llama-3-8b".equals(s.labels().get("model")) && (le == null || le.equals(s.labels().get("le")))
          && (code == null || code.equals(s.labels().get("code")))) {
        return s;
      }
    }
    throw new AssertionError("no series " + name);
  }

  private static double offlineRate(MetricSeries s, long atMs, long windowMs) {
    s.sortByTime();
    long[] t = new long[s.size()];
    double[] v = new double[s.size()];
    for (int i = 0; i < s.size(); i++) {
      t[i] = s.time(i) / 1_000_000;
      v[i] = s.value(i);
    }
    int from = 0;
    while (from < t.length && t[from] < atMs - windowMs) {
      from++;
    }
    int to = from;
    while (to < t.length && t[to] <= atMs) {
      to++;
    }
    return PromRate.rate(t, v, from, to, atMs - windowMs, atMs);
  }

  @Test
  void offlineRateAndHistogramQuantileAgreeWithQueryRange() throws Exception {
    assumeTools();
    long start = Instant.parse(START).toEpochMilli() / 1000;
    // An awkward window and step, so ranges start and end between samples and extrapolation matters.
    long end = start + 6 * 3600;
    double step = 37;
    List<double[]> rates = queryRange("rate(inference_requests_total{model=\"llama-3-8b\",code=\"200\"}[150s])",
        start, end, step);
    assertThat(rates).hasSizeGreaterThan(500);
    MetricSeries ok = raw("inference_requests_total", null, "200");
    for (double[] p : rates) {
      close(offlineRate(ok, (long) p[0], 150_000), p[1], "rate at " + (long) p[0]);
    }

    String[] les = {"0.1", "0.25", "0.5", "1", "2.5", "5", "+Inf"};
    double[] bounds = {0.1, 0.25, 0.5, 1, 2.5, 5, Double.POSITIVE_INFINITY};
    for (double q : new double[] {0.5, 0.95, 0.99}) {
      List<double[]> quant = queryRange("histogram_quantile(" + q
          + ", sum by (le) (rate(inference_request_duration_seconds_bucket{model=\"llama-3-8b\"}[5m])))", start, end, step);
      assertThat(quant).hasSizeGreaterThan(500);
      for (double[] p : quant) {
        double[] c = new double[les.length];
        for (int i = 0; i < les.length; i++) {
          c[i] = offlineRate(raw("inference_request_duration_seconds_bucket", les[i], null), (long) p[0], 300_000);
        }
        close(HistogramQuantile.quantile(q, bounds, c), p[1], "p" + q + " at " + (long) p[0]);
      }
    }
  }

  @Test
  void promtoolQueryRangeJsonReadsAsADump() throws Exception {
    assumeTools();
    long start = Instant.parse(START).toEpochMilli() / 1000;
    Path out = dir.resolve("promtool-query.json");
    exec(out, promtool, "query", "range", "-o", "json", "--start=" + (start + 600), "--end=" + (start + 3600),
        "--step=60s", url, "inference_requests_total{model=\"llama-3-8b\"}");
    Telemetry t = new Telemetry();
    var s = DumpReader.read(out, t);
    assertThat(Files.readString(out)).startsWith("[");
    assertThat(s.format()).isEqualTo("prometheus-api-json");
    assertThat(s.errors()).isEmpty();
    assertThat(t.metrics().seriesNamed("inference_requests_total")).hasSize(2);
    assertThat(t.metrics().sampleCount()).isEqualTo(2 * 51);
  }

  private static MainTest.Result cli(String... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code = Main.run(new PrintWriter(o), new PrintWriter(e), args);
    return new MainTest.Result(code, o.toString(), e.toString());
  }

  @Test
  void theCommandQueriesTheServerAndTheRulesPassPromtool() throws Exception {
    assumeTools();
    for (String naming : new String[] {"traceguard", "sloth"}) {
      Path rules = dir.resolve("rules-" + naming + ".yml");
      Path openslo = dir.resolve("openslo-" + naming + ".yaml");
      Path sloth = dir.resolve("sloth-" + naming + ".yaml");
      MainTest.Result r = cli("slo", "baseline", "--prometheus", url, "--start", START, "--end", END,
          "--window", "2d", "--selector", "{model=\"llama-3-8b\"}", "--naming", naming,
          "--rules-out", rules.toString(), "--openslo-out", openslo.toString(), "--sloth-out", sloth.toString());
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out()).contains("inference_request_duration_seconds latency").contains("inference_requests_total errors");
      Path test = dir.resolve("rules-" + naming + ".test.yml");
      assertThat(test).exists();
      exec(dir.resolve("check-" + naming + ".log"), promtool, "check", "rules", rules.toString());
      exec(dir.resolve("test-" + naming + ".log"), promtool, "test", "rules", test.toString());
      String text = Files.readString(rules);
      // Exact le strings from the data, exact decimals for thresholds.
      assertThat(text).contains("le=\"2.5\"").contains("le=\"+Inf\"").doesNotContain("0.0009999");
      if (naming.equals("sloth")) {
        assertThat(text).contains("slo:sli_error:ratio_rate5m").contains("sloth_window: \"30d\"")
            .contains("slo:period_error_budget_remaining:ratio");
      } else {
        assertThat(text).contains("traceguard:slo_error_ratio:rate3d").contains("traceguard:slo_error_ratio:rate30d");
      }
      assertThat(Files.readString(openslo)).contains("apiVersion: openslo/v1").contains("kind: SLO");
      assertThat(Files.readString(sloth)).contains("version: \"prometheus/v1\"").contains("{{.window}}");
    }
  }

  @Test
  void awkwardLabelValuesAreQuotedSoPromtoolReadsTheSameSeries() throws Exception {
    assumeTools();
    // A model name with a quote, a backslash, ": ", "#", a newline and non-ASCII, in OpenMetrics escaping.
    String model = "we\\\"ird: #1\\\\x\\nü";
    StringBuilder om = new StringBuilder();
    long t0 = Instant.parse(START).getEpochSecond();
    String[] les = {"0.5", "1", "+Inf"};
    for (String le : les) {
      for (int i = 0; i <= 180; i++) {
        long v = le.equals("0.5") ? 9L * i : 10L * i;
        om.append("lat_seconds_bucket{le=\"").append(le).append("\",model=\"").append(model).append("\"} ")
            .append(v).append(' ').append(t0 + 60L * i).append('\n');
      }
    }
    for (String code : new String[] {"200", "500"}) {
      for (int i = 0; i <= 180; i++) {
        om.append("req_total{code=\"").append(code).append("\",model=\"").append(model).append("\"} ")
            .append(code.equals("200") ? 99L * i : i).append(' ').append(t0 + 60L * i).append('\n');
      }
    }
    om.append("# EOF\n");
    Path history = Files.writeString(dir.resolve("awkward.om"), om.toString(), StandardCharsets.UTF_8);
    Path rules = dir.resolve("awkward.yml");
    MainTest.Result r = cli("slo", "baseline", "--window", "3h", "--objective-window", "1h", "--objective", "0.95",
        "--rules-out", rules.toString(), history.toString());
    assertThat(r.code()).as(r.err() + r.out()).isZero();
    assertThat(Files.readString(rules)).contains("we\\\"ird: #1\\\\x\\nü");
    exec(dir.resolve("awkward-check.log"), promtool, "check", "rules", rules.toString());
    exec(dir.resolve("awkward-test.log"), promtool, "test", "rules", dir.resolve("awkward.test.yml").toString());
  }

  @Test
  void promtoolRejectsABrokenRuleFileSoTheCheckMeansSomething() throws Exception {
    assumeTools();
    Path bad = dir.resolve("bad.yml");
    Files.writeString(bad, "groups:\n  - name: x\n    rules:\n      - record: a:b\n        expr: sum(rate(x[5m])\n");
    Process p = new ProcessBuilder(promtool, "check", "rules", bad.toString()).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isNotZero();
  }
}
