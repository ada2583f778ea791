package dev.traceguard.analyzers.io.otlp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.traceguard.analyzers.model.Attributes;
import dev.traceguard.analyzers.model.Labels;
import dev.traceguard.analyzers.model.MetricSeries;
import dev.traceguard.analyzers.model.MetricStore;
import dev.traceguard.analyzers.model.MetricType;
import dev.traceguard.analyzers.model.Resource;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes metric series as OTLP/JSON {@code MetricsData}, one document per line and resource (the
 * collector file exporter's shape), so {@link OtlpJsonReader} reads them back unchanged. Counters
 * become cumulative monotonic sums, everything else gauges; labels become data point attributes,
 * series without a timestamp are written without one. Only counter and gauge series are written as
 * such; other types are written as gauges of their sample name.
 */
public final class OtlpJsonMetricsWriter {
  private static final JsonFactory JSON = new JsonFactory();

  private final String scopeName;
  private final String scopeVersion;

  /** A writer naming {@code scopeName}/{@code scopeVersion} as the instrumentation scope. */
  public OtlpJsonMetricsWriter(String scopeName, String scopeVersion) {
    this.scopeName = scopeName;
    this.scopeVersion = scopeVersion;
  }

  /** Writes every series of {@code store}; does not close {@code out}. */
  public void write(MetricStore store, Writer out) throws IOException {
    Map<Resource, Map<String, List<MetricSeries>>> byResource = new LinkedHashMap<>();
    for (MetricSeries s : store.series()) {
      byResource.computeIfAbsent(s.resource(), r -> new LinkedHashMap<>())
          .computeIfAbsent(s.name(), n -> new ArrayList<>())
          .add(s);
    }
    for (Map.Entry<Resource, Map<String, List<MetricSeries>>> e : byResource.entrySet()) {
      writeResource(e.getKey(), e.getValue(), out);
      out.write('\n');
    }
    out.flush();
  }

  private void writeResource(Resource resource, Map<String, List<MetricSeries>> metrics, Writer out) throws IOException {
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.writeStartObject();
      g.writeArrayFieldStart("resourceMetrics");
      g.writeStartObject();
      g.writeObjectFieldStart("resource");
      writeAttributes(g, resource.attributes());
      g.writeEndObject();
      g.writeArrayFieldStart("scopeMetrics");
      g.writeStartObject();
      g.writeObjectFieldStart("scope");
      g.writeStringField("name", scopeName);
      g.writeStringField("version", scopeVersion);
      g.writeEndObject();
      g.writeArrayFieldStart("metrics");
      for (Map.Entry<String, List<MetricSeries>> m : metrics.entrySet()) {
        writeMetric(g, m.getKey(), m.getValue());
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndArray();
      g.writeEndObject();
    }
  }

  private static void writeMetric(JsonGenerator g, String name, List<MetricSeries> series) throws IOException {
    MetricSeries first = series.get(0);
    boolean sameName = first.family().name().equals(name);
    MetricType type = sameName ? first.family().type() : MetricType.GAUGE;
    boolean counter = type == MetricType.COUNTER;
    g.writeStartObject();
    g.writeStringField("name", name);
    if (sameName && !first.family().help().isEmpty()) {
      g.writeStringField("description", first.family().help());
    }
    if (sameName && !first.family().unit().isEmpty()) {
      g.writeStringField("unit", first.family().unit());
    }
    g.writeObjectFieldStart(counter ? "sum" : "gauge");
    g.writeArrayFieldStart("dataPoints");
    for (MetricSeries s : series) {
      long start = s.size() > 0 ? s.time(0) : MetricSeries.NO_TIMESTAMP;
      for (int i = 0; i < s.size(); i++) {
        g.writeStartObject();
        writeLabels(g, s.labels());
        if (counter && start != MetricSeries.NO_TIMESTAMP) {
          g.writeStringField("startTimeUnixNano", Long.toUnsignedString(start));
        }
        if (s.time(i) != MetricSeries.NO_TIMESTAMP) {
          g.writeStringField("timeUnixNano", Long.toUnsignedString(s.time(i)));
        }
        double v = s.value(i);
        if (Double.isNaN(v)) {
          g.writeStringField("asDouble", "NaN");
        } else if (Double.isInfinite(v)) {
          g.writeStringField("asDouble", v > 0 ? "Infinity" : "-Infinity");
        } else {
          g.writeNumberField("asDouble", v);
        }
        g.writeEndObject();
      }
    }
    g.writeEndArray();
    if (counter) {
      g.writeNumberField("aggregationTemporality", 2);
      g.writeBooleanField("isMonotonic", true);
    }
    g.writeEndObject();
    g.writeEndObject();
  }

  private static void writeLabels(JsonGenerator g, Labels labels) throws IOException {
    if (labels.size() == 0) {
      return;
    }
    g.writeArrayFieldStart("attributes");
    for (int i = 0; i < labels.size(); i++) {
      g.writeStartObject();
      g.writeStringField("key", labels.name(i));
      g.writeObjectFieldStart("value");
      g.writeStringField("stringValue", labels.value(i));
      g.writeEndObject();
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private static void writeAttributes(JsonGenerator g, Attributes attributes) throws IOException {
    g.writeArrayFieldStart("attributes");
    for (int i = 0; i < attributes.size(); i++) {
      Object v = attributes.value(i);
      g.writeStartObject();
      g.writeStringField("key", attributes.key(i));
      g.writeObjectFieldStart("value");
      if (v instanceof Long || v instanceof Integer) {
        g.writeStringField("intValue", v.toString());
      } else if (v instanceof Double) {
        g.writeNumberField("doubleValue", (Double) v);
      } else if (v instanceof Boolean) {
        g.writeBooleanField("boolValue", (Boolean) v);
      } else {
        g.writeStringField("stringValue", String.valueOf(v));
      }
      g.writeEndObject();
      g.writeEndObject();
    }
    g.writeEndArray();
  }
}
