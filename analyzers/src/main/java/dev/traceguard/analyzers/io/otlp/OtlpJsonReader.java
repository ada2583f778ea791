package dev.traceguard.analyzers.io.otlp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.traceguard.analyzers.Parallelism;
import dev.traceguard.analyzers.io.FormatReader;
import dev.traceguard.analyzers.io.LineSource;
import dev.traceguard.analyzers.io.ReadContext;
import dev.traceguard.analyzers.model.Attributes;
import dev.traceguard.analyzers.model.IdState;
import dev.traceguard.analyzers.model.MutableSpan;
import dev.traceguard.analyzers.model.Resource;
import dev.traceguard.analyzers.model.SpanEvent;
import dev.traceguard.analyzers.model.SpanId;
import dev.traceguard.analyzers.model.SpanKind;
import dev.traceguard.analyzers.model.SpanLink;
import dev.traceguard.analyzers.model.StatusCode;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads OTLP/JSON traces as users have them on disk: the collector file exporter's JSON lines
 * (one {@code TracesData} per line), a single pretty-printed document, bare {@code ResourceSpans}
 * objects per line behind a log prefix (the Java {@code logging-otlp} exporter), and Tempo's
 * {@code batches} wrapper. Streams span by span straight into the model; a bad line is reported
 * and skipped, a bad span is reported and skipped with the rest of its line still read.
 *
 * <p>Metrics and logs lines are parsed through the protobuf descriptors ({@link OtlpJsonToProto})
 * and mapped like the protobuf format.
 */
public final class OtlpJsonReader implements FormatReader {
  private static final JsonFactory JSON =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(256)
                  .maxStringLength(16 * 1024 * 1024)
                  .maxNumberLength(400)
                  .build())
          // Correctly rounded like Double.parseDouble, several times faster.
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
          .build();

  /** The limits a line is read under (the byte-level {@link FastSpanLine} keeps to the same). */
  static StreamReadConstraints limits() {
    return JSON.streamReadConstraints();
  }

  private ReadContext ctx;
  private Sink out;
  private boolean worker;
  private final int parallelism;
  private OtlpProtoMapper mapper;
  private final MutableSpan span = new MutableSpan();
  private final Map<Resource, Resource> resources = new HashMap<>();
  private final Attributes.Builder scratch = Attributes.builder();
  private final StringCache strings = new StringCache();
  private long lineBase;
  private boolean documentMode;
  private String spanError;
  private long spanErrorColumn;
  private boolean upperCaseNoted;
  private boolean base64Noted;

  /**
   * A reader; one instance reads one input at a time. JSON lines are parsed on {@link
   * Parallelism#threads()} threads and stored in file order.
   */
  public OtlpJsonReader() {
    this(Parallelism.threads());
  }

  /**
   * A reader parsing JSON lines on {@code parallelism} threads; 1 parses on the calling thread
   * alone. The result does not depend on it.
   */
  public OtlpJsonReader(int parallelism) {
    this.parallelism = Math.max(1, parallelism);
  }

  /** Where parsed spans, errors and notes go. */
  interface Sink {
    void span(MutableSpan s);

    /**
     * A span for the parser to fill and pass to {@link #span}: {@code reusable} (the parser's own)
     * unless the sink keeps spans, which then saves copying.
     */
    default MutableSpan spanToFill(MutableSpan reusable) {
      return reusable;
    }

    /** Told of a span about to be passed to {@link #span} soon, among others. */
    default long prepare(MutableSpan s) {
      return 0;
    }

    void error(long line, long column, String message);

    /** A note of a kind ({@link #NOTE_UPPER_CASE}, {@link #NOTE_BASE64}) said once per input. */
    void note(int kind, String text);
  }

  static final int NOTE_UPPER_CASE = 0;
  static final int NOTE_BASE64 = 1;

  /** Straight into the read context. */
  private static final class DirectSink implements Sink {
    private final ReadContext ctx;
    private final boolean[] noted = new boolean[2];

    DirectSink(ReadContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void span(MutableSpan s) {
      ctx.span(s);
    }

    @Override
    public long prepare(MutableSpan s) {
      return ctx.telemetry().spans().touch(s);
    }

    @Override
    public void error(long line, long column, String message) {
      ctx.error(line, column, -1, message);
    }

    @Override
    public void note(int kind, String text) {
      if (!noted[kind]) {
        noted[kind] = true;
        ctx.note(text);
      }
    }
  }

  /** Thrown on a worker thread by a line that needs the reading thread (metrics and logs). */
  static final class NeedsReadingThread extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NeedsReadingThread() {
      super(null, null, false, false);
    }
  }

  /** A reader for a worker thread: records into the sink it is given per line. */
  static OtlpJsonReader forWorker() {
    OtlpJsonReader r = new OtlpJsonReader(1);
    r.worker = true;
    return r;
  }

  /** Parses one JSON line on a worker thread into {@code sink}. */
  void parseLine(long lineNumber, byte[] bytes, int length, Sink sink) throws IOException {
    out = sink;
    readLine(lineNumber, JSON.createParser(bytes, 0, length));
  }

  /** Parses one line on the reading thread. */
  void readLineHere(long lineNumber, InputStream line) throws IOException {
    readLine(lineNumber, JSON.createParser(line));
  }

  /** The JSON factory with the limits traceguard reads under. */
  public static JsonFactory jsonFactory() {
    return JSON;
  }

  @Override
  public void read(InputStream in, ReadContext context) throws IOException {
    this.ctx = context;
    this.out = new DirectSink(context);
    ctx.summary().format("otlp-json");
    LineSource src = new LineSource(in);
    boolean first = true;
    ParallelLines parallel = null;
    try {
      while (src.next()) {
        int c = src.peekNonBlank();
        if (c < 0) {
          continue;
        }
        if (c != '{' && c != '[' && !src.skipTo((byte) '{')) {
          continue;
        }
        if (first && src.lineOpensDocument()) {
          documentMode = true;
          readDocument(src);
          return;
        }
        first = false;
        if (parallelism > 1) {
          if (parallel == null) {
            parallel = new ParallelLines(this, parallelism);
          }
          parallel.submit(src);
        } else {
          readLine(src.lineNumber(), JSON.createParser(src.line()));
        }
      }
      if (parallel != null) {
        parallel.finish();
      }
    } finally {
      if (parallel != null) {
        parallel.close();
      }
    }
  }

  /** The sink of the reading thread. */
  Sink directSink() {
    return out;
  }

  private void readDocument(LineSource src) throws IOException {
    lineBase = src.lineNumber() - 1;
    try (JsonParser p = JSON.createParser(src.rest())) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        readRoot(p, t);
      }
    } catch (StreamConstraintsException e) {
      error(e.getLocation(), "input exceeds a safety limit: " + e.getOriginalMessage()
          + "; the rest of the document was not read");
    } catch (JsonProcessingException e) {
      error(e.getLocation(), "invalid JSON: " + e.getOriginalMessage()
          + "; the rest of the document was not read");
    }
  }

  private void readLine(long lineNumber, JsonParser parser) throws IOException {
    lineBase = lineNumber - 1;
    try (JsonParser p = parser) {
      JsonToken t = p.nextToken();
      if (t == null) {
        return;
      }
      readRoot(p, t);
      JsonToken extra = p.nextToken();
      if (extra != null) {
        error(p.currentLocation(), "unexpected content after the JSON object; the rest of the line was skipped");
      }
    } catch (StreamConstraintsException e) {
      error(e.getLocation(), "line exceeds a safety limit: " + e.getOriginalMessage()
          + "; the line was skipped");
    } catch (JsonProcessingException e) {
      error(e.getLocation(), describe(e) + "; the rest of the line was skipped");
    }
  }

  private static String describe(JsonProcessingException e) {
    String m = e.getOriginalMessage();
    if (m == null) {
      return "invalid JSON";
    }
    if (m.startsWith("Unexpected end-of-input")) {
      return "truncated JSON: " + m;
    }
    if (m.contains("Invalid UTF-8")) {
      return "invalid UTF-8: " + m;
    }
    return "invalid JSON: " + m;
  }

  private void error(JsonLocation loc, String message) {
    long line = lineBase + (loc == null ? 1 : Math.max(1, loc.getLineNr()));
    long col = loc == null ? 0 : Math.max(0, loc.getColumnNr());
    out.error(line, col, message);
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
      error(p.currentLocation(), "expected a JSON object (TracesData, MetricsData, LogsData or ResourceSpans), got " + t.asString());
      p.skipChildren();
      return;
    }
    readTopObject(p);
  }

  /**
   * A top-level object: {@code TracesData}-like (resourceSpans, batches, resourceMetrics,
   * resourceLogs) or a bare {@code ResourceSpans}.
   */
  private void readTopObject(JsonParser p) throws IOException {
    ResourceSpansState bare = null;
    long startLine = currentLine(p);
    boolean known = false;
    StringBuilder unknown = null;
    int unknownCount = 0;
    String field;
    while ((field = p.nextFieldName()) != null) {
      JsonToken t = p.nextToken();
      known |= isTopLevelField(field);
      switch (field) {
        case "resourceSpans":
        case "resource_spans":
        case "batches":
          readArray(p, t, this::readResourceSpans);
          break;
        case "resourceMetrics":
        case "resource_metrics":
        case "resourceLogs":
        case "resource_logs":
          if (t != JsonToken.START_ARRAY) {
            p.skipChildren();
          } else if (field.startsWith("resourceM") || field.startsWith("resource_m")) {
            OtlpJsonToProto.readResourceMetrics(p, mapper(), currentLine(p), ctx::note);
          } else {
            OtlpJsonToProto.readResourceLogs(p, mapper(), currentLine(p), ctx::note);
          }
          break;
        case "resource":
        case "scopeSpans":
        case "scope_spans":
        case "instrumentationLibrarySpans":
        case "instrumentation_library_spans":
          if (bare == null) {
            bare = new ResourceSpansState();
          }
          readResourceSpansField(p, field, t, bare);
          break;
        default:
          if (unknownCount++ < 5) {
            unknown = unknown == null ? new StringBuilder() : unknown.append(", ");
            unknown.append(field.length() > 40 ? field.substring(0, 40) + "..." : field);
          }
          p.skipChildren();
      }
    }
    if (bare != null) {
      bare.finish();
    }
    if (!known && unknown != null) {
      out.error(startLine, 0, "a JSON object without OTLP content (expected resourceSpans, resourceMetrics,"
          + " resourceLogs, batches or scopeSpans; found " + unknown + (unknownCount > 5 ? ", ..." : "") + ")");
    }
  }

  private static boolean isTopLevelField(String field) {
    switch (field) {
      case "resourceSpans":
      case "resource_spans":
      case "batches":
      case "resourceMetrics":
      case "resource_metrics":
      case "resourceLogs":
      case "resource_logs":
      case "resource":
      case "scopeSpans":
      case "scope_spans":
      case "instrumentationLibrarySpans":
      case "instrumentation_library_spans":
      case "schemaUrl":
      case "schema_url":
        return true;
      default:
        return false;
    }
  }

  /** Metrics and logs go through the protobuf descriptors and the shared mapper. */
  private OtlpProtoMapper mapper() {
    if (worker) {
      throw new NeedsReadingThread();
    }
    if (mapper == null) {
      mapper = new OtlpProtoMapper(ctx);
    }
    return mapper;
  }

  private long currentLine(JsonParser p) {
    // A JSON line is one line: no need to ask the parser (which makes a location object) there.
    return documentMode ? lineBase + Math.max(1, p.currentLocation().getLineNr()) : lineBase + 1;
  }

  @FunctionalInterface
  private interface ElementReader {
    void read(JsonParser p) throws IOException;
  }

  private void readArray(JsonParser p, JsonToken t, ElementReader element) throws IOException {
    if (t != JsonToken.START_ARRAY) {
      if (t != JsonToken.VALUE_NULL) {
        error(p.currentLocation(), "expected an array, got " + t.asString() + "; skipped");
      }
      p.skipChildren();
      return;
    }
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t == JsonToken.START_OBJECT) {
        element.read(p);
      } else {
        error(p.currentLocation(), "expected an object in the array, got " + t.asString() + "; skipped");
        p.skipChildren();
      }
    }
  }

  /** What a ResourceSpans object has so far; spans seen before the resource wait for it. */
  private final class ResourceSpansState {
    Resource resource;
    List<MutableSpan> pending;

    void finish() {
      if (pending != null) {
        Resource r = resource == null ? Resource.EMPTY : resource;
        for (MutableSpan s : pending) {
          s.resource = r;
          out.span(s);
        }
        pending = null;
      }
    }
  }

  private void readResourceSpans(JsonParser p) throws IOException {
    ResourceSpansState st = new ResourceSpansState();
    String field;
    while ((field = p.nextFieldName()) != null) {
      readResourceSpansField(p, field, p.nextToken(), st);
    }
    st.finish();
  }

  private void readResourceSpansField(JsonParser p, String field, JsonToken t, ResourceSpansState st)
      throws IOException {
    switch (field) {
      case "resource":
        if (t == JsonToken.START_OBJECT) {
          st.resource = readResource(p);
        } else {
          p.skipChildren();
        }
        break;
      case "scopeSpans":
      case "scope_spans":
      case "instrumentationLibrarySpans":
      case "instrumentation_library_spans":
        readArray(p, t, q -> readScopeSpans(q, st));
        break;
      default:
        p.skipChildren();
    }
  }

  private Resource readResource(JsonParser p) throws IOException {
    Attributes attrs = Attributes.empty();
    String field;
    while ((field = p.nextFieldName()) != null) {
      JsonToken t = p.nextToken();
      if (field.equals("attributes") && t == JsonToken.START_ARRAY) {
        scratch.clear();
        readAttributes(p, scratch);
        attrs = scratch.build();
      } else {
        p.skipChildren();
      }
    }
    Resource r = new Resource(attrs);
    return resources.computeIfAbsent(r, k -> k);
  }

  private void readScopeSpans(JsonParser p, ResourceSpansState st) throws IOException {
    String scope = "";
    String field;
    while ((field = p.nextFieldName()) != null) {
      JsonToken t = p.nextToken();
      switch (field) {
        case "scope":
        case "instrumentationLibrary":
        case "instrumentation_library":
          scope = readScopeName(p, t);
          break;
        case "spans":
          if (t != JsonToken.START_ARRAY) {
            p.skipChildren();
            break;
          }
          while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
              error(p.currentLocation(), "expected a span object, got " + t.asString() + "; skipped");
              p.skipChildren();
              continue;
            }
            MutableSpan s = st.resource == null ? new MutableSpan() : out.spanToFill(span);
            s.clear();
            readSpan(p, s);
            s.scopeName = scope;
            if (spanError != null) {
              out.error(s.line, spanErrorColumn, spanError + "; span skipped");
            } else if (st.resource == null) {
              if (st.pending == null) {
                st.pending = new ArrayList<>();
              }
              st.pending.add(s);
            } else {
              s.resource = st.resource;
              out.span(s);
            }
          }
          break;
        default:
          p.skipChildren();
      }
    }
  }

  private String readScopeName(JsonParser p, JsonToken t) throws IOException {
    String name = "";
    if (t != JsonToken.START_OBJECT) {
      p.skipChildren();
      return name;
    }
    String field;
    while ((field = p.nextFieldName()) != null) {
      JsonToken v = p.nextToken();
      if (field.equals("name") && v == JsonToken.VALUE_STRING) {
        name = text(p);
      } else {
        p.skipChildren();
      }
    }
    return name;
  }

  private void spanError(JsonParser p, String message) {
    if (spanError == null) {
      spanError = message;
      spanErrorColumn = p.currentLocation().getColumnNr();
    }
  }

  private void readSpan(JsonParser p, MutableSpan s) throws IOException {
    spanError = null;
    s.line = currentLine(p);
    String field;
    while ((field = p.nextFieldName()) != null) {
      JsonToken t = p.nextToken();
      switch (field) {
        case "traceId":
        case "trace_id":
          readId(p, t, s.traceId, 16, field);
          break;
        case "spanId":
        case "span_id":
          readId(p, t, s.spanId, 8, field);
          break;
        case "parentSpanId":
        case "parent_span_id":
          readId(p, t, s.parentSpanId, 8, field);
          break;
        case "name":
          s.name = t == JsonToken.VALUE_STRING ? text(p) : "";
          break;
        case "kind":
          s.kind = readKind(p, t);
          break;
        case "startTimeUnixNano":
        case "start_time_unix_nano":
          s.startUnixNano = readUint64(p, t, field);
          break;
        case "endTimeUnixNano":
        case "end_time_unix_nano":
          s.endUnixNano = readUint64(p, t, field);
          break;
        case "flags":
          s.flags = (int) readUint64(p, t, field);
          break;
        case "traceState":
        case "trace_state":
          s.traceState = t == JsonToken.VALUE_STRING ? p.getText() : null;
          break;
        case "attributes":
          if (t == JsonToken.START_ARRAY) {
            readAttributes(p, s.attributes);
          } else {
            p.skipChildren();
          }
          break;
        case "events":
          readArray(p, t, q -> s.events.add(readEvent(q)));
          break;
        case "links":
          readArray(p, t, q -> s.links.add(readLink(q)));
          break;
        case "status":
          readStatus(p, t, s);
          break;
        default:
          p.skipChildren();
      }
    }
  }

  private void readId(JsonParser p, JsonToken t, SpanId id, int bytes, String field)
      throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      id.clear();
      return;
    }
    if (t != JsonToken.VALUE_STRING) {
      spanError(p, "field '" + field + "': expected a hex string, got " + t.asString());
      p.skipChildren();
      return;
    }
    char[] chars = p.getTextCharacters();
    int off = p.getTextOffset();
    int len = p.getTextLength();
    id.setHex(chars, off, len);
    if (id.state() == IdState.VALID || id.state() == IdState.ALL_ZERO) {
      if (!upperCaseNoted) {
        for (int i = off; i < off + len; i++) {
          if (chars[i] >= 'A' && chars[i] <= 'F') {
            upperCaseNoted = true;
            out.note(NOTE_UPPER_CASE, "ids are upper-case hex (first at line " + currentLine(p) + "): accepted, as OTLP/JSON"
                + " ids are case-insensitive, but W3C traceparent and OpenTelemetry Java need lower case");
            break;
          }
        }
      }
    } else if (id.state() == IdState.NOT_HEX) {
      byte[] raw = base64(new String(chars, off, len), bytes);
      if (raw != null) {
        id.setBytes(raw);
        if (!base64Noted) {
          base64Noted = true;
          out.note(NOTE_BASE64, "ids are base64 (generic protobuf JSON), not hex as OTLP/JSON requires (first at line "
              + currentLine(p) + "); read as base64");
        }
      }
    }
  }

  private static byte[] base64(String s, int bytes) {
    if (s.length() != ((bytes + 2) / 3) * 4) {
      return null;
    }
    try {
      byte[] raw = Base64.getDecoder().decode(s);
      return raw.length == bytes ? raw : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private SpanKind readKind(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_NUMBER_INT) {
      return SpanKind.ofNumber(p.getLongValue());
    }
    if (t == JsonToken.VALUE_STRING) {
      SpanKind k = SpanKind.ofName(p.getText());
      if (k == null) {
        spanError(p, "field 'kind': unknown span kind '" + p.getText() + "'");
        return SpanKind.UNSPECIFIED;
      }
      return k;
    }
    p.skipChildren();
    return SpanKind.UNSPECIFIED;
  }

  private void readStatus(JsonParser p, JsonToken t, MutableSpan s) throws IOException {
    if (t != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    String field;
    while ((field = p.nextFieldName()) != null) {
      JsonToken v = p.nextToken();
      if (field.equals("code")) {
        if (v == JsonToken.VALUE_NUMBER_INT) {
          s.status = StatusCode.ofNumber(p.getLongValue());
        } else if (v == JsonToken.VALUE_STRING) {
          StatusCode c = StatusCode.ofName(p.getText());
          if (c == null) {
            spanError(p, "field 'status.code': unknown status code '" + p.getText() + "'");
          } else {
            s.status = c;
          }
        }
      } else if (field.equals("message") && v == JsonToken.VALUE_STRING) {
        s.statusMessage = p.getText();
      } else {
        p.skipChildren();
      }
    }
  }

  private SpanEvent readEvent(JsonParser p) throws IOException {
    long time = 0;
    String name = "";
    Attributes.Builder attrs = Attributes.builder();
    String field;
    while ((field = p.nextFieldName()) != null) {
      JsonToken t = p.nextToken();
      switch (field) {
        case "timeUnixNano":
        case "time_unix_nano":
          time = readUint64(p, t, "events.timeUnixNano");
          break;
        case "name":
          name = t == JsonToken.VALUE_STRING ? text(p) : "";
          break;
        case "attributes":
          if (t == JsonToken.START_ARRAY) {
            readAttributes(p, attrs);
          } else {
            p.skipChildren();
          }
          break;
        default:
          p.skipChildren();
      }
    }
    return new SpanEvent(name, time, attrs.build());
  }

  private final SpanId linkTrace = new MutableSpan().traceId;
  private final SpanId linkSpan = new MutableSpan().spanId;

  private SpanLink readLink(JsonParser p) throws IOException {
    linkTrace.clear();
    linkSpan.clear();
    int flags = 0;
    Attributes.Builder attrs = Attributes.builder();
    String field;
    while ((field = p.nextFieldName()) != null) {
      JsonToken t = p.nextToken();
      switch (field) {
        case "traceId":
        case "trace_id":
          readId(p, t, linkTrace, 16, "links.traceId");
          break;
        case "spanId":
        case "span_id":
          readId(p, t, linkSpan, 8, "links.spanId");
          break;
        case "flags":
          flags = (int) readUint64(p, t, "links.flags");
          break;
        case "attributes":
          if (t == JsonToken.START_ARRAY) {
            readAttributes(p, attrs);
          } else {
            p.skipChildren();
          }
          break;
        default:
          p.skipChildren();
      }
    }
    boolean valid = linkTrace.state() == IdState.VALID && linkSpan.state() == IdState.VALID;
    return new SpanLink(linkTrace.hi(), linkTrace.lo(), linkSpan.lo(), valid, flags, attrs.build());
  }

  /** An unsigned 64-bit integer as a string or number (OTLP/JSON allows both). */
  private long readUint64(JsonParser p, JsonToken t, String field) throws IOException {
    try {
      switch (t) {
        case VALUE_NUMBER_INT:
          if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            spanError(p, "field '" + field + "': " + p.getText() + " is out of range (at most 2^63-1)");
            return 0;
          }
          long v = p.getLongValue();
          if (v < 0) {
            spanError(p, "field '" + field + "': " + v + " is negative; expected an unsigned integer");
            return 0;
          }
          return v;
        case VALUE_STRING:
          return parseUint64(p, p.getTextCharacters(), p.getTextOffset(), p.getTextLength(), field);
        case VALUE_NUMBER_FLOAT:
          BigDecimal d = p.getDecimalValue();
          try {
            return d.longValueExact();
          } catch (ArithmeticException e) {
            spanError(p, "field '" + field + "': expected an integer, got " + p.getText());
            return 0;
          }
        case VALUE_NULL:
          return 0;
        default:
          spanError(p, "field '" + field + "': expected an integer, got " + t.asString());
          p.skipChildren();
          return 0;
      }
    } catch (InputCoercionException e) {
      spanError(p, "field '" + field + "': " + p.getText() + " is out of range");
      return 0;
    }
  }

  private long parseUint64(JsonParser p, char[] c, int off, int len, String field) {
    if (len == 0 || len > 19) {
      spanError(p, "field '" + field + "': expected a decimal integer, got '" + shorten(new String(c, off, len)) + "'"
          + (len > 19 ? " (out of range)" : ""));
      return 0;
    }
    long v = 0;
    for (int i = off; i < off + len; i++) {
      char ch = c[i];
      if (ch < '0' || ch > '9') {
        spanError(p, "field '" + field + "': expected a decimal integer, got '" + shorten(new String(c, off, len)) + "'");
        return 0;
      }
      v = v * 10 + (ch - '0');
    }
    if (v < 0) {
      spanError(p, "field '" + field + "': " + new String(c, off, len) + " is out of range");
      return 0;
    }
    return v;
  }

  /**
   * A decimal of 1 to 18 digits with an optional minus sign, read straight from the parser's
   * characters; {@link Long#MIN_VALUE} for anything else (the caller then parses it in full).
   */
  private static long shortDecimal(char[] c, int off, int len) {
    int i = off;
    boolean negative = len > 1 && c[i] == '-';
    if (negative) {
      i++;
    }
    int digits = off + len - i;
    if (digits < 1 || digits > 18) {
      return Long.MIN_VALUE;
    }
    long v = 0;
    for (; i < off + len; i++) {
      int d = c[i] - '0';
      if (d < 0 || d > 9) {
        return Long.MIN_VALUE;
      }
      v = v * 10 + d;
    }
    return negative ? -v : v;
  }

  /** The current string token's text, shared with earlier equal text where the cache has it. */
  private String text(JsonParser p) throws IOException {
    return strings.get(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
  }

  private static String shorten(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }

  /** Reads an OTLP {@code KeyValue} array into {@code out}. */
  private void readAttributes(JsonParser p, Attributes.Builder out) throws IOException {
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.START_OBJECT) {
        p.skipChildren();
        continue;
      }
      String key = null;
      Object value = null;
      String field;
      while ((field = p.nextFieldName()) != null) {
        JsonToken v = p.nextToken();
        if (field.equals("key")) {
          key = v == JsonToken.VALUE_STRING ? text(p) : null;
        } else if (field.equals("value")) {
          value = readAnyValue(p, v);
        } else {
          p.skipChildren();
        }
      }
      if (key != null && value != null) {
        out.put(key, value);
      }
    }
  }

  /**
   * JSON text of a nested array or key-value list, kept apart from plain strings while rendering
   * (by {@link FastSpanLine} too).
   */
  record RawJson(String text) {
    @Override
    public String toString() {
      return text;
    }
  }

  /** Reads an OTLP {@code AnyValue}: arrays and key-value lists become their JSON text. */
  private Object readAnyValue(JsonParser p, JsonToken t) throws IOException {
    Object v = readAnyValueInner(p, t);
    return v instanceof RawJson ? v.toString() : v;
  }

  private Object readAnyValueInner(JsonParser p, JsonToken t) throws IOException {
    if (t != JsonToken.START_OBJECT) {
      p.skipChildren();
      return null;
    }
    Object value = null;
    String field;
    while ((field = p.nextFieldName()) != null) {
      JsonToken v = p.nextToken();
      switch (field) {
        case "stringValue":
        case "string_value":
          value = v == JsonToken.VALUE_STRING ? text(p) : null;
          break;
        case "boolValue":
        case "bool_value":
          value = v == JsonToken.VALUE_TRUE ? Boolean.TRUE : v == JsonToken.VALUE_FALSE ? Boolean.FALSE : null;
          break;
        case "intValue":
        case "int_value":
          value = readInt64(p, v);
          break;
        case "doubleValue":
        case "double_value":
          value = readDouble(p, v);
          break;
        case "bytesValue":
        case "bytes_value":
          value = v == JsonToken.VALUE_STRING ? p.getText() : null;
          break;
        case "arrayValue":
        case "array_value":
        case "kvlistValue":
        case "kvlist_value":
          value = renderJson(p, v, field.startsWith("array"));
          break;
        default:
          p.skipChildren();
      }
    }
    return value;
  }

  private Long readInt64(JsonParser p, JsonToken t) throws IOException {
    try {
      if (t == JsonToken.VALUE_NUMBER_INT) {
        return p.getLongValue();
      }
      if (t == JsonToken.VALUE_STRING) {
        long v = shortDecimal(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
        return v != Long.MIN_VALUE ? v : Long.parseLong(p.getText().trim());
      }
    } catch (NumberFormatException | InputCoercionException e) {
      spanError(p, "attribute intValue '" + shorten(p.getText()) + "' is not a 64-bit integer");
    }
    return null;
  }

  private Double readDouble(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
      return p.getDoubleValue();
    }
    if (t == JsonToken.VALUE_STRING) {
      Double special = OtlpJsonToProto.specialDouble(p.getText());
      if (special == null) {
        spanError(p, "attribute doubleValue '" + shorten(p.getText()) + "' is not a number");
      }
      return special;
    }
    return null;
  }

  /** Renders an {@code arrayValue} / {@code kvlistValue} as compact JSON text. */
  private RawJson renderJson(JsonParser p, JsonToken t, boolean array) throws IOException {
    if (t != JsonToken.START_OBJECT) {
      p.skipChildren();
      return null;
    }
    StringBuilder sb = new StringBuilder(array ? "[" : "{");
    boolean first = true;
    String field;
    while ((field = p.nextFieldName()) != null) {
      JsonToken v = p.nextToken();
      if (!field.equals("values") || v != JsonToken.START_ARRAY) {
        p.skipChildren();
        continue;
      }
      while ((v = p.nextToken()) != JsonToken.END_ARRAY) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        if (array) {
          appendValue(sb, readAnyValueInner(p, v));
        } else {
          String key = "";
          Object value = null;
          String f;
          while ((f = p.nextFieldName()) != null) {
            JsonToken w = p.nextToken();
            if (f.equals("key")) {
              key = p.getText();
            } else if (f.equals("value")) {
              value = readAnyValueInner(p, w);
            } else {
              p.skipChildren();
            }
          }
          appendValue(sb, key);
          sb.append(':');
          appendValue(sb, value);
        }
        if (sb.length() > 1 << 20) {
          spanError(p, "attribute value longer than 1 MiB");
          p.skipChildren();
        }
      }
    }
    return new RawJson(sb.append(array ? ']' : '}').toString());
  }

  /** Appends a value to rendered JSON text (also for {@link FastSpanLine}, which must render alike). */
  static void appendValue(StringBuilder sb, Object v) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String) {
      sb.append('"');
      String s = (String) v;
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '"' || c == '\\') {
          sb.append('\\').append(c);
        } else if (c < 0x20) {
          sb.append(String.format("\\u%04x", (int) c));
        } else {
          sb.append(c);
        }
      }
      sb.append('"');
    } else {
      sb.append(v);
    }
  }
}
