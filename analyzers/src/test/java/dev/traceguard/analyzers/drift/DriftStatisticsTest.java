package dev.traceguard.analyzers.drift;

import static org.assertj.core.api.Assertions.assertThat;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * Every drift statistic against scipy and numpy on the same data, to 1e-9 relative. The committed
 * reference file was written by testdata/drift/reference_stats.py; a second test reruns that
 * script when python3 with scipy is present, so the numbers are also checked against the scipy
 * installed.
 */
class DriftStatisticsTest {
  static final Path DIR = Path.of("..", "testdata", "drift");

  record Case(String name, String kind, double[] ref, double[] cur, Map<String, Double> expect) {}

  static List<Case> read(Path file) throws IOException {
    List<Case> out = new ArrayList<>();
    String name = null;
    String kind = null;
    double[] ref = null;
    double[] cur = null;
    Map<String, Double> expect = null;
    for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
      String[] w = line.trim().split(" ");
      switch (w[0]) {
        case "case":
          name = w[1];
          kind = w[2];
          expect = new LinkedHashMap<>();
          break;
        case "ref":
          ref = values(w);
          break;
        case "cur":
          cur = values(w);
          break;
        case "expect":
          expect.put(w[1], Double.parseDouble(w[2]));
          break;
        case "end":
          out.add(new Case(name, kind, ref, cur, expect));
          break;
        default:
          break;
      }
    }
    return out;
  }

  private static double[] values(String[] w) {
    double[] v = new double[w.length - 1];
    for (int i = 1; i < w.length; i++) {
      v[i - 1] = Double.parseDouble(w[i]);
    }
    return v;
  }

  private static long[] longs(double[] v) {
    long[] out = new long[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (long) v[i];
    }
    return out;
  }

  /** What the Java side computes for one case, under the reference file's names. */
  static Map<String, Double> compute(Case c, List<Double> pValues) {
    Map<String, Double> m = new LinkedHashMap<>();
    switch (c.kind()) {
      case "numeric": {
        double[] r = c.ref().clone();
        double[] u = c.cur().clone();
        Arrays.sort(r);
        Arrays.sort(u);
        DriftStatistics.Test ks = DriftStatistics.ks(c.ref(), c.cur());
        m.put("ks_statistic", ks.statistic());
        m.put("ks_pvalue", ks.pValue());
        m.put("wasserstein", DriftStatistics.wasserstein(r, u));
        m.put("wasserstein_normed", DriftStatistics.normedWasserstein(r, u));
        m.put("psi", DriftStatistics.psiDeciles(r, u));
        m.put("ref_mean", DriftStatistics.mean(r));
        m.put("ref_p50", DriftStatistics.quantile(r, 0.5));
        m.put("ref_p95", DriftStatistics.quantile(r, 0.95));
        m.put("cur_mean", DriftStatistics.mean(u));
        m.put("cur_p50", DriftStatistics.quantile(u, 0.5));
        m.put("cur_p95", DriftStatistics.quantile(u, 0.95));
        pValues.add(ks.pValue());
        break;
      }
      case "counts": {
        long[] r = longs(c.ref());
        long[] u = longs(c.cur());
        DriftStatistics.Test chi = DriftStatistics.chiSquare(r, u);
        m.put("chi2_statistic", chi.statistic());
        m.put("chi2_pvalue", chi.pValue());
        DriftStatistics.Test adj = DriftStatistics.chiSquareTwoSample(r, u);
        m.put("chi2_adjusted_statistic", adj.statistic());
        m.put("chi2_adjusted_pvalue", adj.pValue());
        m.put("js_distance", DriftStatistics.jensenShannon(r, u));
        m.put("psi", DriftStatistics.psi(r, u));
        pValues.add(adj.pValue());
        break;
      }
      default: {
        double[] adj = DriftStatistics.bonferroni(c.ref());
        for (int i = 0; i < adj.length; i++) {
          m.put("bonferroni_" + i, adj[i]);
        }
      }
    }
    return m;
  }

  static void assertMatches(Path file) throws IOException {
    List<Case> cases = read(file);
    assertThat(cases).hasSizeGreaterThanOrEqualTo(12);
    List<Double> pValues = new ArrayList<>();
    int compared = 0;
    for (Case c : cases) {
      Map<String, Double> got = compute(c, pValues);
      if (c.kind().equals("bonferroni")) {
        // the correction's input is the list of every case's p-value, in order: computed here too
        assertThat(c.ref()).as("correction input").hasSize(pValues.size());
        for (int i = 0; i < pValues.size(); i++) {
          assertClose(c.name() + " p" + i, pValues.get(i), c.ref()[i]);
        }
      }
      assertThat(got.keySet()).as(c.name()).containsExactlyInAnyOrderElementsOf(c.expect().keySet());
      for (Map.Entry<String, Double> e : c.expect().entrySet()) {
        assertClose(c.name() + " " + e.getKey(), got.get(e.getKey()), e.getValue());
        compared++;
      }
    }
    assertThat(compared).isGreaterThan(90);
  }

  static void assertClose(String what, double actual, double expected) {
    if (Double.isInfinite(expected) || expected == 0) {
      assertThat(actual).as(what).isEqualTo(expected);
    } else {
      assertThat(Math.abs(actual - expected) / Math.abs(expected)).as(what + ": " + actual + " vs scipy " + expected)
          .isLessThanOrEqualTo(1e-9);
    }
  }

  @Test
  void statisticsMatchTheCommittedScipyReference() throws IOException {
    assertMatches(DIR.resolve("reference-stats.txt"));
  }

  @Test
  void statisticsMatchTheInstalledScipy(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("fresh.txt");
    StringBuilder why = new StringBuilder();
    // python3 on PATH may be another installation than Debian's, which python3-scipy serves
    for (String python : new String[] {"python3", "/usr/bin/python3"}) {
      Process p;
      try {
        p = new ProcessBuilder(python, DIR.resolve("reference_stats.py").toString(), out.toString())
            .redirectErrorStream(true).start();
      } catch (IOException e) {
        why.append(python).append(": not found; ");
        continue;
      }
      String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      if (p.exitValue() != 0 && log.contains("No module named")) {
        why.append(python).append(": ").append(log.trim().replaceAll("[\\s\\S]*\\n", "")).append("; ");
        continue;
      }
      assertThat(p.exitValue()).as(log).isZero();
      assertMatches(out);
      return;
    }
    assumeTrue(false, "no python3 with numpy and scipy (Debian package python3-scipy): " + why);
  }

  @Test
  void bonferroniMultipliesByTheNumberOfTestsAndCapsAtOne() {
    assertThat(DriftStatistics.bonferroni(new double[] {0.01, 0.04, 0.3, 0.5}))
        .containsExactly(new double[] {0.04, 0.16, 1, 1}, org.assertj.core.data.Offset.offset(1e-15));
  }
}
