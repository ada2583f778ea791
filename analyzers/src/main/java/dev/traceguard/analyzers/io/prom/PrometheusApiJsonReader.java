package dev.traceguard.analyzers.io.prom;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.traceguard.analyzers.io.FormatReader;
import dev.traceguard.analyzers.io.ReadContext;
import dev.traceguard.analyzers.model.Labels;
import dev.traceguard.analyzers.model.MetricSeries;
import dev.traceguard.analyzers.model.Resource;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.TreeMap;

/**
 * Reads Prometheus HTTP API JSON: {@code /api/v1/query_range} ({@code matrix}), {@code
 * /api/v1/query} ({@code vector}, {@code scalar}), with the {@code {"status","data"}} envelope or
 * as the bare {@code result} array {@code promtool query ... -o json} prints. The result array is
 * streamed: one series at a time is held, never the document. {@code status: "error"} is reported
 * as an error with the API's message.
 */
public final class PrometheusApiJsonReader implements FormatReader {
  /**
   * Limits chosen for this format rather than Jackson's defaults: real responses nest 5 deep, so
   * 64 is ample and stops a hostile {@code [[[[...} early; no string (label value, error text)
   * needs more than 1 MiB, the same bound as a text line; numbers are short timestamps.
   */
  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(64)
          .maxStringLength(1 << 20)
          .maxNameLength(1 << 16)
          .maxNumberLength(64)
          .build())
      .build();

  /** A reader. */
  public PrometheusApiJsonReader() {}

  @Override
  public void read(InputStream in, ReadContext ctx) throws IOException {
    ctx.summary().format("prometheus-api-json");
    JsonParser p = JSON.createParser(in);
    try (p) {
      new Run(p, ctx).read();
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation() != null ? e.getLocation() : p.currentLocation();
      ctx.error(at.getLineNr(), at.getColumnNr(), at.getByteOffset(),
          "malformed JSON, reading stopped here: " + e.getOriginalMessage());
    }
  }

  /** The state of one read. */
  private static final class Run {
    private final JsonParser p;
    private final ReadContext ctx;
    private long[] times = new long[16];
    private double[] values = new double[16];
    private int points;

    Run(JsonParser p, ReadContext ctx) {
      this.p = p;
      this.ctx = ctx;
    }

    private void error(String message) {
      JsonLocation at = p.currentTokenLocation();
      ctx.error(at.getLineNr(), at.getColumnNr(), at.getByteOffset(), message);
    }

    void read() throws IOException {
      JsonToken t;
      boolean any = false;
      // Several documents one after another (saved responses appended to one file) are read in turn.
      while ((t = p.nextToken()) != null) {
        any = true;
        if (t == JsonToken.START_OBJECT) {
          envelope();
        } else if (t == JsonToken.START_ARRAY) {
          result(null);
        } else {
          error("expected a Prometheus API response object or a result array, found " + t.asString());
          return;
        }
      }
      if (!any) {
        ctx.note("input is empty");
      }
    }

    /** {@code {"status":..., "data":{...}, "error":..., "warnings":[...]}} at its START_OBJECT. */
    private void envelope() throws IOException {
      String status = null;
      String errorType = null;
      String errorText = null;
      long line = p.currentTokenLocation().getLineNr();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        switch (field) {
          case "status":
            status = v.isScalarValue() ? p.getText() : null;
            p.skipChildren();
            break;
          case "errorType":
            errorType = v.isScalarValue() ? p.getText() : null;
            p.skipChildren();
            break;
          case "error":
            errorText = v.isScalarValue() ? p.getText() : null;
            p.skipChildren();
            break;
          case "data":
            if (v == JsonToken.START_OBJECT) {
              data();
            } else {
              p.skipChildren();
            }
            break;
          case "warnings":
          case "infos":
            if (v == JsonToken.START_ARRAY) {
              while (p.nextToken() != JsonToken.END_ARRAY) {
                if (p.currentToken() == JsonToken.VALUE_STRING) {
                  ctx.note("the API response carries a " + field.substring(0, field.length() - 1) + ": " + p.getText());
                }
                p.skipChildren();
              }
            } else {
              p.skipChildren();
            }
            break;
          default:
            p.skipChildren();
            break;
        }
      }
      if ("error".equals(status)) {
        ctx.error(line, 0, -1, "the query failed"
            + (errorType == null ? "" : " (" + errorType + ")") + ": " + (errorText == null ? "no error text" : errorText));
      } else if (status != null && !status.equals("success")) {
        ctx.note("unexpected API status '" + status + "'");
      }
    }

    /** {@code {"resultType":..., "result":...}} after its START_OBJECT. */
    private void data() throws IOException {
      String type = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        if (field.equals("resultType") && v == JsonToken.VALUE_STRING) {
          type = p.getText();
        } else if (field.equals("result") && v == JsonToken.START_ARRAY) {
          result(type);
        } else {
          p.skipChildren();
        }
      }
    }

    /** The result array at its START_ARRAY; {@code type} may be unknown (null) and is then inferred. */
    private void result(String type) throws IOException {
      if ("string".equals(type)) {
        ctx.note("a string result holds no series; skipped");
        p.skipChildren();
        return;
      }
      JsonToken t = p.nextToken();
      if ("scalar".equals(type) || (t != null && t.isScalarValue())) {
        // A scalar is the bare pair [ts, "v"]: this array is the point itself.
        long line = p.currentTokenLocation().getLineNr();
        points = 0;
        if (pointBody(t)) {
          ctx.note("a scalar result was read as one series with an empty name");
          store("", Labels.empty(), line);
        }
        return;
      }
      for (; t != null && t != JsonToken.END_ARRAY; t = p.nextToken()) {
        if (t == JsonToken.START_OBJECT) {
          series();
        } else {
          error("expected a series object {\"metric\":{...},\"values\":[...]} in the result array");
          p.skipChildren();
        }
      }
    }

    /** One {@code {"metric":{...}, "values"|"value": ...}} after its START_OBJECT. */
    private void series() throws IOException {
      long line = p.currentTokenLocation().getLineNr();
      points = 0;
      TreeMap<String, String> labels = null;
      String name = null;
      boolean bad = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        switch (field) {
          case "metric":
            if (v != JsonToken.START_OBJECT) {
              error("\"metric\" must be an object of label names and values");
              p.skipChildren();
              bad = true;
              break;
            }
            labels = new TreeMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String label = p.currentName();
              if (p.nextToken() != JsonToken.VALUE_STRING) {
                error("label " + label + " must have a string value");
                p.skipChildren();
                bad = true;
                continue;
              }
              if (label.equals("__name__")) {
                name = p.getText();
              } else {
                labels.put(label, p.getText());
              }
            }
            break;
          case "values":
            if (v != JsonToken.START_ARRAY) {
              error("\"values\" must be an array of [time, \"value\"] pairs");
              p.skipChildren();
              break;
            }
            while (p.nextToken() != JsonToken.END_ARRAY) {
              point();
            }
            break;
          case "value":
            point();
            break;
          case "histograms":
          case "histogram":
            ctx.note("native histogram points (\"" + field + "\") are not read; classic _bucket series are");
            p.skipChildren();
            break;
          default:
            p.skipChildren();
            break;
        }
      }
      if (bad) {
        return;
      }
      if (labels == null) {
        ctx.error(line, 0, -1, "series without \"metric\"; skipped");
        return;
      }
      if (name == null) {
        ctx.note("series without __name__ (the query applied a function or an operator) are read with an"
            + " empty name");
        name = "";
      }
      store(name, Labels.of(labels), line);
    }

    private void store(String name, Labels labels, long line) {
      if (points == 0) {
        return;
      }
      MetricSeries s = ctx.series(OpenMetricsRules.familyOf(ctx.telemetry().metrics(), name), name, labels,
          Resource.EMPTY, line);
      if (s == null) {
        return;
      }
      for (int i = 0; i < points; i++) {
        ctx.sample(s, times[i], values[i]);
      }
    }

    /** A point {@code [ts, "v"]} at the current token; bad points are reported and skipped. */
    private void point() throws IOException {
      if (p.currentToken() != JsonToken.START_ARRAY) {
        error("expected a point [time, \"value\"]");
        p.skipChildren();
        return;
      }
      pointBody(p.nextToken());
    }

    /**
     * The inside of a point, {@code t} being its first token; reads through its END_ARRAY. Adds
     * the point and returns true when it is well formed.
     */
    private boolean pointBody(JsonToken first) throws IOException {
      String ts = null;
      String v = null;
      int n = 0;
      boolean scalars = true;
      for (JsonToken t = first; t != null && t != JsonToken.END_ARRAY; t = p.nextToken()) {
        n++;
        if (!t.isScalarValue()) {
          scalars = false;
          p.skipChildren();
        } else if (n == 1) {
          ts = p.getText();
        } else if (n == 2) {
          v = p.getText();
        }
      }
      if (n != 2 || !scalars) {
        error("expected a point [time, \"value\"] of two elements");
        return false;
      }
      if (!PromNumber.isReal(ts)) {
        error("invalid timestamp '" + shorten(ts) + "': expected seconds since the epoch");
        return false;
      }
      if (!PromNumber.isValue(v)) {
        error("invalid sample value '" + shorten(v) + "': expected a decimal number, +Inf, -Inf or NaN");
        return false;
      }
      long time = PromNumber.scaled(ts, 9);
      if (PromNumber.clamped(time)) {
        ctx.note("timestamps outside the years 1677 to 2262 were clamped to that range");
      }
      if (points == times.length) {
        times = Arrays.copyOf(times, points * 2);
        values = Arrays.copyOf(values, points * 2);
      }
      times[points] = time;
      values[points] = PromNumber.value(v);
      points++;
      return true;
    }

    private static String shorten(String s) {
      return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
  }
}
