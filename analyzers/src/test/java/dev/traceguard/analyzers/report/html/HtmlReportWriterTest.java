package dev.traceguard.analyzers.report.html;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traceguard.analyzers.model.Telemetry;
import dev.traceguard.analyzers.report.Finding;
import dev.traceguard.analyzers.report.Report;
import dev.traceguard.analyzers.report.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
}
