package dev.traceguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code slo baseline --format html} page in a real browser: a chart per SLO, drawn, and no script from labels. */
class SloHtmlBrowserTest {
  @TempDir Path dir;

  @Test
  void historyPageDrawsAChartPerSloAndRunsNoScriptFromLabelValues() throws Exception {
    Chromium chromium = Chromium.require(dir);
    // The sample history with one model's label value replaced by markup.
    String payload = "<script>document.title='pwned-script'</script><img src=x onerror=document.title='pwned-img'>";
    String text;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(
        TestdataTest.TESTDATA.resolve("slo").resolve("history.om.gz")))) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Path history = dir.resolve("history.om");
    Files.writeString(history, text.replace("model=\"tiny-model\"", "model=\"" + payload + "\""),
        StandardCharsets.UTF_8);

    String[] json = TestdataTest.run("slo", "baseline", "-f", "json", history.toString());
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"slos\" : (\\d+)").matcher(json[1]);
    assertThat(m.find()).isTrue();
    int slos = Integer.parseInt(m.group(1));
    assertThat(slos).isEqualTo(6);
    Path page = dir.resolve("slo.html");
    String[] html = TestdataTest.run("slo", "baseline", "--format", "html", "-o", page.toString(), history.toString());
    assertThat(html[0]).isEqualTo(json[0]);
    assertThat(html[1]).isEmpty();

    String dom = chromium.dumpDom(page);
    assertThat(dom).contains("<title>traceguard SLO baselines</title>");
    assertThat(HtmlReportBrowserTest.count(dom, "<figure class=\"slo-chart\"")).isEqualTo(slos);
    assertThat(HtmlReportBrowserTest.count(dom, "<path class=\"band\"")).isEqualTo(slos);
    assertThat(HtmlReportBrowserTest.count(dom, "<polyline class=\"observed\"")).isEqualTo(slos);
    assertThat(dom).doesNotContain("pwned-script</title>", "pwned-img</title>", "<script", "<img");
    assertThat(dom).contains("&lt;script&gt;document.title='pwned-script'&lt;/script&gt;");

    // The charts are drawn: the observed line's orange and the band's tint are on screen.
    BufferedImage img = ImageIO.read(chromium.screenshot(page, 1400).toFile());
    int line = 0;
    int band = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y);
        int r = (rgb >> 16) & 0xff;
        int g = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        if (r > 200 && g > 110 && g < 170 && b < 90) {
          line++;
        } else if (b > r + 10 && b > 200 && r > 180 && r < 235) {
          band++;
        }
      }
    }
    assertThat(line).as("orange pixels of the observed series").isGreaterThan(200);
    assertThat(band).as("tinted pixels of the band").isGreaterThan(2000);
  }
}
