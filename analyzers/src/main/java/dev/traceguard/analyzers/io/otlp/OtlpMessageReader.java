package dev.traceguard.analyzers.io.otlp;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.google.protobuf.CodedInputStream;
import dev.traceguard.analyzers.io.FormatReader;
import dev.traceguard.analyzers.io.LineSource;
import dev.traceguard.analyzers.io.ReadContext;
import io.opentelemetry.proto.logs.v1.LogsData;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.MetricsData;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads OTLP inputs (OTLP/JSON in every shape {@link OtlpJsonReader} takes, and length-prefixed
 * OTLP protobuf) as protobuf messages, one resource entry at a time, without mapping them into the
 * model. Nothing is lost on the way: attribute values of every type, scope versions and
 * attributes, dropped counts, schema URLs, ids of any length (invalid ones included), unknown
 * enum numbers, exemplars and every metric type stay as they were. Memory is bounded by one
 * resource entry.
 *
 * <p>Used where records must leave as they came (replay). Records are counted in the input's
 * summary; an entry that cannot be decoded is reported with its line (or byte offset) and
 * skipped, the entries around it are still delivered.
 */
public final class OtlpMessageReader implements FormatReader {
  /** Receives resource entries as they are read, in input order. */
  public interface Sink {
    /** One {@code ResourceSpans} entry read at {@code line} (or message number). */
    void resourceSpans(ResourceSpans rs, long line);

    /** One {@code ResourceMetrics} entry. */
    void resourceMetrics(ResourceMetrics rm, long line);

    /** One {@code ResourceLogs} entry. */
    void resourceLogs(ResourceLogs rl, long line);
  }

  private final boolean proto;
  private final Sink sink;
  private ReadContext ctx;
  private long lineBase;

  private OtlpMessageReader(boolean proto, Sink sink) {
    this.proto = proto;
    this.sink = sink;
  }

  /** A reader for OTLP/JSON input. */
  public static OtlpMessageReader json(Sink sink) {
    return new OtlpMessageReader(false, sink);
  }

  /** A reader for length-prefixed OTLP protobuf input. */
  public static OtlpMessageReader protobuf(Sink sink) {
    return new OtlpMessageReader(true, sink);
  }

  @Override
  public void read(InputStream in, ReadContext context) throws IOException {
    this.ctx = context;
    if (proto) {
      ctx.summary().format("otlp-proto");
      readProto(in);
    } else {
      ctx.summary().format("otlp-json");
      readJson(in);
    }
  }

  // ---------------------------------------------------------------- protobuf

  private void readProto(InputStream in) throws IOException {
    byte[] header = new byte[4];
    byte[] buf = new byte[0];
    long offset = 0;
    long index = 0;
    OtlpProtoReader.Kind previous = null;
    while (true) {
      int got = in.readNBytes(header, 0, 4);
      if (got == 0) {
        return;
      }
      index++;
      if (got < 4) {
        ctx.error(0, 0, offset, "message " + index + ": the input ends inside its 4-byte length prefix");
        return;
      }
      long len =
          (header[0] & 0xffL) << 24
              | (header[1] & 0xff) << 16
              | (header[2] & 0xff) << 8
              | (header[3] & 0xff);
      if (len > OtlpProtoReader.DEFAULT_MAX_MESSAGE_BYTES) {
        ctx.error(0, 0, offset, "message " + index + ": its length prefix says " + len
            + " bytes, over the limit of " + OtlpProtoReader.DEFAULT_MAX_MESSAGE_BYTES
            + "; reading stops");
        return;
      }
      int have = 0;
      while (have < len) {
        if (have == buf.length) {
          buf = Arrays.copyOf(buf, (int) Math.min(len, Math.max(64 * 1024L, buf.length * 2L)));
        }
        int n = in.read(buf, have, (int) Math.min(buf.length, len) - have);
        if (n < 0) {
          ctx.error(0, 0, offset, "message " + index + " is truncated: its length prefix says "
              + len + " bytes but only " + have + " follow; earlier messages are kept");
          return;
        }
        have += n;
      }
      if (have > 0 && buf[0] == '{') {
        try (JsonParser p = OtlpJsonReader.jsonFactory().createParser(buf, 0, have)) {
          lineBase = index - 1;
          p.nextToken();
          readTopObject(p, index);
        } catch (JsonProcessingException e) {
          ctx.error(0, 0, offset, "message " + index + " holds JSON that is not OTLP/JSON: "
              + e.getOriginalMessage() + "; not replayed");
        }
      } else if (have > 0) {
        try {
          OtlpProtoReader.Kind kind = OtlpProtoReader.sniff(buf, have, previous);
          CodedInputStream cis = CodedInputStream.newInstance(buf, 0, have);
          switch (kind) {
            case TRACES:
              for (ResourceSpans rs : TracesData.parseFrom(cis).getResourceSpansList()) {
                spans(rs, index);
              }
              break;
            case METRICS:
              for (ResourceMetrics rm : MetricsData.parseFrom(cis).getResourceMetricsList()) {
                metrics(rm, index);
              }
              break;
            case LOGS:
              for (ResourceLogs rl : LogsData.parseFrom(cis).getResourceLogsList()) {
                logs(rl, index);
              }
              break;
            default:
              break;
          }
          previous = kind == OtlpProtoReader.Kind.EMPTY ? previous : kind;
        } catch (IOException e) {
          ctx.error(0, 0, offset, "message " + index + " (" + have
              + " bytes) is not a valid OTLP protobuf message: " + e.getMessage() + "; not replayed");
        }
      }
      offset += 4 + len;
    }
  }

  // ---------------------------------------------------------------- JSON

  private void readJson(InputStream in) throws IOException {
    LineSource src = new LineSource(in);
    boolean first = true;
    while (src.next()) {
      int c = src.peekNonBlank();
      if (c < 0) {
        continue;
      }
      if (c != '{' && c != '[' && !src.skipTo((byte) '{')) {
        continue;
      }
      lineBase = src.lineNumber() - 1;
      if (first && src.lineOpensDocument()) {
        try (JsonParser p = OtlpJsonReader.jsonFactory().createParser(src.rest())) {
          JsonToken t;
          while ((t = p.nextToken()) != null) {
            readRoot(p, t);
          }
        } catch (StreamConstraintsException e) {
          error(e.getLocation(), "input exceeds a safety limit: " + e.getOriginalMessage()
              + "; the rest of the document was not replayed");
        } catch (JsonProcessingException e) {
          error(e.getLocation(), "invalid OTLP/JSON: " + e.getOriginalMessage()
              + "; the rest of the document was not replayed");
        }
        return;
      }
      first = false;
      try (JsonParser p = OtlpJsonReader.jsonFactory().createParser(src.line())) {
        JsonToken t = p.nextToken();
        if (t != null) {
          readRoot(p, t);
        }
      } catch (StreamConstraintsException e) {
        error(e.getLocation(), "line exceeds a safety limit: " + e.getOriginalMessage()
            + "; the rest of the line was not replayed");
      } catch (JsonProcessingException e) {
        error(e.getLocation(), "invalid OTLP/JSON: " + e.getOriginalMessage()
            + "; the rest of the line was not replayed");
      }
    }
  }

  private void error(JsonLocation loc, String message) {
    long line = lineBase + (loc == null ? 1 : Math.max(1, loc.getLineNr()));
    long col = loc == null ? 0 : Math.max(0, loc.getColumnNr());
    ctx.error(line, col, -1, message);
  }

  private long line(JsonParser p) {
    return lineBase + Math.max(1, p.currentLocation().getLineNr());
  }

  private void readRoot(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.START_ARRAY) {
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        if (t == null) {
          return;
        }
        readRoot(p, t);
      }
      return;
    }
    if (t != JsonToken.START_OBJECT) {
      error(p.currentLocation(), "expected a JSON object (TracesData, MetricsData, LogsData or"
          + " ResourceSpans), got " + t.asString());
      p.skipChildren();
      return;
    }
    readTopObject(p, line(p));
  }

  /**
   * A document object ({@code TracesData}, {@code MetricsData}, {@code LogsData}, an export
   * request, Tempo's {@code batches}) or a bare {@code ResourceSpans} (logging-otlp lines).
   */
  private void readTopObject(JsonParser p, long line) throws IOException {
    ResourceSpans.Builder bare = null;
    String field;
    while ((field = p.nextFieldName()) != null) {
      JsonToken t = p.nextToken();
      if (t == JsonToken.VALUE_NULL) {
        continue;
      }
      switch (field) {
        case "resourceSpans":
        case "resource_spans":
        case "batches":
          expectArray(p, field);
          while (nextObject(p, field)) {
            ResourceSpans.Builder b = ResourceSpans.newBuilder();
            readResourceSpans(p, b);
            spans(b.build(), line);
          }
          break;
        case "resourceMetrics":
        case "resource_metrics":
          expectArray(p, field);
          while (nextObject(p, field)) {
            ResourceMetrics.Builder b = ResourceMetrics.newBuilder();
            OtlpJsonToProto.merge(p, b, ctx::note);
            metrics(b.build(), line);
          }
          break;
        case "resourceLogs":
        case "resource_logs":
          expectArray(p, field);
          while (nextObject(p, field)) {
            ResourceLogs.Builder b = ResourceLogs.newBuilder();
            OtlpJsonToProto.merge(p, b, ctx::note);
            logs(b.build(), line);
          }
          break;
        case "resource":
        case "scopeSpans":
        case "scope_spans":
        case "instrumentationLibrarySpans":
        case "instrumentation_library_spans":
        case "schemaUrl":
        case "schema_url":
          if (bare == null) {
            bare = ResourceSpans.newBuilder();
          }
          resourceSpansField(p, field, bare);
          break;
        default:
          p.skipChildren();
      }
    }
    if (bare != null) {
      spans(bare.build(), line);
    }
  }

  private void readResourceSpans(JsonParser p, ResourceSpans.Builder b) throws IOException {
    String field;
    while ((field = p.nextFieldName()) != null) {
      JsonToken t = p.nextToken();
      if (t == JsonToken.VALUE_NULL) {
        continue;
      }
      resourceSpansField(p, field, b);
    }
  }

  /** One field of a ResourceSpans, the parser on its value; the legacy library names too. */
  private void resourceSpansField(JsonParser p, String field, ResourceSpans.Builder b)
      throws IOException {
    switch (field) {
      case "resource":
        OtlpJsonToProto.merge(p, b.getResourceBuilder(), ctx::note);
        break;
      case "scopeSpans":
      case "scope_spans":
        expectArray(p, field);
        while (nextObject(p, field)) {
          OtlpJsonToProto.merge(p, b.addScopeSpansBuilder(), ctx::note);
        }
        break;
      case "instrumentationLibrarySpans":
      case "instrumentation_library_spans":
        expectArray(p, field);
        while (nextObject(p, field)) {
          readLibrarySpans(p, b.addScopeSpansBuilder());
        }
        break;
      case "schemaUrl":
      case "schema_url":
        b.setSchemaUrl(p.getValueAsString(""));
        break;
      default:
        p.skipChildren();
    }
  }

  /** The pre-1.0 {@code InstrumentationLibrarySpans}: its library is today's scope. */
  private void readLibrarySpans(JsonParser p, ScopeSpans.Builder b) throws IOException {
    String field;
    while ((field = p.nextFieldName()) != null) {
      JsonToken t = p.nextToken();
      if (t == JsonToken.VALUE_NULL) {
        continue;
      }
      switch (field) {
        case "instrumentationLibrary":
        case "instrumentation_library":
        case "scope":
          OtlpJsonToProto.merge(p, b.getScopeBuilder(), ctx::note);
          break;
        case "spans":
          expectArray(p, field);
          while (nextObject(p, field)) {
            OtlpJsonToProto.merge(p, b.addSpansBuilder(), ctx::note);
          }
          break;
        case "schemaUrl":
        case "schema_url":
          b.setSchemaUrl(p.getValueAsString(""));
          break;
        default:
          p.skipChildren();
      }
    }
  }

  private static void expectArray(JsonParser p, String key) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new com.fasterxml.jackson.core.JsonParseException(
          p, "field '" + key + "': expected an array");
    }
  }

  private static boolean nextObject(JsonParser p, String key) throws IOException {
    JsonToken t = p.nextToken();
    if (t == JsonToken.END_ARRAY) {
      return false;
    }
    if (t != JsonToken.START_OBJECT) {
      throw new com.fasterxml.jackson.core.JsonParseException(
          p, "field '" + key + "': expected an object in the array");
    }
    return true;
  }

  // ---------------------------------------------------------------- hand over

  private void spans(ResourceSpans rs, long line) {
    for (ScopeSpans ss : rs.getScopeSpansList()) {
      for (int i = 0; i < ss.getSpansCount(); i++) {
        ctx.summary().countSpan();
      }
    }
    sink.resourceSpans(rs, line);
  }

  private void metrics(ResourceMetrics rm, long line) {
    for (ScopeMetrics sm : rm.getScopeMetricsList()) {
      for (Metric m : sm.getMetricsList()) {
        ctx.summary().countSamples(OtlpRecords.points(m));
      }
    }
    sink.resourceMetrics(rm, line);
  }

  private void logs(ResourceLogs rl, long line) {
    for (ScopeLogs sl : rl.getScopeLogsList()) {
      for (int i = 0; i < sl.getLogRecordsCount(); i++) {
        ctx.summary().countLog();
      }
    }
    sink.resourceLogs(rl, line);
  }
}
