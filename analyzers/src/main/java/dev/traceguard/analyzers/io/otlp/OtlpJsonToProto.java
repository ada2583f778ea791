package dev.traceguard.analyzers.io.otlp;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.traceguard.analyzers.model.Ids;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A streaming OTLP/JSON parser that fills protobuf builders, driven by the message descriptors, so
 * every OTLP message type is covered without code per field.
 *
 * <p>It follows the OTLP/JSON encoding and is lenient where real dumps differ from it:
 *
 * <ul>
 *   <li>keys are lowerCamelCase; the snake_case proto names are accepted too;
 *   <li>unknown fields are skipped;
 *   <li>enums are numbers or names ({@code 2} or {@code "SPAN_KIND_SERVER"}); unknown numbers are
 *       kept;
 *   <li>64-bit integers are strings or numbers; doubles are numbers or {@code "NaN"}, {@code
 *       "Infinity"}, {@code "-Infinity"} (or a number in a string);
 *   <li>{@code traceId}, {@code spanId} and {@code parentSpanId} (in spans, links, log records and
 *       exemplars) are case-insensitive hex; other bytes fields are base64; the empty string is
 *       empty bytes. An id that is not hex but is base64 of the right length (what generic protobuf
 *       JSON writers produce) is decoded and noted;
 *   <li>{@code null} leaves the field at its default.
 * </ul>
 *
 * <p>A value of the wrong kind throws a {@link JsonParseException} whose {@link
 * JsonParseException#getOriginalMessage() original message} names the field and what was found,
 * e.g. {@code field 'startTimeUnixNano': expected an integer, got 'abc'}, and whose location is
 * where the parser stood.
 *
 * <p>Feeding the model: a reader that has read the key {@code resourceSpans}, {@code
 * resourceMetrics} or {@code resourceLogs} of a document, with the parser now on its {@code [},
 * calls {@link #readResourceSpans}, {@link #readResourceMetrics} or {@link #readResourceLogs} with
 * an {@link OtlpProtoMapper} for the input; or it hands a whole document object to {@link
 * #readDocument}. Each resource entry is mapped as soon as it is complete, so memory stays bounded
 * by one entry; when an entry is malformed the exception propagates and the entries before it are
 * kept.
 */
public final class OtlpJsonToProto {
  /** Field names (camel and snake) per message type, built once per descriptor. */
  private static final Map<Descriptor, Map<String, FieldDescriptor>> FIELDS =
      new ConcurrentHashMap<>();

  private static final int MAX_SHOWN = 60;
  private static final BigInteger MAX_UINT64 =
      BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
  private static final BigInteger MAX_UINT32 = BigInteger.valueOf(0xffffffffL);

  private OtlpJsonToProto() {}

  /**
   * Reads one JSON object into {@code b}.
   *
   * @param p a parser whose current token is the {@code START_OBJECT} of the message; on return its
   *     current token is the matching {@code END_OBJECT}
   * @param b the builder to merge into
   * @throws JsonParseException when a value does not fit its field
   * @throws IOException when the JSON itself is malformed or ends early
   */
  public static void merge(JsonParser p, Message.Builder b) throws IOException {
    merge(p, b, null);
  }

  /**
   * As {@link #merge(JsonParser, Message.Builder)}, telling {@code notes} about tolerated oddities
   * (upper-case hex ids, base64 ids, enum names), each a short sentence.
   */
  public static void merge(JsonParser p, Message.Builder b, Consumer<String> notes)
      throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new JsonParseException(
          p,
          "expected a JSON object for " + b.getDescriptorForType().getName() + ", got " + shown(p));
    }
    Map<String, FieldDescriptor> fields =
        FIELDS.computeIfAbsent(b.getDescriptorForType(), OtlpJsonToProto::fieldsOf);
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      FieldDescriptor fd = fields.get(key);
      JsonToken v = p.nextToken();
      if (fd == null) {
        // Receivers must ignore unknown fields; skipChildren is a no-op on scalars.
        p.skipChildren();
        continue;
      }
      if (v == JsonToken.VALUE_NULL) {
        continue;
      }
      if (fd.isRepeated()) {
        if (v != JsonToken.START_ARRAY) {
          throw fieldError(p, key, "expected an array", null);
        }
        while (p.nextToken() != JsonToken.END_ARRAY) {
          if (p.currentToken() == JsonToken.VALUE_NULL) {
            continue;
          }
          b.addRepeatedField(fd, value(p, b, fd, key, notes));
        }
      } else if (fd.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        if (v != JsonToken.START_OBJECT) {
          throw fieldError(p, key, "expected an object", null);
        }
        // Merging into the existing sub-builder keeps a repeated key's earlier fields, as the
        // protobuf merge semantics do.
        merge(p, b.getFieldBuilder(fd), notes);
      } else {
        b.setField(fd, value(p, b, fd, key, notes));
      }
    }
    if (t != JsonToken.END_OBJECT) {
      throw new JsonParseException(
          p, "unexpected end of input inside " + b.getDescriptorForType().getName());
    }
  }

  private static Map<String, FieldDescriptor> fieldsOf(Descriptor d) {
    Map<String, FieldDescriptor> m = new HashMap<>();
    for (FieldDescriptor fd : d.getFields()) {
      m.put(fd.getName(), fd);
      m.put(fd.getJsonName(), fd);
    }
    return m;
  }

  /** The value at the current token for one (element of a) field. */
  private static Object value(
      JsonParser p, Message.Builder parent, FieldDescriptor fd, String key, Consumer<String> notes)
      throws IOException {
    switch (fd.getJavaType()) {
      case MESSAGE:
        if (p.currentToken() != JsonToken.START_OBJECT) {
          throw fieldError(p, key, "expected an object", null);
        }
        Message.Builder sub = parent.newBuilderForField(fd);
        merge(p, sub, notes);
        return sub.build();
      case INT:
        return intValue(p, fd, key);
      case LONG:
        return longValue(p, fd, key);
      case DOUBLE:
        return doubleValue(p, key);
      case FLOAT:
        return (float) doubleValue(p, key);
      case BOOLEAN:
        return boolValue(p, key);
      case STRING:
        if (p.currentToken() != JsonToken.VALUE_STRING) {
          throw fieldError(p, key, "expected a string", null);
        }
        return p.getText();
      case BYTE_STRING:
        return bytesValue(p, fd, key, notes);
      case ENUM:
        return enumValue(p, fd.getEnumType(), key, notes);
      default:
        throw fieldError(p, key, "unsupported field type " + fd.getJavaType(), null);
    }
  }

  private static int intValue(JsonParser p, FieldDescriptor fd, String key) throws IOException {
    BigInteger v = integer(p, key);
    boolean unsigned =
        fd.getType() == FieldDescriptor.Type.UINT32 || fd.getType() == FieldDescriptor.Type.FIXED32;
    BigInteger min = unsigned ? BigInteger.ZERO : BigInteger.valueOf(Integer.MIN_VALUE);
    BigInteger max = unsigned ? MAX_UINT32 : BigInteger.valueOf(Integer.MAX_VALUE);
    if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
      throw fieldError(p, key, "integer out of range for " + typeName(fd), v.toString());
    }
    // Unsigned 32-bit values above 2^31 are stored in the int's bits, as protobuf does.
    return (int) v.longValue();
  }

  private static long longValue(JsonParser p, FieldDescriptor fd, String key) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NUMBER_INT
        && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
      // The common case: a number that fits a long, read without BigInteger.
      long v = p.getLongValue();
      if (v < 0 && unsigned64(fd)) {
        throw fieldError(p, key, "integer out of range for " + typeName(fd), Long.toString(v));
      }
      return v;
    }
    BigInteger v = integer(p, key);
    BigInteger min = unsigned64(fd) ? BigInteger.ZERO : BigInteger.valueOf(Long.MIN_VALUE);
    BigInteger max = unsigned64(fd) ? MAX_UINT64 : BigInteger.valueOf(Long.MAX_VALUE);
    if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
      throw fieldError(p, key, "integer out of range for " + typeName(fd), v.toString());
    }
    // Unsigned 64-bit values above 2^63 are stored in the long's bits, as protobuf does.
    return v.longValue();
  }

  private static boolean unsigned64(FieldDescriptor fd) {
    return fd.getType() == FieldDescriptor.Type.UINT64
        || fd.getType() == FieldDescriptor.Type.FIXED64;
  }

  private static String typeName(FieldDescriptor fd) {
    return fd.getType().name().toLowerCase(Locale.ROOT);
  }

  /** An integer from a JSON number or a decimal string; an integral float such as 1e3 counts. */
  private static BigInteger integer(JsonParser p, String key) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_INT) {
      return p.getBigIntegerValue();
    }
    String text;
    if (t == JsonToken.VALUE_NUMBER_FLOAT) {
      text = p.getText();
    } else if (t == JsonToken.VALUE_STRING) {
      text = p.getText().trim();
    } else {
      throw fieldError(p, key, "expected an integer", null);
    }
    try {
      return new BigDecimal(text).toBigIntegerExact();
    } catch (NumberFormatException | ArithmeticException e) {
      throw fieldError(p, key, "expected an integer", text);
    }
  }

  private static double doubleValue(JsonParser p, String key) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
      return p.getDoubleValue();
    }
    if (t != JsonToken.VALUE_STRING) {
      throw fieldError(p, key, "expected a number", null);
    }
    String s = p.getText().trim();
    Double special = specialDouble(s);
    if (special != null) {
      return special;
    }
    try {
      // BigDecimal accepts plain decimals only, so "0x1p3" or "Infinity" spellings cannot slip in.
      return new BigDecimal(s).doubleValue();
    } catch (NumberFormatException e) {
      throw fieldError(p, key, "expected a number", s);
    }
  }

  private static boolean boolValue(JsonParser p, String key) throws IOException {
    switch (p.currentToken()) {
      case VALUE_TRUE:
        return true;
      case VALUE_FALSE:
        return false;
      case VALUE_STRING:
        if (p.getText().equals("true")) {
          return true;
        }
        if (p.getText().equals("false")) {
          return false;
        }
        throw fieldError(p, key, "expected true or false", p.getText());
      default:
        throw fieldError(p, key, "expected true or false", null);
    }
  }

  private static ByteString bytesValue(
      JsonParser p, FieldDescriptor fd, String key, Consumer<String> notes) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      throw fieldError(p, key, "expected a string", null);
    }
    String s = p.getText();
    if (s.isEmpty()) {
      return ByteString.EMPTY;
    }
    String name = fd.getName();
    boolean id = name.equals("trace_id") || name.equals("span_id") || name.equals("parent_span_id");
    if (!id) {
      byte[] raw = base64(s);
      if (raw == null) {
        throw fieldError(p, key, "expected base64", s);
      }
      return ByteString.copyFrom(raw);
    }
    byte[] raw = hex(s);
    if (raw != null) {
      if (notes != null && !s.equals(s.toLowerCase(Locale.ROOT))) {
        notes.accept("upper-case hex ids (valid: OTLP/JSON ids are case-insensitive)");
      }
      return ByteString.copyFrom(raw);
    }
    // Generic protobuf JSON writers emit ids as base64; a value that decodes to an id's length is
    // taken, everything else is an error.
    int want = name.equals("trace_id") ? 16 : 8;
    byte[] decoded = base64(s);
    if (decoded != null && decoded.length == want) {
      if (notes != null) {
        notes.accept(
            "ids written in base64 (generic protobuf JSON) instead of OTLP/JSON hex; decoded");
      }
      return ByteString.copyFrom(decoded);
    }
    throw fieldError(p, key, "expected a hex id", s);
  }

  /** Bytes of an even-length hex string (either case), or null. */
  private static byte[] hex(String s) {
    if (s.length() % 2 != 0) {
      return null;
    }
    byte[] out = new byte[s.length() / 2];
    for (int i = 0; i < out.length; i++) {
      int hi = Ids.hexValue(s.charAt(2 * i));
      int lo = Ids.hexValue(s.charAt(2 * i + 1));
      if (hi < 0 || lo < 0) {
        return null;
      }
      out[i] = (byte) (hi << 4 | lo);
    }
    return out;
  }

  /** Standard or URL-safe base64, padding optional; null when neither decodes. */
  private static byte[] base64(String s) {
    try {
      return Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      try {
        return Base64.getUrlDecoder().decode(s);
      } catch (IllegalArgumentException e2) {
        return null;
      }
    }
  }

  private static EnumValueDescriptor enumValue(
      JsonParser p, EnumDescriptor type, String key, Consumer<String> notes) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_INT) {
      BigInteger n = p.getBigIntegerValue();
      if (n.bitLength() > 31) {
        throw fieldError(p, key, "enum number out of range", n.toString());
      }
      // Proto3 enums are open: an unknown number is kept, like the binary decoder does.
      return type.findValueByNumberCreatingIfUnknown(n.intValue());
    }
    if (t != JsonToken.VALUE_STRING) {
      throw fieldError(p, key, "expected an enum number or name", null);
    }
    String s = p.getText().trim();
    EnumValueDescriptor v = type.findValueByName(s);
    if (v == null) {
      v = type.findValueByName(s.toUpperCase(Locale.ROOT));
    }
    if (v == null) {
      try {
        return type.findValueByNumberCreatingIfUnknown(Integer.parseInt(s));
      } catch (NumberFormatException e) {
        throw fieldError(p, key, "unknown " + type.getName() + " name", s);
      }
    }
    if (notes != null) {
      notes.accept("enum values written as names (OTLP/JSON requires numbers); accepted");
    }
    return v;
  }

  private static JsonParseException fieldError(
      JsonParser p, String key, String expected, String got) throws IOException {
    String found = got != null ? "'" + clip(got) + "'" : shown(p);
    return new JsonParseException(p, "field '" + key + "': " + expected + ", got " + found);
  }

  /** What the current token is, for a message: a quoted, clipped text or the token kind. */
  private static String shown(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == null) {
      return "end of input";
    }
    switch (t) {
      case START_OBJECT:
        return "an object";
      case START_ARRAY:
        return "an array";
      case VALUE_NULL:
        return "null";
      case VALUE_TRUE:
      case VALUE_FALSE:
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
      case VALUE_STRING:
        return "'" + clip(p.getText()) + "'";
      default:
        return t.asString() == null ? t.name() : t.asString();
    }
  }

  private static String clip(String s) {
    return s.length() > MAX_SHOWN ? s.substring(0, MAX_SHOWN) + "…" : s;
  }

  /** The proto3 JSON spellings of non-finite doubles, or null for any other text. */
  static Double specialDouble(String s) {
    switch (s) {
      case "NaN":
        return Double.NaN;
      case "Infinity":
        return Double.POSITIVE_INFINITY;
      case "-Infinity":
        return Double.NEGATIVE_INFINITY;
      default:
        return null;
    }
  }

  // ---------------------------------------------------------------- glue into the model

  /**
   * Reads the array value of {@code resourceSpans} (the parser on its {@code START_ARRAY}) and maps
   * each entry as soon as it is complete. On return the parser is on the matching {@code
   * END_ARRAY}. Records get {@code line}; errors found while mapping name it.
   */
  public static void readResourceSpans(
      JsonParser p, OtlpProtoMapper mapper, long line, Consumer<String> notes) throws IOException {
    expectArray(p, "resourceSpans");
    mapper.position(line, -1);
    while (next(p, "resourceSpans") != JsonToken.END_ARRAY) {
      ResourceSpans.Builder b = ResourceSpans.newBuilder();
      merge(p, b, notes);
      mapper.resourceSpans(b.build());
    }
  }

  /** As {@link #readResourceSpans}, for the array value of {@code resourceMetrics}. */
  public static void readResourceMetrics(
      JsonParser p, OtlpProtoMapper mapper, long line, Consumer<String> notes) throws IOException {
    expectArray(p, "resourceMetrics");
    mapper.position(line, -1);
    while (next(p, "resourceMetrics") != JsonToken.END_ARRAY) {
      ResourceMetrics.Builder b = ResourceMetrics.newBuilder();
      merge(p, b, notes);
      mapper.resourceMetrics(b.build());
    }
  }

  /** As {@link #readResourceSpans}, for the array value of {@code resourceLogs}. */
  public static void readResourceLogs(
      JsonParser p, OtlpProtoMapper mapper, long line, Consumer<String> notes) throws IOException {
    expectArray(p, "resourceLogs");
    mapper.position(line, -1);
    while (next(p, "resourceLogs") != JsonToken.END_ARRAY) {
      ResourceLogs.Builder b = ResourceLogs.newBuilder();
      merge(p, b, notes);
      mapper.resourceLogs(b.build());
    }
  }

  /**
   * Reads one OTLP/JSON document object ({@code TracesData}, {@code MetricsData}, {@code LogsData}
   * or an export request; the parser on its {@code START_OBJECT}) and maps what it holds. Keys
   * other than {@code resourceSpans}, {@code resourceMetrics} and {@code resourceLogs} (and their
   * snake_case forms) are skipped. On return the parser is on the matching {@code END_OBJECT}.
   *
   * @return the number of resource lists found (0 means the object is not OTLP data)
   */
  public static int readDocument(
      JsonParser p, OtlpProtoMapper mapper, long line, Consumer<String> notes) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new JsonParseException(p, "expected an OTLP/JSON object, got " + shown(p));
    }
    int found = 0;
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      JsonToken v = p.nextToken();
      if (v == JsonToken.VALUE_NULL) {
        continue;
      }
      switch (key) {
        case "resourceSpans":
        case "resource_spans":
        case "batches": // Grafana Tempo's name for the same list
          readResourceSpans(p, mapper, line, notes);
          found++;
          break;
        case "resourceMetrics":
        case "resource_metrics":
          readResourceMetrics(p, mapper, line, notes);
          found++;
          break;
        case "resourceLogs":
        case "resource_logs":
          readResourceLogs(p, mapper, line, notes);
          found++;
          break;
        default:
          p.skipChildren();
          break;
      }
    }
    if (t != JsonToken.END_OBJECT) {
      throw new JsonParseException(p, "unexpected end of input inside the OTLP/JSON object");
    }
    return found;
  }

  private static void expectArray(JsonParser p, String key) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw fieldError(p, key, "expected an array", null);
    }
  }

  /** The next array element's first token, which must be an object or the array's end. */
  private static JsonToken next(JsonParser p, String key) throws IOException {
    JsonToken t = p.nextToken();
    if (t == null) {
      throw new JsonParseException(p, "unexpected end of input inside '" + key + "'");
    }
    if (t != JsonToken.START_OBJECT && t != JsonToken.END_ARRAY) {
      throw fieldError(p, key, "expected an object in the array", null);
    }
    return t;
  }
}
