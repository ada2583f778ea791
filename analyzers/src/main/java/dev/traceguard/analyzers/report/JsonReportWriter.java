package dev.traceguard.analyzers.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.traceguard.analyzers.model.InputSummary;
import dev.traceguard.analyzers.model.ReadError;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Map;

/** Writes a {@link Report} as the findings JSON document, pretty-printed, keys in stable order. */
public final class JsonReportWriter {
  private static final JsonFactory JSON = new JsonFactory();

  private JsonReportWriter() {}

  /** Writes {@code report} to {@code out} followed by a newline; does not close {@code out}. */
  public static void write(Report report, Writer out) throws IOException {
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeObjectFieldStart("tool");
      g.writeStringField("name", "traceguard");
      g.writeStringField("version", report.toolVersion());
      g.writeEndObject();

      g.writeArrayFieldStart("inputs");
      for (InputSummary in : report.inputs()) {
        writeInput(g, in, false);
      }
      g.writeEndArray();

      g.writeArrayFieldStart("findings");
      for (Finding f : report.findings()) {
        writeFinding(g, f);
      }
      g.writeEndArray();

      g.writeObjectFieldStart("summary");
      g.writeNumberField("findings", report.findings().size());
      for (Severity s : Severity.values()) {
        g.writeNumberField(s.id(), report.count(s));
      }
      if (!report.suppressed().isEmpty()) {
        g.writeFieldName("notListed");
        writeValue(g, report.suppressed());
      }
      if (!report.stats().isEmpty()) {
        g.writeFieldName("analyzed");
        writeValue(g, report.stats());
      }
      g.writeEndObject();
      g.writeEndObject();
    }
    out.write('\n');
    out.flush();
  }

  private static boolean valid(InputSummary in) {
    return in.skipped() == 0 && !in.format().equals("unknown") && !in.format().equals("unreadable");
  }

  private static void writeInput(JsonGenerator g, InputSummary in, boolean withValid) throws IOException {
    g.writeStartObject();
    g.writeStringField("path", in.path());
    g.writeStringField("format", in.format());
    if (withValid) {
      g.writeBooleanField("valid", valid(in));
    }
    g.writeNumberField("spans", in.spans());
    g.writeNumberField("duplicateSpans", in.duplicateSpans());
    g.writeNumberField("metricSeries", in.metricSeries());
    g.writeNumberField("samples", in.samples());
    g.writeNumberField("logs", in.logs());
    if (in.gpuActivities() > 0) {
      g.writeNumberField("gpuActivities", in.gpuActivities());
    }
    g.writeNumberField("skipped", in.skipped());
    g.writeArrayFieldStart("errors");
    for (ReadError e : in.errors()) {
      g.writeStartObject();
      if (e.line() > 0) {
        g.writeNumberField("line", e.line());
      }
      if (e.column() > 0) {
        g.writeNumberField("column", e.column());
      }
      if (e.offset() >= 0) {
        g.writeNumberField("offset", e.offset());
      }
      g.writeStringField("message", e.message());
      g.writeEndObject();
    }
    g.writeEndArray();
    if (!in.notes().isEmpty()) {
      g.writeArrayFieldStart("notes");
      for (String n : in.notes()) {
        g.writeString(n);
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  /**
   * Writes the result of validating inputs: {@code {"tool", "strict", "valid", "inputs"}}, each
   * input as in a report plus its own {@code valid}; does not close {@code out}. An input is valid
   * when its format is known and no record was skipped.
   */
  public static void writeValidation(List<InputSummary> inputs, boolean strict, Writer out) throws IOException {
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeObjectFieldStart("tool");
      g.writeStringField("name", "traceguard");
      g.writeEndObject();
      g.writeBooleanField("strict", strict);
      boolean all = true;
      for (InputSummary in : inputs) {
        all &= valid(in);
      }
      g.writeBooleanField("valid", all);
      g.writeArrayFieldStart("inputs");
      for (InputSummary in : inputs) {
        writeInput(g, in, true);
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    out.write('\n');
    out.flush();
  }

  /**
   * Writes one finding as the findings contract shapes it, for other documents that carry
   * findings (the {@code profile} and {@code slo baseline} JSON).
   */
  public static void writeFinding(JsonGenerator g, Finding f) throws IOException {
    g.writeStartObject();
    g.writeStringField("rule", f.rule());
    g.writeStringField("analyzer", f.analyzer());
    g.writeStringField("severity", f.severity().id());
    g.writeStringField("message", f.message());
    g.writeFieldName("subject");
    writeValue(g, f.subject());
    g.writeFieldName("evidence");
    writeValue(g, f.evidence());
    g.writeStringField("hint", f.hint());
    g.writeEndObject();
  }

  /**
   * Writes maps, iterables, numbers, booleans and anything else as its text; non-finite doubles
   * as strings ({@code "NaN"}, {@code "Infinity"}), since JSON has no such numbers.
   */
  public static void writeValue(JsonGenerator g, Object v) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof Map) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        g.writeFieldName(String.valueOf(e.getKey()));
        writeValue(g, e.getValue());
      }
      g.writeEndObject();
    } else if (v instanceof Iterable) {
      g.writeStartArray();
      for (Object o : (Iterable<?>) v) {
        writeValue(g, o);
      }
      g.writeEndArray();
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        g.writeString(Double.toString(d));
      } else {
        g.writeNumber(d);
      }
    } else if (v instanceof Long || v instanceof Integer || v instanceof Short) {
      g.writeNumber(((Number) v).longValue());
    } else if (v instanceof Number) {
      g.writeNumber(v.toString());
    } else if (v instanceof Boolean) {
      g.writeBoolean((Boolean) v);
    } else {
      g.writeString(v.toString());
    }
  }
}
