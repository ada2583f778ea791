package dev.traceguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traceguard.analyzers.model.Telemetry;
import dev.traceguard.analyzers.report.Finding;
import dev.traceguard.analyzers.report.Report;
import dev.traceguard.analyzers.report.Severity;
import dev.traceguard.analyzers.report.html.HtmlReportWriter;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTML report, rendered by a real browser: what a person sees, and that dumps cannot run script. */
class HtmlReportBrowserTest {
  @TempDir Path dir;

  static int count(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  @Test
  void brokenSamplesShowEveryFindingOfTheJsonReportAndMarkTheBrokenLinks() throws Exception {
    Chromium chromium = Chromium.require(dir);
    String broken = TestdataTest.TESTDATA.resolve("broken").toString();
    String[] json = TestdataTest.run("analyze", "-f", "json", broken);
    int findings = count(json[1], "\"rule\" : \"");
    assertThat(findings).isGreaterThan(5);
    Path page = dir.resolve("report.html");
    String[] html = TestdataTest.run("analyze", "--format", "html", "-o", page.toString(), broken);
    assertThat(html[0]).isEqualTo(json[0]);
    assertThat(html[1]).isEmpty();

    String dom = chromium.dumpDom(page);
    assertThat(dom).contains("id=\"summary\"", "id=\"inputs\"", "id=\"analyzer-context\"");
    assertThat(count(dom, "<article class=\"finding ")).isEqualTo(findings);
    for (String s : new String[] {"error", "warning", "info"}) {
      assertThat(count(dom, "<article class=\"finding sev-" + s + "\""))
          .as(s).isEqualTo(count(json[1], "\"severity\" : \"" + s + "\""));
    }
    // A waterfall per broken-link rule, the broken span marked, the orphan's missing parent drawn.
    for (String rule : new String[] {"orphan-span", "trace-split", "context-lost", "clock-skew"}) {
      assertThat(dom).contains("<figure class=\"waterfall\" data-rule=\"" + rule + "\"");
    }
    assertThat(dom).contains("class=\"row marked\"", "class=\"missing-parent\"", "call arrives in a new trace");
    assertThat(dom).doesNotContain("<script");

    Path png = chromium.screenshot(page, 2400);
    BufferedImage img = ImageIO.read(png.toFile());
    assertThat(img.getWidth()).isEqualTo(1280);
    Set<Integer> colors = new HashSet<>();
    for (int y = 0; y < img.getHeight(); y += 7) {
      for (int x = 0; x < img.getWidth(); x += 7) {
        colors.add(img.getRGB(x, y));
      }
    }
    // A blank or unstyled page has a handful of colours; bars, badges and text have many.
    assertThat(colors.size()).isGreaterThan(30);
  }

  static final String[] PAYLOADS = {
    "<script>document.title='pwned-script'</script>",
    "<img src=x onerror=\"document.body.setAttribute('data-xss','img')\">",
    "\"><svg onload=\"document.title='pwned-svg'\"></svg>",
    "</title><script>document.title='pwned-title'</script>"
  };

  static String json(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  static String span(String service, String trace, String id, String parent, String name, long start, long end,
      String thread) {
    return "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":"
        + json(service) + "}}]},\"scopeSpans\":[{\"spans\":[{\"traceId\":\"" + trace + "\",\"spanId\":\"" + id + "\","
        + (parent == null ? "" : "\"parentSpanId\":\"" + parent + "\",") + "\"name\":" + json(name)
        + ",\"kind\":2,\"startTimeUnixNano\":\"" + start + "\",\"endTimeUnixNano\":\"" + end + "\","
        + "\"attributes\":[{\"key\":\"thread.name\",\"value\":{\"stringValue\":" + json(thread) + "}}]}]}]}]}\n";
  }

  @Test
  void hostileDumpRunsNoScript() throws Exception {
    Chromium chromium = Chromium.require(dir);
    String t = "4bf92f3577b34da6a3ce929d0e0e4736";
    StringBuilder dump = new StringBuilder();
    dump.append(span(PAYLOADS[2], t, "00f067aa0ba902b7", null, PAYLOADS[0], 10_000_000, 90_000_000, PAYLOADS[1]));
    dump.append(span(PAYLOADS[0], t, "00f067aa0ba902b8", "00f067aa0ba90200", PAYLOADS[1], 20_000_000, 30_000_000,
        PAYLOADS[3]));
    // A child starting well before its parent: clock-skew, with the parent's hostile name in evidence.
    dump.append(span(PAYLOADS[3], t, "00f067aa0ba902b9", "00f067aa0ba902b7", PAYLOADS[2], 1_000_000, 20_000_000,
        PAYLOADS[0]));
    Path in = dir.resolve("x<img src=y onerror=document.title='pwned-path'>.jsonl");
    Files.writeString(in, dump + "{\"resourceSpans\": [" + PAYLOADS[0] + "\n", StandardCharsets.UTF_8);
    // Label values, and a broken line whose text ends up in the read error shown on the page.
    Path metrics = dir.resolve("metrics.prom");
    Files.writeString(metrics, "# TYPE requests_total counter\n"
        + "requests_total{model=" + json(PAYLOADS[0]) + "} 1\n"
        + "requests_total{model=\"" + PAYLOADS[3].replace("\"", "") + "\"} " + PAYLOADS[1] + "\n",
        StandardCharsets.UTF_8);
    Path page = dir.resolve("hostile.html");
    String[] r = TestdataTest.run("analyze", "-f", "html", "-o", page.toString(), in.toString(),
        metrics.toString());
    assertThat(r[0]).isEqualTo("1");
    String source = Files.readString(page, StandardCharsets.UTF_8);
    assertThat(source).contains("orphan-span", "clock-skew", "&lt;script&gt;document.title=&#39;pwned-script&#39;",
        "metrics.prom:3:", "&#39;&lt;img&#39;");

    assertNoScriptRan(chromium.dumpDom(page));
  }

  /** Evidence shapes no analyzer here produces yet render generically, escaped, in the browser. */
  @Test
  void unknownAnalyzersEvidenceRendersGenericallyAndEscaped() throws Exception {
    Chromium chromium = Chromium.require(dir);
    Map<String, Object> labels = new LinkedHashMap<>();
    labels.put("pod", PAYLOADS[1]);
    labels.put(PAYLOADS[0], "key is hostile too");
    Finding f = Finding.builder("future", "some-new-rule", Severity.WARNING)
        .message("metric " + PAYLOADS[3] + " moved")
        .subject("metric", PAYLOADS[2])
        .subject("labels", labels)
        .evidence("statistic", 0.4213)
        .evidence("top", List.of(Map.of("component", PAYLOADS[0], "bytes", 123456789L),
            Map.of("component", "kv-cache", "bytes", 42L)))
        .evidence("quantiles", new double[] {0.5, 0.9, 0.99})
        .hint(PAYLOADS[1])
        .build();
    Report report = new Report("test", List.of(), List.of(f), Map.of(), Map.of());
    Path page = dir.resolve("future.html");
    Files.writeString(page, new HtmlReportWriter().render(report, new Telemetry()), StandardCharsets.UTF_8);
    String dom = chromium.dumpDom(page);
    assertThat(dom).contains("id=\"analyzer-future\"", "<table class=\"grid\">", "<th>component</th>",
        "<th>bytes</th>", "123456789", "kv-cache", "0.99");
    assertThat(count(dom, "<article class=\"finding ")).isEqualTo(1);
    assertNoScriptRan(dom);
  }

  /** The drift and OOM samples: a chart per drift and OOM finding, each with its series and marks, legible. */
  @Test
  void driftAndOomSamplesDrawTheirCharts() throws Exception {
    Chromium chromium = Chromium.require(dir);
    String[] files = {TestdataTest.TESTDATA.resolve("drift/rollout.jsonl").toString(),
        TestdataTest.TESTDATA.resolve("drift/rollout-metrics.prom").toString(),
        TestdataTest.TESTDATA.resolve("oom/vllm-kv-oomkill.om.txt").toString()};
    String[] json = TestdataTest.run(concat(new String[] {"analyze", "-f", "json", "--analyzers", "drift,oom"}, files));
    Map<String, Integer> rules = TestdataTest.ruleCounts(json[1]);
    int drift = rules.getOrDefault("latency-drift", 0) + rules.getOrDefault("numeric-drift", 0)
        + rules.getOrDefault("categorical-drift", 0) + rules.getOrDefault("histogram-drift", 0);
    assertThat(drift).isEqualTo(4);
    assertThat(rules).containsEntry("oom-attribution", 1);
    Path page = dir.resolve("charts.html");
    TestdataTest.run(concat(new String[] {"analyze", "-f", "html", "--analyzers", "drift,oom", "-o", page.toString()},
        files));
    String dom = chromium.dumpDom(page);
    assertThat(count(dom, "<figure class=\"drift-chart\"")).isEqualTo(drift);
    // Two sides per drift chart, no more.
    assertThat(count(dom, "data-side=\"reference\"")).isEqualTo(drift);
    assertThat(count(dom, "data-side=\"current\"")).isEqualTo(drift);
    assertThat(count(dom, "<text class=\"stat\"")).isEqualTo(drift);
    assertThat(count(dom, "<figure class=\"oom-chart\" data-rule=\"oom-attribution\"")).isEqualTo(1);
    assertThat(count(dom, "<path class=\"area top\"")).isEqualTo(1);
    assertThat(count(dom, "<line class=\"limit\"")).isEqualTo(1);
    assertThat(count(dom, "<line class=\"event\"")).isEqualTo(1);
    assertThat(dom).contains("◀ top contributor", "limit 20.0 GiB", "median v2 181.8 ms").doesNotContain("<script");

    // The drift charts alone on a page, so they are on screen: both sides in their colours.
    Path driftPage = dir.resolve("drift.html");
    TestdataTest.run("analyze", "-f", "html", "--analyzers", "drift", "-o", driftPage.toString(), files[0], files[1]);
    Path png = chromium.screenshot(driftPage, 2400);
    BufferedImage img = ImageIO.read(png.toFile());
    // Both sides of the drift charts are on screen in their colours (orange current, blue reference).
    int orange = 0;
    int blue = 0;
    for (int y = 0; y < img.getHeight(); y += 2) {
      for (int x = 0; x < img.getWidth(); x += 2) {
        int rgb = img.getRGB(x, y);
        int r = rgb >> 16 & 0xff;
        int g = rgb >> 8 & 0xff;
        int b = rgb & 0xff;
        orange += r > 220 && g > 120 && g < 160 && b < 80 ? 1 : 0;
        blue += r < 100 && g > 100 && g < 140 && b > 150 && b < 190 ? 1 : 0;
      }
    }
    assertThat(orange).isGreaterThan(500);
    assertThat(blue).isGreaterThan(500);
  }

  static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static String genAiSpan(int n, String model, String version, long durationNanos) {
    long start = 1_795_168_800_000_000_000L + n * 10_000_000L;
    return "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{"
        + "\"stringValue\":" + json(PAYLOADS[1]) + "}}]},\"scopeSpans\":[{\"spans\":[{\"traceId\":\""
        + String.format("%032x", n + 1) + "\",\"spanId\":\"" + String.format("%016x", n + 1) + "\",\"name\":"
        + json("chat " + model) + ",\"kind\":3,\"startTimeUnixNano\":\"" + start + "\",\"endTimeUnixNano\":\""
        + (start + durationNanos) + "\",\"attributes\":[{\"key\":\"gen_ai.request.model\",\"value\":{"
        + "\"stringValue\":" + json(model) + "}},{\"key\":\"model.version\",\"value\":{\"stringValue\":"
        + json(version) + "}}]}]}]}]}\n";
  }

  /** A model named with markup, in two versions of which one is slower: its drift chart shows the name as text. */
  @Test
  void hostileModelNameInADriftChartRunsNoScript() throws Exception {
    Chromium chromium = Chromium.require(dir);
    String model = PAYLOADS[0] + PAYLOADS[2];
    StringBuilder dump = new StringBuilder();
    java.util.SplittableRandom r = new java.util.SplittableRandom(7);
    for (int i = 0; i < 80; i++) {
      boolean v2 = i % 2 == 1;
      long ms = (long) ((v2 ? 200 : 100) * (1 + 0.2 * r.nextGaussian()) * 1e6);
      dump.append(genAiSpan(i, model, v2 ? PAYLOADS[3] : "v1", Math.max(1_000_000, ms)));
    }
    Path in = dir.resolve("hostile-drift.jsonl");
    Files.writeString(in, dump, StandardCharsets.UTF_8);
    Path page = dir.resolve("hostile-drift.html");
    String[] res = TestdataTest.run("analyze", "-f", "html", "--analyzers", "drift", "--fail-on", "never", "-o",
        page.toString(), in.toString());
    assertThat(res[0]).isEqualTo("0");
    String source = Files.readString(page, StandardCharsets.UTF_8);
    assertThat(source).contains("<figure class=\"drift-chart\" data-rule=\"latency-drift\"",
        "model &lt;script&gt;document.title=&#39;pwned-script&#39;&lt;/script&gt;&quot;&gt;&lt;svg onload=");
    String dom = chromium.dumpDom(page);
    assertThat(count(dom, "<figure class=\"drift-chart\"")).isEqualTo(1);
    assertNoScriptRan(dom);
  }

  private static void assertNoScriptRan(String dom) {
    assertThat(dom).contains("<title>traceguard report</title>");
    assertThat(dom).doesNotContain("pwned-script</title>", "pwned-svg</title>", "pwned-title</title>",
        "pwned-path</title>", "data-xss=");
    // No element came from a payload: every tag the page has is one the writer emits.
    assertThat(dom).doesNotContain("<script", "<img");
    assertThat(count(dom, "<svg ")).isEqualTo(count(dom, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assertThat(dom).contains("&lt;script&gt;document.title='pwned-script'&lt;/script&gt;");
  }
}
