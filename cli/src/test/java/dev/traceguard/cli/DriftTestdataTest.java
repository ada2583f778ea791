package dev.traceguard.cli;

import static dev.traceguard.cli.TestdataTest.ruleCounts;
import static dev.traceguard.cli.TestdataTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The drift sample dumps (testdata/drift) through the real CLI. */
class DriftTestdataTest {
  static final Path DRIFT = TestdataTest.TESTDATA.resolve("drift");

  static String file(String name) {
    return DRIFT.resolve(name).toString();
  }

  @Test
  void rolloutWhereV2ChangedFiresEveryDriftRuleOnce() {
    String[] r = run("analyze", "-f", "json", "--fail-on", "warning", file("rollout.jsonl"), file("rollout-metrics.prom"));
    assertThat(r[0]).as(r[2]).isEqualTo("1");
    assertThat(ruleCounts(r[1])).containsExactly(
        Map.entry("categorical-drift", 1), Map.entry("histogram-drift", 1),
        Map.entry("latency-drift", 1), Map.entry("numeric-drift", 1));
    assertThat(r[1])
        .contains("v2 of llama-3-8b is less confident than v1 in classifier 'chat llama-3-8b'"
            + " (app.prediction.confidence): median 0.58 vs 0.83 (KS D=0.64, p<1e-30, n=400/400)")
        .contains("\"field\" : \"app.prediction.label\"")
        .contains("\"metric\" : \"vllm:e2e_request_latency_seconds\"")
        .contains("\"correction\" : \"bonferroni\"")
        .contains("\"driftTests\" : 11");
    // the context analyzer has nothing to say about these traces
    assertThat(r[1]).doesNotContain("\"analyzer\" : \"context\"");
  }

  @Test
  void rolloutWhereV2BehavesLikeV1HasNoFindings() {
    String[] r = run("analyze", "-f", "json", "--fail-on", "info", file("clean-rollout.jsonl"), file("clean-rollout-metrics.prom"));
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(ruleCounts(r[1])).isEmpty();
    assertThat(r[1]).contains("\"driftComparisons\" : 2");
  }

  @Test
  void baselineAgainstTheRolloutAndAgainstTheCleanRollout() {
    String[] r = run("analyze", "-f", "json", "--fail-on", "never", file("rollout.jsonl"), "--baseline", file("baseline.jsonl"));
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(ruleCounts(r[1])).containsExactly(
        Map.entry("categorical-drift", 1), Map.entry("latency-drift", 1), Map.entry("numeric-drift", 1));
    assertThat(r[1]).contains("llama-3-8b is slower than in the baseline").contains("\"reference\" : \"baseline\"")
        .contains("\"driftBaselineSpans\" : 400");

    String[] clean = run("analyze", "-f", "json", "--fail-on", "info", "--baseline", file("baseline.jsonl"), "--",
        file("clean-rollout.jsonl"));
    assertThat(clean[0]).as(clean[2]).isEqualTo("0");
    assertThat(ruleCounts(clean[1])).isEmpty();
  }

  @Test
  void tableReportNamesTheDriftInPlainWords() {
    String[] r = run("analyze", file("rollout.jsonl"));
    assertThat(r[0]).isEqualTo("0");
    assertThat(r[1]).contains("latency-drift").contains("v2 of llama-3-8b is slower than v1")
        .contains("driftCorrection bonferroni");
  }

  @Test
  void badDriftOptionsAreUsageErrors() {
    String[] missing = run("analyze", file("rollout.jsonl"), "--baseline", file("no-such-dump.jsonl"));
    assertThat(missing[0]).isEqualTo("2");
    assertThat(missing[2]).contains("--baseline").contains("no such file");
    String[] keys = run("analyze", "--group-by", "a,b,c", file("rollout.jsonl"));
    assertThat(keys[0]).isEqualTo("2");
    assertThat(keys[2]).contains("at most two keys");
    String[] alpha = run("analyze", "--drift-alpha", "1.5", file("rollout.jsonl"));
    assertThat(alpha[0]).isEqualTo("2");
    assertThat(alpha[2]).contains("alpha must be between 0 and 1");
  }

  @Test
  void groupByAndEffectFloorChangeWhatIsCompared() {
    // grouping by the pod's service.version gives the same split as model.version here
    String[] r = run("analyze", "-f", "json", "--group-by", "gen_ai.request.model,service.version", file("rollout.jsonl"));
    assertThat(r[1]).contains("\"version\" : \"1.9.0\"").contains("\"referenceVersion\" : \"1.8.2\"");
    assertThat(ruleCounts(r[1])).containsKeys("latency-drift", "numeric-drift", "categorical-drift");
    // a floor above every distance silences all of it
    String[] none = run("analyze", "-f", "json", "--drift-effect-floor", "5", file("rollout.jsonl"));
    assertThat(ruleCounts(none[1])).isEmpty();
  }
}
