package dev.traceguard.analyzers.report.html;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.traceguard.analyzers.io.DumpReader;
import dev.traceguard.analyzers.model.Labels;
import dev.traceguard.analyzers.model.Telemetry;
import dev.traceguard.analyzers.slo.Baseline;
import dev.traceguard.analyzers.slo.OfflineRates;
import dev.traceguard.analyzers.slo.SliResult;
import dev.traceguard.analyzers.slo.SloBaseline;
import dev.traceguard.analyzers.slo.SloOptions;
import dev.traceguard.analyzers.slo.SloReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The SLO page drawn from the testdata/slo history: one chart per SLO, band, series, objective, escaping. */
class SloHtmlWriterTest {
  private static SloReport report;

  @BeforeAll
  static void learn() {
    Telemetry t = new Telemetry();
    assertThat(DumpReader.read(Path.of("..", "testdata", "slo", "history.om.gz"), t).errors()).isEmpty();
    SloOptions o = SloOptions.defaults();
    OfflineRates.Result r = OfflineRates.compute(t.metrics(), o);
    SloBaseline.Outcome out = SloBaseline.run(r.groups(), r.problems(), o);
    report = new SloReport("9.9.9", "history.om.gz", t.inputs(), o, out.results(), out.problems());
  }

  static List<String> all(String text, String regex) {
    Matcher m = Pattern.compile(regex, Pattern.DOTALL).matcher(text);
    List<String> out = new ArrayList<>();
    while (m.find()) {
      out.add(m.groupCount() > 0 ? m.group(1) : m.group());
    }
    return out;
  }

  @Test
  void observedSeriesIsDownsampledToAtMost120PointsAveragingRunsAndSkippingGaps() {
    double[] series = new double[588];
    for (int i = 0; i < series.length; i++) {
      series[i] = i;
    }
    series[3] = Double.NaN;
    SliResult.Observed o = SliResult.Observed.of("p99", series, 1000, 300_000);
    // 588 steps in runs of 5: 118 points.
    assertThat(o.size()).isEqualTo(118);
    // First run: steps 0, 1, 2, 4 (3 is missing).
    assertThat(o.values()[0]).isCloseTo(7 / 4.0, within(1e-12));
    assertThat(o.timesMs()[0]).isEqualTo(Math.round((1000 + 7 / 4.0) * 300_000));
    assertThat(o.values()[117]).isCloseTo((585 + 586 + 587) / 3.0, within(1e-12));
    for (int n : new int[] {1, 119, 120, 121, 239, 240, 241, 100_000}) {
      SliResult.Observed d = SliResult.Observed.of("x", new double[n], 0, 1);
      assertThat(d.size()).as("n=%d", n).isBetween(1, SliResult.Observed.MAX_POINTS);
    }
    double[] gaps = new double[300];
    java.util.Arrays.fill(gaps, Double.NaN);
    assertThat(SliResult.Observed.of("x", gaps, 0, 1).size()).isZero();
  }

  @Test
  void everySloGetsAChartWithItsBandSeriesAndObjective() {
    assertThat(report.results()).hasSize(6);
    String page = new SloHtmlWriter().render(report);
    assertThat(page).startsWith("<!DOCTYPE html>").contains("Content-Security-Policy", "default-src 'none'")
        .doesNotContain("<script");
    List<String> sections = all(page, "<section id=\"slo-\\d+\" class=\"slo\".*?</section>");
    assertThat(sections).hasSize(6);
    for (int i = 0; i < sections.size(); i++) {
      SliResult r = report.results().get(i);
      String s = sections.get(i);
      assertThat(all(s, "<figure class=\"slo-chart\"")).hasSize(1);
      // The series: as many points as kept, at most 120, all inside the plot.
      int kept = r.observed().size();
      assertThat(kept).isBetween(2, 120);
      List<String> points = all(s, "<polyline class=\"observed\" points=\"([^\"]*)\"");
      assertThat(points).hasSize(1);
      String[] xy = points.get(0).split(" ");
      assertThat(xy).hasSize(kept);
      double lastX = -1;
      for (String p : xy) {
        String[] c = p.split(",");
        double x = Double.parseDouble(c[0]);
        double y = Double.parseDouble(c[1]);
        assertThat(x).isGreaterThan(lastX).isBetween(0.0, (double) SloHtmlWriter.WIDTH);
        assertThat(y).isBetween(0.0, (double) SloHtmlWriter.HEIGHT);
        lastX = x;
      }
      // The band: a closed path whose upper edge lies above (smaller y) its lower one.
      Baseline b = r.baselines().get(r.observed().quantity());
      List<String> band = all(s, "<path class=\"band\" d=\"M([\\d.]+) ([\\d.]+) L([\\d.]+) ([\\d.]+) L[\\d.]+ "
          + "([\\d.]+) L[\\d.]+ [\\d.]+ Z\"");
      assertThat(band).as("band of %s", SloHtmlWriter.title(r)).hasSize(1);
      Matcher m = Pattern.compile("<path class=\"band\" d=\"M[\\d.]+ ([\\d.]+) L[\\d.]+ [\\d.]+ L[\\d.]+ ([\\d.]+)")
          .matcher(s);
      assertThat(m.find()).isTrue();
      if (b.madHigh() > b.madLow()) {
        assertThat(Double.parseDouble(m.group(1))).isLessThan(Double.parseDouble(m.group(2)));
      }
      assertThat(s).contains("median " + Charts.tickLabel(b.median()));
      // Latency: the threshold; errors: the budget of the objective used.
      if (r.sli().kind() == dev.traceguard.analyzers.slo.Sli.Kind.LATENCY) {
        assertThat(r.observed().quantity()).isEqualTo("p99");
        assertThat(s).contains("threshold " + Charts.tickLabel(r.threshold()));
      } else {
        assertThat(r.observed().quantity()).isEqualTo("error-ratio");
        assertThat(s).contains("error budget " + java.math.BigDecimal.ONE.subtract(r.objective().used())
            .toPlainString());
      }
      assertThat(all(s, "<line class=\"objective\"")).hasSize(1);
      assertThat(s).contains("suggested objective");
      // Findings with their hints.
      assertThat(all(s, "<article class=\"finding ")).hasSize(r.findings().size());
      assertThat(all(s, "<p class=\"hint\">")).hasSize((int) r.findings().stream().filter(f -> !f.hint().isEmpty())
          .count());
    }
    assertThat(report.findings()).isNotEmpty();
  }

  @Test
  void labelValuesFromDumpsAreEscaped() {
    String hostile = "</title><script>alert('x')</script>\"><svg onload=alert(1)>";
    List<SliResult> results = new ArrayList<>();
    for (SliResult r : report.results()) {
      results.add(new SliResult(r.sli(), Labels.of("model", hostile), r.firstStepMs(), r.lastStepMs(), r.steps(),
          r.stepsWithData(), r.largestGapMs(), r.events(), r.baselines(), r.threshold(), r.thresholdLe(),
          r.objective(), r.tiers(), r.findings(), r.observed()));
    }
    SloReport bad = new SloReport("9.9.9", hostile, report.inputs(), report.options(), results, report.problems());
    String page = new SloHtmlWriter().render(bad);
    assertThat(page).doesNotContain("<script", "<svg onload", "\"><svg");
    assertThat(page).contains("&lt;/title&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    // Headings, links, captions and chart titles all carry the escaped name.
    assertThat(all(page, "<h2>[^<]*&lt;script&gt;")).hasSize(6);
    assertThat(all(page, "<figcaption>[^<]*&lt;script&gt;")).hasSize(6);
    assertThat(all(page, "<svg ")).hasSize(all(page, "<svg xmlns=\"http://www.w3.org/2000/svg\"").size());
  }
}
