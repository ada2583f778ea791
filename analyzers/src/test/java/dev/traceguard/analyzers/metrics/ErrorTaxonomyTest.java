package dev.traceguard.analyzers.metrics;

import static dev.traceguard.analyzers.metrics.Dumps.analyze;
import static dev.traceguard.analyzers.metrics.Dumps.rule;
import static org.assertj.core.api.Assertions.assertThat;

import dev.traceguard.analyzers.report.Finding;
import dev.traceguard.analyzers.report.Report;
import dev.traceguard.analyzers.report.Severity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorTaxonomyTest {
  static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

  static String kv(String k, String v) {
    return "{\"key\":\"" + k + "\",\"value\":{\"stringValue\":\"" + v.replace("\"", "\\\"") + "\"}}";
  }

  static String resource(String service) {
    return "{\"attributes\":[" + kv("service.name", service) + "]}";
  }

  /** One span line; events are (type, message) pairs of exception events. */
  static String span(String service, String spanId, String parent, String name, int kind, int status, String statusMsg,
      String attrs, String... events) {
    StringBuilder ev = new StringBuilder();
    for (int i = 0; i < events.length; i += 2) {
      if (ev.length() > 0) {
        ev.append(',');
      }
      ev.append("{\"timeUnixNano\":\"1795168800500000000\",\"name\":\"exception\",\"attributes\":[")
          .append(kv("exception.type", events[i])).append(',').append(kv("exception.message", events[i + 1]))
          .append("]}");
    }
    return "{\"resourceSpans\":[{\"resource\":" + resource(service) + ",\"scopeSpans\":[{\"spans\":[{\"traceId\":\""
        + TRACE + "\",\"spanId\":\"" + spanId + "\"" + (parent == null ? "" : ",\"parentSpanId\":\"" + parent + "\"")
        + ",\"name\":\"" + name + "\",\"kind\":" + kind + ",\"startTimeUnixNano\":\"1795168800000000000\","
        + "\"endTimeUnixNano\":\"1795168801000000000\",\"attributes\":[" + attrs + "],\"events\":[" + ev
        + "],\"status\":{" + (status == 0 ? "" : "\"code\":" + status
        + (statusMsg == null ? "" : ",\"message\":\"" + statusMsg + "\"")) + "}}]}]}]}";
  }

  static String log(String service, String spanId, int severity, String body, String attrs) {
    return "{\"resourceLogs\":[{\"resource\":" + resource(service) + ",\"scopeLogs\":[{\"logRecords\":[{"
        + "\"timeUnixNano\":\"1795168800600000000\",\"severityNumber\":" + severity + ",\"body\":{\"stringValue\":\""
        + body + "\"},\"attributes\":[" + attrs + "]" + (spanId == null ? "" : ",\"traceId\":\"" + TRACE
        + "\",\"spanId\":\"" + spanId + "\"") + "}]}]}]}";
  }

  @Test
  void errorsAreCountedPerClassServiceAndModel() {
    String model = kv("gen_ai.request.model", "llama-3-8b");
    String text = String.join("\n",
        span("inference", "1000000000000001", null, "POST /infer", 2, 2, null, kv("error.type", "502")),
        span("inference", "1000000000000002", "1000000000000001", "chat llama-3-8b", 1, 2, null, model),
        span("model-server", "1000000000000003", "1000000000000002", "POST /generate", 2, 2,
            "CUDA out of memory. Tried to allocate 2.00 GiB.", kv("http.route", "/generate"),
            "torch.OutOfMemoryError", "CUDA out of memory. Tried to allocate 2.00 GiB."),
        span("inference", "1000000000000004", null, "tokenize", 1, 2, null, model,
            "com.fasterxml.jackson.core.JsonParseException", "Unexpected character ('}' (code 125))"),
        span("inference", "1000000000000005", null, "chat llama-3-8b", 1, 2, null, model,
            "java.lang.OutOfMemoryError", "Java heap space"),
        span("inference", "1000000000000006", null, "chat mistral-7b", 1, 2, null,
            kv("gen_ai.request.model", "mistral-7b"), "java.net.SocketTimeoutException", "Read timed out"),
        span("inference", "1000000000000007", null, "POST /infer", 2, 0, null, kv("http.route", "/infer")),
        // An error log of the chat span: the same error, which tells its class.
        log("inference", "1000000000000002", 17, "engine failed: CUDA error: out of memory", ""),
        // An error log with no span, and a warning that is not an error.
        log("inference", null, 17, "upstream connect error: connection refused to model-server:8000",
            kv("gen_ai.request.model", "llama-3-8b")),
        log("inference", null, 13, "slow request", ""));
    Report r = analyze(text + "\n");
    List<Finding> f = rule(r, "error-taxonomy");
    assertThat(f).hasSize(1);
    Finding x = f.get(0);
    assertThat(x.severity()).isEqualTo(Severity.INFO);
    assertThat(x.evidence()).containsEntry("errors", 7L).containsEntry("spans", 6L).containsEntry("logRecords", 1L)
        .containsEntry("logRecordsOfErrorSpans", 1L);
    assertThat(x.evidence().get("byClass")).isEqualTo(Map.of("cuda-oom", 2L, "jvm-oom", 1L, "timeout", 1L,
        "upstream-failure", 2L, "invalid-input", 1L, "other", 0L));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rows = (List<Map<String, Object>>) x.evidence().get("byServiceAndModel");
    // The failing POST /infer root has no model of its own and its trace names two: unknown.
    // The model-server span has none either, but its parent chat span names llama-3-8b.
    assertThat(rows).extracting(m -> m.get("service") + "/" + m.get("model") + " " + m.get("classes"))
        .containsExactly(
            "inference/llama-3-8b {cuda-oom=1, jvm-oom=1, upstream-failure=1, invalid-input=1}",
            "inference/mistral-7b {timeout=1}",
            "inference/unknown {upstream-failure=1}",
            "model-server/llama-3-8b {cuda-oom=1}");
    assertThat(x.message()).contains("7 errors (6 spans, 1 log records) in 2 services")
        .contains("2 CUDA out of memory, 1 JVM out of memory, 1 timeout, 2 upstream failure, 1 invalid input");
    @SuppressWarnings("unchecked")
    Map<String, Object> examples = (Map<String, Object>) rows.get(3).get("examples");
    assertThat(examples).containsEntry("cuda-oom", "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB.");
  }

  @Test
  void noErrorsNoFinding() {
    String ok = span("inference", "1000000000000001", null, "POST /infer", 2, 0, null, kv("http.route", "/infer"));
    assertThat(rule(analyze(ok + "\n"), "error-taxonomy")).isEmpty();
  }

  @Test
  void classification() {
    assertThat(ErrorClass.classify("cudaErrorMemoryAllocation", -1, -1, false)).isEqualTo(ErrorClass.CUDA_OOM);
    assertThat(ErrorClass.classify("java.lang.OutOfMemoryError: Direct buffer memory", -1, -1, false))
        .isEqualTo(ErrorClass.JVM_OOM);
    assertThat(ErrorClass.classify("torch.cuda.OutOfMemoryError", -1, -1, false)).isEqualTo(ErrorClass.CUDA_OOM);
    assertThat(ErrorClass.classify("io.grpc.StatusRuntimeException: DEADLINE_EXCEEDED", -1, -1, false))
        .isEqualTo(ErrorClass.TIMEOUT);
    assertThat(ErrorClass.classify("invalid JSON input at line 1", -1, -1, false)).isEqualTo(ErrorClass.INVALID_INPUT);
    assertThat(ErrorClass.classify("java.net.ConnectException: Connection refused", -1, -1, false))
        .isEqualTo(ErrorClass.UPSTREAM_FAILURE);
    assertThat(ErrorClass.classify("", 504, -1, false)).isEqualTo(ErrorClass.TIMEOUT);
    assertThat(ErrorClass.classify("", 422, -1, false)).isEqualTo(ErrorClass.INVALID_INPUT);
    assertThat(ErrorClass.classify("", -1, 14, false)).isEqualTo(ErrorClass.UPSTREAM_FAILURE);
    assertThat(ErrorClass.classify("", 500, -1, true)).isEqualTo(ErrorClass.UPSTREAM_FAILURE);
    assertThat(ErrorClass.classify("", 500, -1, false)).isEqualTo(ErrorClass.OTHER);
    assertThat(ErrorClass.classify("java.lang.IllegalStateException: engine closed", -1, -1, false))
        .isEqualTo(ErrorClass.OTHER);
  }
}
