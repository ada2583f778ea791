package dev.traceguard.analyzers.metrics;

import dev.traceguard.analyzers.FindingSink;
import dev.traceguard.analyzers.model.Attributes;
import dev.traceguard.analyzers.model.Ids;
import dev.traceguard.analyzers.model.IdState;
import dev.traceguard.analyzers.model.LogRecord;
import dev.traceguard.analyzers.model.SpanEvent;
import dev.traceguard.analyzers.model.SpanKind;
import dev.traceguard.analyzers.model.SpanStore;
import dev.traceguard.analyzers.model.StatusCode;
import dev.traceguard.analyzers.model.Telemetry;
import dev.traceguard.analyzers.report.Finding;
import dev.traceguard.analyzers.report.Severity;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code error-taxonomy}: error spans (status ERROR) and error log records (severity ERROR or
 * above, or carrying {@code exception.type}) sorted into {@link ErrorClass}es by their {@code
 * error.type}, exception events, status message, body and HTTP/gRPC status, counted per service
 * and model. A log record that belongs to an error span (same trace and span id) is the same
 * error: it is not counted again, but its text refines a span that would otherwise be "other".
 * The model is the span's {@code gen_ai.request.model} (or {@code model}), else its nearest
 * ancestor's, else the one model its trace names, else {@code unknown}.
 */
final class ErrorTaxonomy {
  static final String RULE = "error-taxonomy";
  private static final int MAX_TEXT = 2000;
  private static final int MAX_ANCESTORS = 64;
  private static final int MAX_ROWS = 200;
  private static final String UNKNOWN = "unknown";
  private static final String[] MODEL_KEYS = {"gen_ai.request.model", "gen_ai.response.model", "model", "model_name"};

  private record Row(String service, String model) {}

  private static final class Counts {
    final EnumMap<ErrorClass, Long> byClass = new EnumMap<>(ErrorClass.class);
    final EnumMap<ErrorClass, String> example = new EnumMap<>(ErrorClass.class);
    long total;

    void add(ErrorClass c, String example) {
      byClass.merge(c, 1L, Long::sum);
      total++;
      if (example != null && !example.isEmpty()) {
        this.example.putIfAbsent(c, example);
      }
    }
  }

  private static final class SpanError {
    ErrorClass cls;
    String example;
    final String service;
    final String model;

    SpanError(ErrorClass cls, String example, String service, String model) {
      this.cls = cls;
      this.example = example;
      this.service = service;
      this.model = model;
    }
  }

  private ErrorTaxonomy() {}

  static void run(Telemetry telemetry, FindingSink out) {
    SpanStore s = telemetry.spans();
    Map<Integer, SpanError> spanErrors = new LinkedHashMap<>();
    Map<Long, String> traceModels = null;
    for (int i = 0; i < s.size(); i++) {
      if (s.status(i) != StatusCode.ERROR) {
        continue;
      }
      if (traceModels == null) {
        traceModels = new HashMap<>();
      }
      traceModels.put(s.traceIdHi(i) ^ s.traceIdLo(i), null);
    }
    if (traceModels != null) {
      // One more pass for the models of the traces that hold errors, so a failing HTTP span
      // whose model sits on a child span still counts against that model.
      for (int i = 0; i < s.size(); i++) {
        long key = s.traceIdHi(i) ^ s.traceIdLo(i);
        if (!traceModels.containsKey(key)) {
          continue;
        }
        String m = ownModel(s.attributes(i));
        if (m == null) {
          continue;
        }
        String had = traceModels.get(key);
        if (had == null) {
          traceModels.put(key, m);
        } else if (!had.equals(m) && !had.isEmpty()) {
          traceModels.put(key, ""); // several models: ambiguous
        }
      }
      for (int i = 0; i < s.size(); i++) {
        if (s.status(i) == StatusCode.ERROR) {
          spanErrors.put(i, spanError(s, i, traceModels));
        }
      }
    }
    Map<Row, Counts> rows = new TreeMap<>((a, b) -> {
      int c = a.service().compareTo(b.service());
      return c != 0 ? c : a.model().compareTo(b.model());
    });
    long logs = 0;
    long merged = 0;
    for (LogRecord r : telemetry.logs()) {
      if (!isError(r)) {
        continue;
      }
      Attributes a = r.attributes();
      String text = join(a.getString("error.type"), a.getString("exception.type"), a.getString("exception.message"),
          r.body());
      int span = spanIndex(s, r);
      ErrorClass c = ErrorClass.classify(text, -1, -1, false);
      SpanError se = span >= 0 ? spanErrors.get(span) : null;
      if (se != null) {
        merged++;
        if (se.cls == ErrorClass.OTHER && c != ErrorClass.OTHER) {
          se.cls = c;
          se.example = example(a.getString("exception.type"),
              a.getString("exception.message") != null ? a.getString("exception.message") : firstLine(r.body()));
        }
        continue;
      }
      String model = ownModel(a);
      if (model == null && span >= 0) {
        model = modelOf(s, span, traceModels);
      }
      logs++;
      rows.computeIfAbsent(new Row(r.resource().serviceName(), model == null ? UNKNOWN : model), k -> new Counts())
          .add(c, example(a.getString("exception.type"),
              a.getString("exception.message") != null ? a.getString("exception.message") : firstLine(r.body())));
    }
    for (SpanError e : spanErrors.values()) {
      rows.computeIfAbsent(new Row(e.service, e.model), k -> new Counts()).add(e.cls, e.example);
    }
    if (rows.isEmpty()) {
      return;
    }
    out.add(finding(rows, spanErrors.size(), logs, merged));
  }

  private static Finding finding(Map<Row, Counts> rows, long spans, long logs, long merged) {
    EnumMap<ErrorClass, Long> totals = new EnumMap<>(ErrorClass.class);
    java.util.Set<String> services = new java.util.TreeSet<>();
    java.util.Set<String> models = new java.util.TreeSet<>();
    List<Map<String, Object>> table = new ArrayList<>();
    for (Map.Entry<Row, Counts> e : rows.entrySet()) {
      Counts c = e.getValue();
      services.add(e.getKey().service());
      models.add(e.getKey().model());
      for (Map.Entry<ErrorClass, Long> ce : c.byClass.entrySet()) {
        totals.merge(ce.getKey(), ce.getValue(), Long::sum);
      }
      if (table.size() < MAX_ROWS) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("service", e.getKey().service());
        row.put("model", e.getKey().model());
        row.put("total", c.total);
        Map<String, Object> counts = new LinkedHashMap<>();
        Map<String, Object> examples = new LinkedHashMap<>();
        for (Map.Entry<ErrorClass, Long> ce : c.byClass.entrySet()) {
          counts.put(ce.getKey().id(), ce.getValue());
          String ex = c.example.get(ce.getKey());
          if (ex != null) {
            examples.put(ce.getKey().id(), ex);
          }
        }
        row.put("classes", counts);
        row.put("examples", examples);
        table.add(row);
      }
    }
    long total = spans + logs;
    Map<String, Object> byClass = new LinkedHashMap<>();
    StringBuilder parts = new StringBuilder();
    for (ErrorClass c : ErrorClass.values()) {
      long n = totals.getOrDefault(c, 0L);
      byClass.put(c.id(), n);
      if (n > 0) {
        if (parts.length() > 0) {
          parts.append(", ");
        }
        parts.append(n).append(' ').append(c.label());
      }
    }
    Finding.Builder f = Finding.builder(MetricsAnalyzer.NAME, RULE, Severity.INFO)
        .message(total + " errors (" + spans + " spans, " + logs + " log records) in " + services.size()
            + (services.size() == 1 ? " service" : " services") + ", by class: " + parts
            + "; counts per service and model in the evidence")
        .evidence("errors", total)
        .evidence("spans", spans)
        .evidence("logRecords", logs)
        .evidence("logRecordsOfErrorSpans", merged)
        .evidence("byClass", byClass)
        .evidence("byServiceAndModel", table)
        .hint("Count and alert on errors by class, not by status code alone: out-of-memory errors need capacity,"
            + " batch or cache limits, invalid input is the caller's and belongs outside availability SLOs,"
            + " timeouts and upstream failures point at queues and dependencies; set error.type to the class so"
            + " dashboards can split them.");
    if (services.size() == 1) {
      f.subject("service", services.iterator().next());
    }
    if (models.size() == 1) {
      f.subject("model", models.iterator().next());
    }
    if (rows.size() > MAX_ROWS) {
      f.evidence("rowsNotListed", rows.size() - MAX_ROWS);
    }
    return f.build();
  }

  private static SpanError spanError(SpanStore s, int i, Map<Long, String> traceModels) {
    Attributes a = s.attributes(i);
    String errorType = a.getString("error.type");
    String excType = a.getString("exception.type");
    String excMessage = a.getString("exception.message");
    StringBuilder text = new StringBuilder();
    append(text, errorType);
    append(text, excType);
    append(text, excMessage);
    append(text, s.statusMessage(i));
    for (SpanEvent e : s.events(i)) {
      if (!e.name().equals("exception")) {
        continue;
      }
      String t = e.attributes().getString("exception.type");
      String m = e.attributes().getString("exception.message");
      append(text, t);
      append(text, m);
      if (excType == null) {
        excType = t;
        excMessage = m;
      }
    }
    long http = number(a.get("http.response.status_code"), a.get("http.status_code"));
    if (http < 0 && errorType != null && errorType.matches("[1-5][0-9][0-9]")) {
      http = Long.parseLong(errorType);
    }
    long grpc = number(a.get("rpc.grpc.status_code"), null);
    boolean client = s.kind(i) == SpanKind.CLIENT;
    ErrorClass c = ErrorClass.classify(text.toString(), http, grpc, client);
    String example = excType != null ? example(excType, excMessage)
        : s.statusMessage(i) != null && !s.statusMessage(i).isEmpty() ? truncate(s.statusMessage(i))
        : errorType != null ? "error.type " + errorType
        : http > 0 ? "HTTP " + http : null;
    String model = modelOf(s, i, traceModels);
    return new SpanError(c, example, s.serviceName(i), model == null ? UNKNOWN : model);
  }

  private static String modelOf(SpanStore s, int i, Map<Long, String> traceModels) {
    int cur = i;
    for (int depth = 0; depth < MAX_ANCESTORS && cur >= 0; depth++) {
      String m = ownModel(s.attributes(cur));
      if (m != null) {
        return m;
      }
      if (!s.hasParent(cur) || s.parentIdState(cur) != IdState.VALID) {
        break;
      }
      cur = s.find(s.traceIdHi(cur), s.traceIdLo(cur), s.parentSpanId(cur));
    }
    if (traceModels != null) {
      String m = traceModels.get(s.traceIdHi(i) ^ s.traceIdLo(i));
      if (m != null && !m.isEmpty()) {
        return m;
      }
    }
    return null;
  }

  private static String ownModel(Attributes a) {
    for (String k : MODEL_KEYS) {
      String v = a.getString(k);
      if (v != null && !v.isEmpty()) {
        return v;
      }
    }
    return null;
  }

  private static boolean isError(LogRecord r) {
    if (r.severityNumber() >= 17) {
      return true;
    }
    if (r.severityNumber() == 0) {
      String t = r.severityText().toUpperCase(Locale.ROOT);
      if (t.startsWith("ERR") || t.equals("FATAL") || t.equals("SEVERE") || t.equals("CRITICAL")) {
        return true;
      }
    }
    return r.attributes().getString("exception.type") != null && r.severityNumber() == 0;
  }

  private static int spanIndex(SpanStore s, LogRecord r) {
    String t = r.traceId();
    String sp = r.spanId();
    if (t == null || sp == null || t.length() != 32 || sp.length() != 16 || !hex(t) || !hex(sp)) {
      return -1;
    }
    return s.find(Ids.parseHex(t, 0, 16), Ids.parseHex(t, 16, 32), Ids.parseHex(sp, 0, 16));
  }

  private static boolean hex(String v) {
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
        return false;
      }
    }
    return true;
  }

  private static long number(Object a, Object b) {
    Object v = a != null ? a : b;
    if (v instanceof Number) {
      return ((Number) v).longValue();
    }
    if (v instanceof String && ((String) v).matches("[0-9]{1,4}")) {
      return Long.parseLong((String) v);
    }
    return -1;
  }

  private static void append(StringBuilder sb, String s) {
    if (s != null && !s.isEmpty()) {
      sb.append(s, 0, Math.min(s.length(), MAX_TEXT)).append('\n');
    }
  }

  private static String join(String... parts) {
    StringBuilder sb = new StringBuilder();
    for (String p : parts) {
      append(sb, p);
    }
    return sb.toString();
  }

  private static String example(String type, String message) {
    if (type == null) {
      return message == null ? null : truncate(message);
    }
    return truncate(message == null || message.isEmpty() ? type : type + ": " + message);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return null;
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static String truncate(String s) {
    String one = firstLine(s);
    return one.length() <= 160 ? one : one.substring(0, 160) + "…";
  }
}
