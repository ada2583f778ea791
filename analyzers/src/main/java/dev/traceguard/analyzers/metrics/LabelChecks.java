package dev.traceguard.analyzers.metrics;

import dev.traceguard.analyzers.FindingSink;
import dev.traceguard.analyzers.model.Attributes;
import dev.traceguard.analyzers.model.Labels;
import dev.traceguard.analyzers.model.MetricSeries;
import dev.traceguard.analyzers.model.Resource;
import dev.traceguard.analyzers.report.Finding;
import dev.traceguard.analyzers.report.Severity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The label rules, from one pass over the series: {@code missing-ai-labels} (an inference metric
 * with no model dimension) and {@code high-cardinality} (a label with too many values, or values
 * that are ids, prompts or user data). A metric is a sample name without its {@code _bucket},
 * {@code _count}, {@code _sum}, {@code _total} or {@code _created} suffix.
 */
final class LabelChecks {
  static final String MISSING = "missing-ai-labels";
  static final String CARDINALITY = "high-cardinality";

  /** Label (or resource attribute) names that carry the model. */
  static final Set<String> MODEL_LABELS = Set.of("model", "model_name", "model_id", "gen_ai_request_model",
      "gen_ai.request.model", "gen_ai_response_model", "gen_ai.response.model");
  private static final String[] INFERENCE_WORDS = {"infer", "predict", "generate", "token", "llm", "model"};
  /** Label names that say every request or user gets its own value. */
  private static final Set<String> PER_REQUEST = Set.of("request_id", "requestid", "x_request_id", "trace_id",
      "traceid", "span_id", "spanid", "session_id", "sessionid", "user_id", "userid", "email", "prompt",
      "gen_ai_prompt", "conversation_id", "message_id", "correlation_id", "gen_ai_response_id", "response_id");
  /** Labels whose values are bucket or quantile bounds, never a dimension. */
  private static final Set<String> BOUNDS = Set.of("le", "quantile");
  /** Metrics tracked at most; a hostile dump of millions of names gets a bounded map. */
  private static final int MAX_METRICS = 100_000;
  private static final int MAX_TARGETS_PER_METRIC = 8;
  private static final int MAX_MODELS_PER_TARGET = 3;

  private record Target(Resource resource, String job, String instance) {}

  private static final class LabelStats {
    final DistinctValues distinct;
    final int[] shapes = new int[ValueShape.values().length];
    final List<String> examples = new ArrayList<>(3);

    LabelStats(int cap) {
      distinct = new DistinctValues(cap);
    }
  }

  private static final class Metric {
    long series;
    boolean hasModel;
    String service;
    final Map<String, LabelStats> labels = new LinkedHashMap<>();
    final Set<Target> targets = new LinkedHashSet<>();
  }

  private final MetricsOptions options;
  private final Map<String, Metric> metrics = new LinkedHashMap<>();
  private final Map<String, Long> modelLabelUse = new HashMap<>();
  private final Map<Target, Set<String>> modelsByTarget = new HashMap<>();
  private long notTracked;

  LabelChecks(MetricsOptions options) {
    this.options = options;
  }

  /** Takes one series. */
  void add(MetricSeries s) {
    String name = MetricNames.metric(s.name());
    Metric m = metrics.get(name);
    if (m == null) {
      if (metrics.size() >= MAX_METRICS) {
        notTracked++;
        return;
      }
      m = new Metric();
      metrics.put(name, m);
    }
    m.series++;
    Labels l = s.labels();
    Target t = new Target(s.resource(), l.get("job"), l.get("instance"));
    if (m.targets.size() < MAX_TARGETS_PER_METRIC) {
      m.targets.add(t);
    }
    if (m.service == null) {
      m.service = s.resource().attributes().getString("service.name") != null
          ? s.resource().serviceName() : l.get("job");
    }
    String model = modelOf(l, s.resource().attributes());
    if (model != null) {
      m.hasModel = true;
      Set<String> seen = modelsByTarget.computeIfAbsent(t, k -> new LinkedHashSet<>());
      if (seen.size() < MAX_MODELS_PER_TARGET) {
        seen.add(model);
      }
    }
    for (int i = 0; i < l.size(); i++) {
      String ln = l.name(i);
      if (BOUNDS.contains(ln)) {
        continue;
      }
      LabelStats st = m.labels.get(ln);
      if (st == null) {
        st = new LabelStats(options.cardinalityLimit() + 1);
        m.labels.put(ln, st);
      }
      if (st.distinct.full()) {
        continue;
      }
      String v = l.value(i);
      if (st.distinct.add(v)) {
        ValueShape shape = ValueShape.of(v);
        st.shapes[shape.ordinal()]++;
        if (shape != ValueShape.PLAIN && st.examples.size() < 3) {
          st.examples.add(ValueShape.redact(v, shape));
        }
      }
    }
  }

  private String modelOf(Labels l, Attributes resource) {
    String found = null;
    for (int i = 0; i < l.size(); i++) {
      if (MODEL_LABELS.contains(l.name(i)) && !l.value(i).isEmpty()) {
        modelLabelUse.merge(l.name(i), 1L, Long::sum);
        found = found == null ? l.value(i) : found;
      }
    }
    if (found == null && !resource.isEmpty()) {
      for (String k : MODEL_LABELS) {
        String v = resource.getString(k);
        if (v != null && !v.isEmpty()) {
          return v;
        }
      }
    }
    return found;
  }

  /** Whether a metric name says it is about inference. */
  static boolean inferenceMetric(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.startsWith("gen_ai")) {
      return true;
    }
    for (String w : INFERENCE_WORDS) {
      if (n.contains(w)) {
        return true;
      }
    }
    return false;
  }

  void report(FindingSink out) {
    if (notTracked > 0) {
      out.stat("metricSeriesNotLabelChecked", notTracked);
    }
    String usualLabel = null;
    long best = 0;
    for (Map.Entry<String, Long> e : modelLabelUse.entrySet()) {
      if (e.getValue() > best || (e.getValue() == best && e.getKey().compareTo(usualLabel) < 0)) {
        best = e.getValue();
        usualLabel = e.getKey();
      }
    }
    for (Map.Entry<String, Metric> e : metrics.entrySet()) {
      String name = e.getKey();
      Metric m = e.getValue();
      if (!m.hasModel && inferenceMetric(name)) {
        out.add(missing(name, m, usualLabel));
      }
      for (Map.Entry<String, LabelStats> le : m.labels.entrySet()) {
        Finding f = cardinality(name, m, le.getKey(), le.getValue());
        if (f != null) {
          out.add(f);
        }
      }
    }
  }

  private Finding missing(String name, Metric m, String usualLabel) {
    String label = usualLabel != null ? usualLabel : name.contains(".") ? "gen_ai.request.model" : "model";
    Set<String> models = new LinkedHashSet<>();
    for (Target t : m.targets) {
      models.addAll(modelsByTarget.getOrDefault(t, Set.of()));
    }
    String value = models.size() == 1 ? models.iterator().next() : null;
    String example = label + "=\"" + (value == null ? "<model id>" : value) + "\"";
    StringBuilder hint = new StringBuilder("Record the model on every series: ");
    if (label.contains(".")) {
      hint.append("add the attribute ").append(label).append(" to each measurement (or the resource) in code");
    } else {
      hint.append("add the label ").append(example).append(" in code (Micrometer Tag.of(\"").append(label)
          .append("\", id), a Prometheus client label) or at scrape time (metric_relabel_configs: target_label: ")
          .append(label).append(", replacement: ").append(value == null ? "<model id>" : value).append(')');
    }
    if (value != null) {
      hint.append("; other metrics of the same target already say ").append(example);
    }
    hint.append('.');
    return Finding.builder(MetricsAnalyzer.NAME, MISSING, Severity.WARNING)
        .message("inference metric " + name + " has no model label (" + m.series + " series; labels: "
            + (m.labels.isEmpty() ? "none" : String.join(", ", m.labels.keySet()))
            + "): its numbers cannot be split by model, so one model's regression hides in the average")
        .subject("service", m.service)
        .subject("metric", name)
        .evidence("series", m.series)
        .evidence("labels", new ArrayList<>(m.labels.keySet()))
        .evidence("modelLabelsLookedFor", MODEL_LABELS.stream().sorted().toList())
        .evidence("suggestedLabel", label)
        .evidence("modelsOnSameTarget", models.isEmpty() ? null : new ArrayList<>(models))
        .hint(hint.toString())
        .build();
  }

  private Finding cardinality(String name, Metric m, String label, LabelStats st) {
    int distinct = st.distinct.size();
    int limit = options.cardinalityLimit();
    int suspicious = st.shapes[ValueShape.ID.ordinal()] + st.shapes[ValueShape.PROMPT.ordinal()]
        + st.shapes[ValueShape.USER_DATA.ordinal()];
    String norm = label.toLowerCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    String why;
    if (distinct > limit) {
      why = "has more than " + limit + " distinct values (the limit)";
    } else if (distinct >= options.suspiciousMinValues() && suspicious >= options.suspiciousShare() * distinct) {
      why = "has " + distinct + " values, " + suspicious + " of which look like " + shapes(st);
    } else if (distinct >= 2 && PER_REQUEST.contains(norm)) {
      why = "has " + distinct + " values and its name says every request or user gets one of its own";
    } else {
      return null;
    }
    boolean capped = distinct > limit;
    long after = Math.max(1, Math.round((double) m.series / distinct));
    Map<String, Object> looks = new LinkedHashMap<>();
    for (ValueShape v : ValueShape.values()) {
      if (v != ValueShape.PLAIN && st.shapes[v.ordinal()] > 0) {
        looks.put(v.id(), st.shapes[v.ordinal()]);
      }
    }
    return Finding.builder(MetricsAnalyzer.NAME, CARDINALITY, Severity.WARNING)
        .message("label " + label + " of metric " + name + " " + why + "; each value is a series of its own ("
            + m.series + " series)")
        .subject("service", m.service)
        .subject("metric", name)
        .subject("field", label)
        .evidence(capped ? "distinctValuesAtLeast" : "distinctValues", capped ? limit + 1 : distinct)
        .evidence("limit", limit)
        .evidence("series", m.series)
        .evidence("valuesLookLike", looks.isEmpty() ? null : looks)
        .evidence("examples", st.examples.isEmpty() ? null : st.examples)
        .hint("Drop the " + label + " label from " + name + " (remove the tag in code, or metric_relabel_configs:"
            + " action: labeldrop, regex: " + label + "), leaving about " + after + " series; keep per-request"
            + " ids on spans or exemplars, and map user input to a small fixed set of values.")
        .build();
  }

  private static String shapes(LabelStats st) {
    List<String> parts = new ArrayList<>();
    if (st.shapes[ValueShape.ID.ordinal()] > 0) {
      parts.add("ids");
    }
    if (st.shapes[ValueShape.PROMPT.ordinal()] > 0) {
      parts.add("prompts or free text");
    }
    if (st.shapes[ValueShape.USER_DATA.ordinal()] > 0) {
      parts.add("user data (e-mail addresses)");
    }
    return String.join(" or ", parts);
  }
}
