package dev.traceguard.analyzers.oom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Theil–Sen, Mann–Kendall and Spearman against hand-computed values and against scipy's numbers
 * committed in testdata/oom/reference-stats.txt (written by reference_stats.py).
 */
class TrendStatisticsTest {
  static final Path REFERENCE_DIR = Path.of("..", "testdata", "oom");

  /** One case of the reference file. */
  record Case(String name, double[] x, double[] y, Map<String, Double> expected) {}

  static List<Case> parse(String text) {
    List<Case> out = new ArrayList<>();
    String name = null;
    double[] x = null;
    double[] y = null;
    Map<String, Double> exp = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      String[] f = line.split(" ");
      switch (f[0]) {
        case "case":
          name = f[1];
          exp = new LinkedHashMap<>();
          break;
        case "x":
          x = Arrays.stream(f).skip(1).mapToDouble(Double::parseDouble).toArray();
          break;
        case "y":
          y = Arrays.stream(f).skip(1).mapToDouble(Double::parseDouble).toArray();
          break;
        case "end":
          out.add(new Case(name, x, y, exp));
          break;
        default:
          exp.put(f[0], Double.parseDouble(f[1]));
      }
    }
    return out;
  }

  static void assertClose(String what, double actual, double expected) {
    double tol = 1e-9 * Math.max(Math.abs(expected), 1e-300);
    if (expected == 0) {
      tol = 1e-12;
    }
    assertThat(actual).as(what).isCloseTo(expected, within(tol));
  }

  @Test
  void handComputedRisingSeries() {
    double[] y = {1, 2, 3, 4, 5};
    MannKendall.Result r = MannKendall.test(y);
    // S = 10 concordant pairs; Var = 5*4*15/18; z = (10 - 1) / sqrt(Var)
    assertThat(r.s()).isEqualTo(10);
    assertThat(r.variance()).isCloseTo(300.0 / 18, within(1e-12));
    assertThat(r.z()).isCloseTo(9 / Math.sqrt(300.0 / 18), within(1e-12));
    assertThat(r.p()).isCloseTo(0.0274863361, within(1e-9));
    TheilSen.Line l = TheilSen.fit(new double[] {0, 1, 2, 3, 4}, y);
    assertThat(l.slope()).isEqualTo(1.0);
    assertThat(l.intercept()).isEqualTo(1.0);
    assertThat(Spearman.rho(new double[] {1, 2, 3, 4, 5}, new double[] {5, 6, 7, 8, 7})).isCloseTo(0.8207826816681233,
        within(1e-12));
  }

  @Test
  void outlierDoesNotMoveTheilSenButWouldMoveLeastSquares() {
    double[] x = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    double[] y = {0, 2, 4, 6, 8, 10, 12, 14, 16, 1000};
    assertThat(TheilSen.fit(x, y).slope()).isEqualTo(2.0);
  }

  @Test
  void tiesAndConstantSeries() {
    MannKendall.Result flat = MannKendall.test(new double[] {3, 3, 3, 3, 3});
    assertThat(flat.s()).isZero();
    assertThat(flat.p()).isEqualTo(1.0);
    assertThat(Spearman.rho(new double[] {1, 1, 1}, new double[] {1, 2, 3})).isNaN();
    assertThat(Spearman.ranks(new double[] {10, 20, 10, 30}, 4)).containsExactly(1.5, 3, 1.5, 4);
    assertThat(TheilSen.fit(new double[] {1, 1, 1}, new double[] {1, 2, 3}).slope()).isZero();
  }

  @Test
  void matchesScipyReferenceValues() throws IOException {
    List<Case> cases = parse(Files.readString(REFERENCE_DIR.resolve("reference-stats.txt"), StandardCharsets.UTF_8));
    assertThat(cases).hasSizeGreaterThanOrEqualTo(8);
    for (Case c : cases) {
      TheilSen.Line l = TheilSen.fit(c.x(), c.y());
      assertClose(c.name() + " theil slope", l.slope(), c.expected().get("theil_slope"));
      assertClose(c.name() + " theil intercept", l.intercept(), c.expected().get("theil_intercept"));
      assertClose(c.name() + " spearman", Spearman.rho(c.x(), c.y()), c.expected().get("spearman"));
      MannKendall.Result mk = MannKendall.test(c.y());
      assertThat(mk.s()).as(c.name() + " S").isEqualTo(c.expected().get("mk_s").longValue());
      assertClose(c.name() + " var", mk.variance(), c.expected().get("mk_var"));
      assertClose(c.name() + " z", mk.z(), c.expected().get("mk_z"));
      assertClose(c.name() + " p", mk.p(), c.expected().get("mk_p"));
    }
  }

  /** The committed numbers are what scipy computes today (needs python3-scipy). */
  @Test
  void referenceFileIsWhatScipyComputes() throws Exception {
    Path script = REFERENCE_DIR.resolve("reference_stats.py");
    Process probe;
    try {
      probe = new ProcessBuilder("python3", "-c", "import scipy, numpy").redirectErrorStream(true).start();
    } catch (IOException e) {
      assumeTrue(false, "python3 not found (Debian: python3-scipy); reference values checked from the committed file only");
      return;
    }
    assumeTrue(probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0,
        "python3-scipy not installed; reference values checked from the committed file only");
    Process p = new ProcessBuilder("python3", script.toString(), "--stdout").redirectErrorStream(true).start();
    String fresh = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(fresh).isZero();
    List<Case> now = parse(fresh);
    List<Case> committed = parse(Files.readString(REFERENCE_DIR.resolve("reference-stats.txt"), StandardCharsets.UTF_8));
    assertThat(now).hasSameSizeAs(committed);
    for (int i = 0; i < now.size(); i++) {
      assertThat(now.get(i).name()).isEqualTo(committed.get(i).name());
      for (Map.Entry<String, Double> e : committed.get(i).expected().entrySet()) {
        assertClose(now.get(i).name() + " " + e.getKey(), now.get(i).expected().get(e.getKey()), e.getValue());
      }
    }
  }
}
