package dev.traceguard.analyzers.metrics;

import static dev.traceguard.analyzers.metrics.Dumps.analyze;
import static dev.traceguard.analyzers.metrics.Dumps.rule;
import static org.assertj.core.api.Assertions.assertThat;

import dev.traceguard.analyzers.report.Finding;
import dev.traceguard.analyzers.report.Report;
import dev.traceguard.analyzers.report.Severity;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LabelChecksTest {
  @Test
  void inferenceMetricWithoutModelLabelIsReportedWithTheModelOtherMetricsUse() {
    String text = "# TYPE tgi_request_generated_tokens histogram\n"
        + "tgi_request_generated_tokens_bucket{instance=\"tgi-0:80\",job=\"tgi\",le=\"128\"} 30\n"
        + "tgi_request_generated_tokens_bucket{instance=\"tgi-0:80\",job=\"tgi\",le=\"+Inf\"} 31\n"
        + "tgi_request_generated_tokens_sum{instance=\"tgi-0:80\",job=\"tgi\"} 2000\n"
        + "tgi_request_generated_tokens_count{instance=\"tgi-0:80\",job=\"tgi\"} 31\n"
        + "# TYPE inference_requests_total counter\n"
        + "inference_requests_total{instance=\"tgi-0:80\",job=\"tgi\",model_name=\"mistral-7b\"} 31\n"
        + "# TYPE jvm_threads_live_threads gauge\n"
        + "jvm_threads_live_threads{instance=\"tgi-0:80\",job=\"tgi\"} 41\n";
    Report r = analyze(text);
    List<Finding> f = rule(r, "missing-ai-labels");
    assertThat(f).singleElement().satisfies(x -> {
      assertThat(x.severity()).isEqualTo(Severity.WARNING);
      assertThat(x.subject()).containsEntry("metric", "tgi_request_generated_tokens").containsEntry("service", "tgi");
      assertThat(x.evidence()).containsEntry("series", 4L).containsEntry("suggestedLabel", "model_name")
          .containsEntry("modelsOnSameTarget", List.of("mistral-7b"));
      assertThat(x.message()).contains("labels: instance, job");
      assertThat(x.hint()).contains("model_name=\"mistral-7b\"").contains("metric_relabel_configs");
    });
  }

  @Test
  void everyModelLabelSpellingCounts() {
    for (String label : List.of("model", "model_name", "model_id", "gen_ai_request_model")) {
      Report r = analyze("# TYPE llm_tokens_total counter\nllm_tokens_total{" + label + "=\"m\"} 5\n");
      assertThat(rule(r, "missing-ai-labels")).as(label).isEmpty();
    }
    assertThat(rule(analyze("# TYPE llm_tokens_total counter\nllm_tokens_total{engine=\"0\"} 5\n"),
        "missing-ai-labels")).hasSize(1);
  }

  @Test
  void otlpMetricsUseTheDottedAttributeOrTheResource() {
    String noModel = "{\"resourceMetrics\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":"
        + "{\"stringValue\":\"inference\"}}]},\"scopeMetrics\":[{\"metrics\":[{\"name\":\"gen_ai.client.token.usage\","
        + "\"gauge\":{\"dataPoints\":[{\"timeUnixNano\":\"1795168800000000000\",\"asInt\":\"7\"}]}}]}]}]}\n";
    assertThat(rule(analyze(noModel), "missing-ai-labels")).singleElement()
        .satisfies(f -> assertThat(f.evidence()).containsEntry("suggestedLabel", "gen_ai.request.model"));
    String onResource = noModel.replace("\"attributes\":[{\"key\":\"service.name\"",
        "\"attributes\":[{\"key\":\"gen_ai.request.model\",\"value\":{\"stringValue\":\"m\"}},{\"key\":\"service.name\"");
    assertThat(rule(analyze(onResource), "missing-ai-labels")).isEmpty();
  }

  @Test
  void plainServiceMetricsAreNotInferenceMetrics() {
    assertThat(LabelChecks.inferenceMetric("http_server_requests_seconds")).isFalse();
    assertThat(LabelChecks.inferenceMetric("jvm_memory_used_bytes")).isFalse();
    assertThat(LabelChecks.inferenceMetric("vllm:num_requests_running")).isTrue();
    assertThat(LabelChecks.inferenceMetric("nv_inference_count")).isTrue();
    assertThat(LabelChecks.inferenceMetric("gen_ai.client.operation.duration")).isTrue();
    assertThat(LabelChecks.inferenceMetric("predictions_total")).isTrue();
  }

  static String uuid(Random r) {
    String h = String.format("%016x%016x", r.nextLong(), r.nextLong());
    return h.substring(0, 8) + "-" + h.substring(8, 12) + "-4" + h.substring(13, 16) + "-a" + h.substring(17, 20) + "-"
        + h.substring(20, 32);
  }

  @Test
  void aLabelOverTheLimitIsReportedAndCountingStopsThere() {
    StringBuilder sb = new StringBuilder("# TYPE inference_requests_total counter\n");
    for (int i = 0; i < 1500; i++) {
      sb.append("inference_requests_total{model=\"m\",tenant=\"t").append(i).append("\"} 1\n");
    }
    Report r = analyze(sb.toString());
    assertThat(rule(r, "high-cardinality")).singleElement().satisfies(f -> {
      assertThat(f.subject()).containsEntry("metric", "inference_requests").containsEntry("field", "tenant");
      assertThat(f.evidence()).containsEntry("distinctValuesAtLeast", 1001).containsEntry("series", 1500L);
      assertThat(f.message()).contains("has more than 1000 distinct values");
      assertThat(f.hint()).contains("Drop the tenant label").contains("regex: tenant");
    });
    assertThat(rule(analyze(MetricsOptions.defaults().withCardinalityLimit(2000), sb.toString()),
        "high-cardinality")).isEmpty();
  }

  @Test
  void idsPromptsAndEmailsAreSuspiciousEvenBelowTheLimit() {
    Random rnd = new Random(7);
    StringBuilder sb = new StringBuilder("# TYPE tokens_total counter\n");
    for (int i = 0; i < 12; i++) {
      sb.append("tokens_total{model=\"m\",req=\"").append(uuid(rnd)).append("\"} 1\n");
      sb.append("tokens_total{model=\"m\",q=\"Summarise the attached quarterly report for the board, number ")
          .append(i).append("\"} 1\n");
      sb.append("tokens_total{model=\"m\",who=\"user").append(i).append("@example.com\"} 1\n");
    }
    Report r = analyze(sb.toString());
    List<Finding> f = rule(r, "high-cardinality");
    assertThat(f).extracting(x -> x.subject().get("field")).containsExactlyInAnyOrder("req", "q", "who");
    Finding who = f.stream().filter(x -> x.subject().get("field").equals("who")).findFirst().orElseThrow();
    assertThat(who.message()).contains("user data");
    @SuppressWarnings("unchecked")
    List<String> examples = (List<String>) who.evidence().get("examples");
    assertThat(examples).first().asString().startsWith("u***@example.com");
    assertThat(r.findings().toString()).doesNotContain("user0@example.com");
  }

  @Test
  void boundedLabelsAreFine() {
    // Micrometer's memory pool ids have spaces, pods have hashes, status codes are short.
    StringBuilder sb = new StringBuilder("# TYPE jvm_memory_used_bytes gauge\n");
    for (String id : List.of("G1 Eden Space", "G1 Old Gen", "G1 Survivor Space", "Compressed Class Space",
        "Metaspace", "CodeHeap 'non-nmethods'", "CodeHeap 'profiled nmethods'")) {
      for (String pod : List.of("inference-7d9f8c6b5-x2kqp", "inference-7d9f8c6b5-m8wzt")) {
        sb.append("jvm_memory_used_bytes{id=\"").append(id).append("\",pod=\"").append(pod).append("\"} 1\n");
      }
    }
    assertThat(rule(analyze(sb.toString()), "high-cardinality")).isEmpty();
  }

  @Test
  void aPerRequestLabelNameIsEnoughWithTwoValues() {
    String text = "# TYPE infer_latency_seconds gauge\n"
        + "infer_latency_seconds{model=\"m\",request_id=\"r1\"} 1\ninfer_latency_seconds{model=\"m\",request_id=\"r2\"} 1\n";
    assertThat(rule(analyze(text), "high-cardinality")).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("its name says every request"));
  }

  @Test
  void valueShapes() {
    assertThat(ValueShape.of("3f2a9c1e-77b0-4c2e-9d1a-0b8e6f4c2a11")).isEqualTo(ValueShape.ID);
    assertThat(ValueShape.of("4bf92f3577b34da6a3ce929d0e0e4736")).isEqualTo(ValueShape.ID);
    assertThat(ValueShape.of("chatcmpl-9fK2LmQx7TzA1bCdEf")).isEqualTo(ValueShape.ID);
    assertThat(ValueShape.of("1795168800123")).isEqualTo(ValueShape.ID);
    assertThat(ValueShape.of("line one\nline two")).isEqualTo(ValueShape.PROMPT);
    assertThat(ValueShape.of("jane.doe@example.com")).isEqualTo(ValueShape.USER_DATA);
    assertThat(ValueShape.of("inference-7d9f8c6b5-x2kqp")).isEqualTo(ValueShape.PLAIN);
    assertThat(ValueShape.of("10.12.1.20:8080")).isEqualTo(ValueShape.PLAIN);
    assertThat(ValueShape.of("meta-llama/Meta-Llama-3-8B-Instruct")).isEqualTo(ValueShape.PLAIN);
    assertThat(ValueShape.of("Compressed Class Space")).isEqualTo(ValueShape.PLAIN);
    assertThat(ValueShape.of("/v1/chat/completions")).isEqualTo(ValueShape.PLAIN);
  }

  @Test
  void distinctValuesNeverHoldMoreThanTheCap() {
    DistinctValues d = new DistinctValues(100);
    for (int i = 0; i < 100_000; i++) {
      d.add("v" + i);
    }
    assertThat(d.size()).isEqualTo(100);
    assertThat(d.full()).isTrue();
    DistinctValues e = new DistinctValues(1000);
    for (int i = 0; i < 500; i++) {
      assertThat(e.add("v" + i)).isTrue();
      assertThat(e.add("v" + i)).isFalse();
    }
    assertThat(e.size()).isEqualTo(500);
  }
}
