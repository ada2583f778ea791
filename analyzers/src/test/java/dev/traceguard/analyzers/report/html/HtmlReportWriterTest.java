package dev.traceguard.analyzers.report.html;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traceguard.analyzers.AnalysisOptions;
import dev.traceguard.analyzers.Analyzers;
import dev.traceguard.analyzers.io.DumpReader;
import dev.traceguard.analyzers.model.Telemetry;
import dev.traceguard.analyzers.report.Finding;
import dev.traceguard.analyzers.report.Report;
import dev.traceguard.analyzers.report.Severity;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HtmlReportWriterTest {
  static Report report(Finding... findings) {
    return new Report("9.9.9", List.of(), List.of(findings), Map.of("spans", 3), Map.of());
  }

  @Test
  void escapesTextAndAttributes() {
    Html h = new Html();
    h.open("p", "title", "\"><script>x</script>").text("<b>&'\"</b>\u0000").close("p");
    assertThat(h.toString()).isEqualTo(
        "<p title=\"&quot;&gt;&lt;script&gt;x&lt;/script&gt;\">&lt;b&gt;&amp;&#39;&quot;&lt;/b&gt;\uFFFD</p>");
  }

  @Test
  void lonelySurrogatesAreReplacedPairsKept() {
    assertThat(new Html().text("a\uD800b\uD83D\uDE00").toString()).isEqualTo("a\uFFFDb\uD83D\uDE00");
  }

  @Test
  void pageIsSelfContainedAndForbidsScript() {
    String page = new HtmlReportWriter().render(report(), new Telemetry());
    assertThat(page).startsWith("<!DOCTYPE html>").contains("Content-Security-Policy", "default-src 'none'")
        .contains("No findings.").doesNotContain("<script", "http://", "https://", "<link");
  }

  @Test
  void evidenceOfAnyShapeRendersGenerically() {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("limitBytes", 2147483648L);
    nested.put("ratio", 0.125);
    Finding f = Finding.builder("oom", "memory-limit", Severity.ERROR).message("killed")
        .evidence("memory", nested)
        .evidence("top", List.of(Map.of("component", "heap"), Map.of("component", "direct", "bytes", 5L)))
        .evidence("ks", new double[] {0.25, 1.0E-9})
        .evidence("empty", List.of())
        .build();
    String page = new HtmlReportWriter().render(report(f), new Telemetry());
    assertThat(page).contains("<section id=\"analyzer-oom\"", "<th>limitBytes</th>", "2147483648", "0.125")
        .contains("<table class=\"grid\"><thead><tr><th>component</th><th>bytes</th></tr></thead>")
        .contains("<li><span class=\"num\">0.25</span></li>", "1.000e-09")
        .contains("<span class=\"null\">[]</span>");
  }

  @Test
  void registeredSectionDrawsOnlyForItsAnalyzer() {
    List<String> calls = new ArrayList<>();
    Map<String, HtmlSection> sections = new LinkedHashMap<>();
    sections.put("drift", (findings, telemetry, out) -> {
      calls.add(findings.size() + " " + findings.get(0).analyzer());
      out.open("svg", "class", "drift-chart").close("svg");
    });
    Finding drift = Finding.builder("drift", "input-drift", Severity.WARNING).message("moved").build();
    Finding other = Finding.builder("slo", "slo-burn", Severity.INFO).message("burning").build();
    String page = new HtmlReportWriter(sections).render(report(drift, other), new Telemetry());
    assertThat(calls).containsExactly("1 drift");
    assertThat(page).contains("<div class=\"charts\"><svg class=\"drift-chart\"></svg></div>");
    assertThat(page.split("<article class=\"finding ", -1)).hasSize(3);
  }

  @Test
  void longListsAndDeepNestingAreCut() {
    List<Integer> many = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      many.add(i);
    }
    Object deep = "bottom";
    for (int i = 0; i < 20; i++) {
      deep = Map.of("k", deep);
    }
    Finding f = Finding.builder("x", "r", Severity.INFO).message("m").evidence("many", many)
        .evidence("deep", deep).build();
    String page = new HtmlReportWriter().render(report(f), new Telemetry());
    assertThat(page).contains("… and 450 more").doesNotContain(">499<");
    assertThat(page).contains("class=\"deep\"");
  }
  static final Path TESTDATA = Path.of("..", "testdata");

  /** The report of {@code analyzer} over testdata files, and its page. */
  static String[] page(String analyzer, String... files) throws IOException {
    Telemetry t = new Telemetry();
    for (String f : files) {
      assertThat(DumpReader.read(TESTDATA.resolve(f), t).skipped()).as(f).isZero();
    }
    Report r = Analyzers.run(Analyzers.select(List.of(analyzer)), t, AnalysisOptions.defaults(), "test");
    return new String[] {new HtmlReportWriter().render(r, t), Integer.toString(r.findings().size())};
  }

  static int count(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  /** The markup of each figure of {@code cls}, in page order. */
  static List<String> figures(String page, String cls) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while ((i = page.indexOf("<figure class=\"" + cls + "\"", i)) >= 0) {
      int end = page.indexOf("</figure>", i);
      out.add(page.substring(i, end));
      i = end;
    }
    return out;
  }

  @Test
  void driftSampleDrawsBothSidesOfEveryDriftFindingWithItsStatistic() throws IOException {
    String[] r = page("drift", "drift/rollout.jsonl", "drift/rollout-metrics.prom");
    String page = r[0];
    List<String> charts = figures(page, "drift-chart");
    // One chart per finding: latency, confidence, label and the latency histogram.
    assertThat(charts).hasSize(Integer.parseInt(r[1])).hasSize(4);
    assertThat(page).contains("data-rule=\"latency-drift\"", "data-rule=\"numeric-drift\"",
        "data-rule=\"categorical-drift\"", "data-rule=\"histogram-drift\"");
    for (String c : charts) {
      // Exactly two series, v1 (reference) and v2 (current), each named in the legend.
      assertThat(count(c, "data-side=\"reference\"")).as(c).isEqualTo(1);
      assertThat(count(c, "data-side=\"current\"")).as(c).isEqualTo(1);
      assertThat(c).contains(">v1</text>", ">v2</text>", "n = 400 / 400", "PSI ");
    }
    String latency = charts.stream().filter(c -> c.contains("latency-drift")).findFirst().orElseThrow();
    // Step areas over the 20 shared bins (two points per bin, and the closing corners) and both medians.
    assertThat(count(latency, "<path class=\"dist ref\" d=\"M[^\"]*")).isEqualTo(1);
    Matcher d = Pattern.compile("<path class=\"dist cur\" d=\"([^\"]*)\"").matcher(latency);
    assertThat(d.find()).isTrue();
    assertThat(d.group(1).split(" L")).hasSize(1 + 2 * 20 + 1);
    assertThat(latency).contains("KS D = 0.627", "median v1 117.3 ms", "median v2 181.8 ms");
    String label = charts.stream().filter(c -> c.contains("categorical-drift")).findFirst().orElseThrow();
    // Four labels, a bar per side each.
    assertThat(count(label, "<rect class=\"bar ref\"")).isEqualTo(4);
    assertThat(count(label, "<rect class=\"bar cur\"")).isEqualTo(4);
    assertThat(label).contains(">other<title>other</title></text>", "chi² = 264");
    String buckets = charts.stream().filter(c -> c.contains("histogram-drift")).findFirst().orElseThrow();
    assertThat(count(buckets, "<rect class=\"bar cur\"")).isEqualTo(10);
  }

  @Test
  void oomSampleDrawsTheMemoryBeforeTheKillWithLimitAndTopContributor() throws IOException {
    String[] r = page("oom", "oom/vllm-kv-oomkill.om.txt");
    List<String> charts = figures(r[0], "oom-chart");
    assertThat(charts).hasSize(1);
    String c = charts.get(0);
    assertThat(c).contains("data-rule=\"oom-attribution\"");
    // One component (the resident memory that grew), stacked, outlined as the top contributor.
    assertThat(count(c, "<path class=\"area")).isEqualTo(1);
    assertThat(count(c, "<path class=\"area top\"")).isEqualTo(1);
    assertThat(c).contains("process_resident_memory_bytes", "◀ top contributor", "grew +9.6 GiB, 100% of the growth");
    // The measured total over 120 points, the 20 GiB limit, the kill.
    Matcher total = Pattern.compile("<path class=\"total\" d=\"([^\"]*)\"").matcher(c);
    assertThat(total.find()).isTrue();
    assertThat(total.group(1).split(" L")).hasSize(120);
    assertThat(count(c, "<line class=\"limit\"")).isEqualTo(1);
    assertThat(c).contains(">limit 20.0 GiB</text>", "<line class=\"event\"", "✕ OOMKilled", "warm-up ends");
  }

  @Test
  void oomRiskDrawsTheTrendToTheLimit() throws IOException {
    String[] r = page("oom", "oom/heap-risk-otlp.jsonl");
    List<String> charts = figures(r[0], "oom-chart");
    assertThat(charts).hasSize(1);
    String c = charts.get(0);
    assertThat(c).contains("data-rule=\"oom-risk\"");
    // Old Gen, Eden and Survivor stacked, Old Gen (the one that grew) first and marked.
    assertThat(count(c, "<path class=\"area")).isEqualTo(3);
    assertThat(count(c, "<path class=\"area top\"")).isEqualTo(1);
    assertThat(c).contains("jvm.memory.pool.name=G1 Old Gen", "<path class=\"projection\"",
        "reaches the limit 12:37 UTC", ">limit 4.0 GiB</text>", "data ends").doesNotContain("class=\"event\"");
  }

  @Test
  void chartsAreSkippedForFindingsWithoutPlottableEvidence() {
    Finding drift = Finding.builder("drift", "latency-drift", Severity.WARNING).message("slower")
        .evidence("histogram", Map.of("edges", List.of(1, 2), "reference", List.of(), "current", List.of())).build();
    Finding oom = Finding.builder("oom", "oom-attribution", Severity.ERROR).message("killed")
        .evidence("timeline", Map.of("start", "not a time", "end", "2026-11-20T10:00:00Z", "points", 2)).build();
    String page = new HtmlReportWriter().render(report(drift, oom), new Telemetry());
    assertThat(page).doesNotContain("<figure class=\"drift-chart\"", "<figure class=\"oom-chart\"")
        .contains("slower", "killed");
  }

  @Test
  void hostileNamesInDriftAndOomEvidenceStayText() {
    String evil = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>";
    Map<String, Object> hist = new LinkedHashMap<>();
    hist.put("edges", List.of(0.0, 1.0, 2.0));
    hist.put("reference", List.of(0.5, 0.5));
    hist.put("current", List.of(0.1, 0.9));
    Finding drift = Finding.builder("drift", "numeric-drift", Severity.WARNING).message("moved " + evil)
        .subject("model", evil).subject("version", evil).subject("field", evil)
        .evidence("test", "ks").evidence("statistic", 0.5).evidence("referenceVersion", evil)
        .evidence("histogram", hist).build();
    Map<String, Object> dist = new LinkedHashMap<>();
    dist.put(evil, 0.7);
    dist.put("ok", 0.3);
    Finding cat = Finding.builder("drift", "categorical-drift", Severity.WARNING).message("moved")
        .subject("model", evil).evidence("test", evil).evidence("referenceVersion", "v1")
        .evidence("referenceDistribution", dist).evidence("currentDistribution", Map.of("ok", 1.0)).build();
    Map<String, Object> comp = new LinkedHashMap<>();
    comp.put("metric", evil);
    comp.put("labels", Map.of(evil, evil));
    comp.put("top", true);
    comp.put("values", List.of(1, 2, 3));
    Map<String, Object> tl = new LinkedHashMap<>();
    tl.put("start", "2026-11-20T10:00:00Z");
    tl.put("end", "2026-11-20T10:02:00Z");
    tl.put("points", 3);
    tl.put("total", List.of(1, 2, 3));
    tl.put("components", List.of(comp));
    Finding oom = Finding.builder("oom", "oom-attribution", Severity.ERROR).message("killed " + evil)
        .evidence("kind", evil).evidence("limit", 4).evidence("timeline", tl).build();
    String page = new HtmlReportWriter().render(report(drift, cat, oom), new Telemetry());
    assertThat(figures(page, "drift-chart")).hasSize(2);
    assertThat(figures(page, "oom-chart")).hasSize(1);
    assertThat(page).doesNotContain("<script", "<img", "onerror=alert(2)>").contains("&lt;script&gt;alert(1)&lt;/script&gt;");
  }
}
