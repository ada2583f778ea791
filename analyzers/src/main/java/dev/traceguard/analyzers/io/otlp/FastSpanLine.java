package dev.traceguard.analyzers.io.otlp;

import dev.traceguard.analyzers.model.Attributes;
import dev.traceguard.analyzers.model.MutableSpan;
import dev.traceguard.analyzers.model.Resource;
import dev.traceguard.analyzers.model.SpanEvent;
import dev.traceguard.analyzers.model.SpanId;
import dev.traceguard.analyzers.model.SpanKind;
import dev.traceguard.analyzers.model.StatusCode;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the common shape of a traces line, as the collector's file exporter and the OpenTelemetry
 * SDKs write it, straight from its bytes: one {@code {"resourceSpans":[...]}} object, strings in
 * well-formed UTF-8 with or without escapes, lower-case hex ids, numeric enums, times as decimal
 * strings or numbers.
 * It gives up ({@link #parse} returns false) at the first thing outside that shape, and at
 * anything that would be an error or a note; the caller then discards what it recorded and parses
 * the line with {@link OtlpJsonReader}, which handles all of OTLP/JSON. For every line it accepts,
 * what it passes to the sink is what {@link OtlpJsonReader} passes for the same line.
 *
 * <p>It is several times faster than a general JSON parser for this input because it compares
 * field names as bytes where they stand, never decodes text it only skips, and makes strings only
 * of values it keeps. Not thread-safe: one per parsing thread.
 */
final class FastSpanLine {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final long QUOTES = ONES * '"';
  private static final long BACKSLASHES = ONES * '\\';
  private static final long SPACES = ONES * ' ';
  private static final int MAX_RENDERED = 1 << 20;
  /** Longer numbers are left to the general reader, which has a limit of its own. */
  private static final int MAX_NUMBER = 100;
  /** The general reader's limits: its JSON factory's (Jackson's default for names). */
  private static final int MAX_NESTING = OtlpJsonReader.limits().getMaxNestingDepth();
  private static final int MAX_NAME = OtlpJsonReader.limits().getMaxNameLength();
  private static final int MAX_STRING = OtlpJsonReader.limits().getMaxStringLength();

  private static final byte[] RESOURCE_SPANS = ascii("resourceSpans");
  private static final byte[] RESOURCE = ascii("resource");
  private static final byte[] SCOPE_SPANS = ascii("scopeSpans");
  private static final byte[] SCOPE = ascii("scope");
  private static final byte[] SPANS = ascii("spans");
  private static final byte[] ATTRIBUTES = ascii("attributes");
  private static final byte[] NAME = ascii("name");
  private static final byte[] TRACE_ID = ascii("traceId");
  private static final byte[] SPAN_ID = ascii("spanId");
  private static final byte[] PARENT_SPAN_ID = ascii("parentSpanId");
  private static final byte[] TRACE_STATE = ascii("traceState");
  private static final byte[] FLAGS = ascii("flags");
  private static final byte[] KIND = ascii("kind");
  private static final byte[] START_TIME = ascii("startTimeUnixNano");
  private static final byte[] END_TIME = ascii("endTimeUnixNano");
  private static final byte[] EVENTS = ascii("events");
  private static final byte[] LINKS = ascii("links");
  private static final byte[] STATUS = ascii("status");
  private static final byte[] CODE = ascii("code");
  private static final byte[] MESSAGE = ascii("message");
  private static final byte[] TIME = ascii("timeUnixNano");
  private static final byte[] KEY = ascii("key");
  private static final byte[] VALUE = ascii("value");
  private static final byte[] VALUES = ascii("values");
  private static final byte[] STRING_VALUE = ascii("stringValue");
  private static final byte[] INT_VALUE = ascii("intValue");
  private static final byte[] DOUBLE_VALUE = ascii("doubleValue");
  private static final byte[] BOOL_VALUE = ascii("boolValue");
  private static final byte[] ARRAY_VALUE = ascii("arrayValue");
  private static final byte[] KVLIST_VALUE = ascii("kvlistValue");
  private static final byte[] BYTES_VALUE = ascii("bytesValue");
  private static final byte[] INSTRUMENTATION_LIBRARY_SPANS = ascii("instrumentationLibrarySpans");
  private static final byte[] INSTRUMENTATION_LIBRARY = ascii("instrumentationLibrary");

  /** Thrown to give up on a line; it carries no stack trace. */
  private static final class GiveUp extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final GiveUp INSTANCE = new GiveUp();

    private GiveUp() {
      super(null, null, false, false);
    }
  }

  private final StringCache strings = new StringCache();
  private final Map<Resource, Resource> resources = new HashMap<>();
  private final Attributes.Builder scratch = Attributes.builder();
  private final MutableSpan reusable = new MutableSpan();
  private final StringBuilder decoded = new StringBuilder();
  private byte[] b;
  private int i;
  private int end;
  private long line;
  private OtlpJsonReader.Sink out;
  /** Start and length of the last string read. */
  private int str;
  private int strLen;
  /** Objects and arrays open at {@link #i}. */
  private int nesting;

  /**
   * Reads {@code bytes[0, length)}, one JSON line, into {@code sink}.
   *
   * @return true when the line was read; false when it holds something this reader leaves to
   *     {@link OtlpJsonReader}: the sink may then hold part of the line and must be emptied
   */
  boolean parse(long lineNumber, byte[] bytes, int length, OtlpJsonReader.Sink sink) {
    b = bytes;
    i = 0;
    end = length;
    line = lineNumber;
    out = sink;
    nesting = 0;
    try {
      readLine();
      return true;
    } catch (GiveUp | ArrayIndexOutOfBoundsException e) {
      return false;
    } finally {
      b = null;
      out = null;
    }
  }

  private void readLine() {
    boolean any = false;
    if (object()) {
      do {
        readName();
        if (!nameIs(RESOURCE_SPANS)) {
          throw GiveUp.INSTANCE;
        }
        any = true;
        if (array()) {
          do {
            readResourceSpans();
          } while (comma(']'));
        }
      } while (comma('}'));
    }
    ws();
    if (!any || i != end) {
      throw GiveUp.INSTANCE;
    }
  }

  private void readResourceSpans() {
    Resource resource = null;
    if (!object()) {
      return;
    }
    do {
      readName();
      if (nameIs(RESOURCE)) {
        resource = readResource();
      } else if (nameIs(SCOPE_SPANS)) {
        if (resource == null) {
          // Spans before their resource wait for it in the general reader.
          throw GiveUp.INSTANCE;
        }
        if (array()) {
          do {
            readScopeSpans(resource);
          } while (comma(']'));
        }
      } else if (nameIs(INSTRUMENTATION_LIBRARY_SPANS)) {
        throw GiveUp.INSTANCE;
      } else {
        skipUnknown();
      }
    } while (comma('}'));
  }

  private Resource readResource() {
    Attributes attrs = Attributes.empty();
    if (object()) {
      do {
        readName();
        if (nameIs(ATTRIBUTES)) {
          scratch.clear();
          readAttributes(scratch);
          attrs = scratch.build();
        } else {
          skipValue();
        }
      } while (comma('}'));
    }
    Resource r = new Resource(attrs);
    return resources.computeIfAbsent(r, k -> k);
  }

  private void readScopeSpans(Resource resource) {
    String scope = "";
    if (!object()) {
      return;
    }
    do {
      readName();
      if (nameIs(SCOPE)) {
        scope = readScopeName();
      } else if (nameIs(SPANS)) {
        if (array()) {
          do {
            MutableSpan s = out.spanToFill(reusable);
            s.clear();
            readSpan(s);
            s.scopeName = scope;
            s.resource = resource;
            out.span(s);
          } while (comma(']'));
        }
      } else if (nameIs(INSTRUMENTATION_LIBRARY)) {
        throw GiveUp.INSTANCE;
      } else {
        skipUnknown();
      }
    } while (comma('}'));
  }

  private String readScopeName() {
    String name = "";
    if (!object()) {
      return name;
    }
    do {
      readName();
      if (nameIs(NAME) && peek() == '"') {
        name = readText();
      } else {
        skipValue();
      }
    } while (comma('}'));
    return name;
  }

  private void readSpan(MutableSpan s) {
    s.line = line;
    if (!object()) {
      return;
    }
    do {
      readName();
      // Most names differ in length, which nameIs compares first.
      if (nameIs(TRACE_ID)) {
        readId(s.traceId);
      } else if (nameIs(SPAN_ID)) {
        readId(s.spanId);
      } else if (nameIs(PARENT_SPAN_ID)) {
        readId(s.parentSpanId);
      } else if (nameIs(NAME)) {
        s.name = readText();
      } else if (nameIs(KIND)) {
        s.kind = SpanKind.ofNumber(readInt());
      } else if (nameIs(START_TIME)) {
        s.startUnixNano = readUint64();
      } else if (nameIs(END_TIME)) {
        s.endUnixNano = readUint64();
      } else if (nameIs(FLAGS)) {
        s.flags = (int) readUint64();
      } else if (nameIs(ATTRIBUTES)) {
        readAttributes(s.attributes);
      } else if (nameIs(STATUS)) {
        readStatus(s);
      } else if (nameIs(EVENTS)) {
        readEvents(s);
      } else if (nameIs(TRACE_STATE)) {
        s.traceState = readText();
      } else if (nameIs(LINKS)) {
        // Links are left to the general reader.
        expect('[');
        expect(']');
      } else {
        skipUnknown();
      }
    } while (comma('}'));
  }

  private void readId(SpanId id) {
    readString();
    if (!id.setLowerHex(b, str, strLen)) {
      // Upper case (a note), base64 or not an id at all (an error): the general reader says so.
      throw GiveUp.INSTANCE;
    }
  }

  private void readStatus(MutableSpan s) {
    if (!object()) {
      return;
    }
    do {
      readName();
      if (nameIs(CODE)) {
        s.status = StatusCode.ofNumber(readInt());
      } else if (nameIs(MESSAGE)) {
        s.statusMessage = readText();
      } else {
        skipValue();
      }
    } while (comma('}'));
  }

  private void readEvents(MutableSpan s) {
    if (!array()) {
      return;
    }
    do {
      long time = 0;
      String name = "";
      Attributes.Builder attrs = Attributes.builder();
      if (object()) {
        do {
          readName();
          if (nameIs(TIME)) {
            time = readUint64();
          } else if (nameIs(NAME)) {
            name = readText();
          } else if (nameIs(ATTRIBUTES)) {
            readAttributes(attrs);
          } else {
            skipUnknown();
          }
        } while (comma('}'));
      }
      s.events.add(new SpanEvent(name, time, attrs.build()));
    } while (comma(']'));
  }

  /** A KeyValue array. */
  private void readAttributes(Attributes.Builder into) {
    if (!array()) {
      return;
    }
    do {
      String key = null;
      Object value = null;
      if (object()) {
        do {
          readName();
          if (nameIs(KEY)) {
            key = readText();
          } else if (nameIs(VALUE)) {
            value = readAnyValue();
          } else {
            skipValue();
          }
        } while (comma('}'));
      }
      if (key != null && value != null) {
        into.put(key, value);
      }
    } while (comma(']'));
  }

  /**
   * An AnyValue object: a String, Boolean, Long or Double, the JSON text of an array or key-value
   * list, or null when it has none of these.
   */
  private Object readAnyValue() {
    Object v = readAnyValueInner();
    return v instanceof OtlpJsonReader.RawJson ? v.toString() : v;
  }


  private Object readAnyValueInner() {
    Object value = null;
    if (!object()) {
      return null;
    }
    do {
      readName();
      if (nameIs(STRING_VALUE)) {
        value = readText();
      } else if (nameIs(INT_VALUE)) {
        value = readIntValue();
      } else if (nameIs(DOUBLE_VALUE)) {
        value = readDouble();
      } else if (nameIs(BOOL_VALUE)) {
        value = readBoolean();
      } else if (nameIs(ARRAY_VALUE)) {
        value = render(true);
      } else if (nameIs(KVLIST_VALUE)) {
        value = render(false);
      } else if (nameIs(BYTES_VALUE)) {
        throw GiveUp.INSTANCE;
      } else {
        skipUnknown();
      }
    } while (comma('}'));
    return value;
  }

  /** An arrayValue or kvlistValue as compact JSON text, as {@link OtlpJsonReader} renders it. */
  private OtlpJsonReader.RawJson render(boolean array) {
    StringBuilder sb = new StringBuilder(array ? "[" : "{");
    boolean first = true;
    if (object()) {
      do {
        readName();
        if (!nameIs(VALUES) || peek() != '[') {
          skipValue();
          continue;
        }
        if (!array()) {
          continue;
        }
        do {
          if (!first) {
            sb.append(',');
          }
          first = false;
          if (array) {
            OtlpJsonReader.appendValue(sb, readAnyValueInner());
          } else {
            String key = "";
            Object value = null;
            if (object()) {
              do {
                readName();
                if (nameIs(KEY)) {
                  key = readText();
                } else if (nameIs(VALUE)) {
                  value = readAnyValueInner();
                } else {
                  skipValue();
                }
              } while (comma('}'));
            }
            OtlpJsonReader.appendValue(sb, key);
            sb.append(':');
            OtlpJsonReader.appendValue(sb, value);
          }
          if (sb.length() > MAX_RENDERED) {
            throw GiveUp.INSTANCE;
          }
        } while (comma(']'));
      } while (comma('}'));
    }
    return new OtlpJsonReader.RawJson(sb.append(array ? ']' : '}').toString());
  }

  private Long readIntValue() {
    if (peek() == '"') {
      readString();
      long v = decimal(str, strLen);
      if (v == Long.MIN_VALUE) {
        throw GiveUp.INSTANCE;
      }
      return v;
    }
    int start = i;
    int len = numberLength(false);
    long v = decimal(start, len);
    if (v == Long.MIN_VALUE) {
      throw GiveUp.INSTANCE;
    }
    return v;
  }

  private Double readDouble() {
    if (peek() == '"') {
      // "NaN", "Infinity": the general reader's business.
      throw GiveUp.INSTANCE;
    }
    int start = i;
    int len = numberLength(true);
    if (len == 2 && b[start] == '-' && b[start + 1] == '0') {
      // An integer to JSON parsers: -0 is 0, without a sign.
      return 0.0;
    }
    return Double.parseDouble(new String(b, start, len, StandardCharsets.ISO_8859_1));
  }

  private Boolean readBoolean() {
    int c = peek();
    if (c == 't' && literal("true")) {
      return Boolean.TRUE;
    }
    if (c == 'f' && literal("false")) {
      return Boolean.FALSE;
    }
    throw GiveUp.INSTANCE;
  }

  /** A non-negative JSON integer (no sign, fraction or exponent) that fits a long. */
  private long readInt() {
    if (peek() == '"') {
      throw GiveUp.INSTANCE;
    }
    int start = i;
    int len = numberLength(false);
    if (b[start] == '-') {
      throw GiveUp.INSTANCE;
    }
    long v = decimal(start, len);
    if (v == Long.MIN_VALUE) {
      throw GiveUp.INSTANCE;
    }
    return v;
  }

  /** An unsigned 64-bit integer as a decimal string or a JSON integer, at most 2^63-1. */
  private long readUint64() {
    int start;
    int len;
    if (peek() == '"') {
      readString();
      start = str;
      len = strLen;
    } else {
      start = i;
      len = numberLength(false);
    }
    if (len == 0 || len > 19) {
      throw GiveUp.INSTANCE;
    }
    long v = 0;
    for (int k = start; k < start + len; k++) {
      int d = b[k] - '0';
      if (d < 0 || d > 9) {
        throw GiveUp.INSTANCE;
      }
      v = v * 10 + d;
    }
    if (v < 0) {
      throw GiveUp.INSTANCE;
    }
    return v;
  }

  /**
   * 1 to 18 digits after an optional minus sign, as {@code OtlpJsonReader} reads intValue strings;
   * {@link Long#MIN_VALUE} for anything else.
   */
  private long decimal(int off, int len) {
    int k = off;
    boolean negative = len > 1 && b[k] == '-';
    if (negative) {
      k++;
    }
    int digits = off + len - k;
    if (digits < 1 || digits > 18) {
      return Long.MIN_VALUE;
    }
    long v = 0;
    for (; k < off + len; k++) {
      int d = b[k] - '0';
      if (d < 0 || d > 9) {
        return Long.MIN_VALUE;
      }
      v = v * 10 + d;
    }
    return negative ? -v : v;
  }

  /**
   * Steps over a JSON number at {@code i} and returns its length; gives up on a number that is
   * not valid JSON, and on a fraction or exponent unless {@code real}.
   */
  private int numberLength(boolean real) {
    int start = i;
    if (i < end && b[i] == '-') {
      i++;
    }
    int digits = i;
    while (i < end && b[i] >= '0' && b[i] <= '9') {
      i++;
    }
    if (i == digits || (b[digits] == '0' && i - digits > 1)) {
      throw GiveUp.INSTANCE;
    }
    if (i < end && (b[i] == '.' || b[i] == 'e' || b[i] == 'E')) {
      if (!real) {
        throw GiveUp.INSTANCE;
      }
      if (b[i] == '.') {
        i++;
        int f = i;
        while (i < end && b[i] >= '0' && b[i] <= '9') {
          i++;
        }
        if (i == f) {
          throw GiveUp.INSTANCE;
        }
      }
      if (i < end && (b[i] == 'e' || b[i] == 'E')) {
        i++;
        if (i < end && (b[i] == '+' || b[i] == '-')) {
          i++;
        }
        int e = i;
        while (i < end && b[i] >= '0' && b[i] <= '9') {
          i++;
        }
        if (i == e) {
          throw GiveUp.INSTANCE;
        }
      }
    }
    if (i - start > MAX_NUMBER) {
      throw GiveUp.INSTANCE;
    }
    return i - start;
  }

  /**
   * Skips the value of a field this reader does not use. A snake_case name (generic protobuf
   * JSON) may be one that {@link OtlpJsonReader} reads, so it gives up on those.
   */
  private void skipUnknown() {
    if (indexOf(str, strLen, '_') >= 0) {
      throw GiveUp.INSTANCE;
    }
    skipValue();
  }

  /** Skips any JSON value, checking it as it goes (its nesting is bounded by {@link #open}). */
  private void skipValue() {
    int c = peek();
    switch (c) {
      case '"':
        readString();
        return;
      case '{':
        if (object()) {
          do {
            readName();
            skipValue();
          } while (comma('}'));
        }
        return;
      case '[':
        if (array()) {
          do {
            skipValue();
          } while (comma(']'));
        }
        return;
      case 't':
        if (literal("true")) {
          return;
        }
        throw GiveUp.INSTANCE;
      case 'f':
        if (literal("false")) {
          return;
        }
        throw GiveUp.INSTANCE;
      case 'n':
        if (literal("null")) {
          return;
        }
        throw GiveUp.INSTANCE;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          numberLength(true);
          return;
        }
        throw GiveUp.INSTANCE;
    }
  }

  private boolean literal(String word) {
    int n = word.length();
    if (i + n > end) {
      return false;
    }
    for (int k = 0; k < n; k++) {
      if (b[i + k] != word.charAt(k)) {
        return false;
      }
    }
    int after = i + n;
    if (after < end && (b[after] >= 'a' && b[after] <= 'z' || b[after] >= '0' && b[after] <= '9')) {
      return false;
    }
    i = after;
    return true;
  }

  /** Reads a string of printable ASCII without escapes into {@link #str} and {@link #strLen}. */
  private void readString() {
    if (peek() != '"') {
      throw GiveUp.INSTANCE;
    }
    int start = ++i;
    byte[] a = b;
    int k = start;
    int e = end;
    // Eight bytes at a time: the first quote ends the string unless a backslash, a control
    // character or a non-ASCII byte comes before it. (In each mask the lowest set bit is exact.)
    for (; k + 8 <= e; k += 8) {
      long w = (long) LONGS.get(a, k);
      long quote = w ^ QUOTES;
      long slash = w ^ BACKSLASHES;
      long quotes = (quote - ONES) & ~quote & HIGHS;
      long other = (((slash - ONES) & ~slash) | ((w - SPACES) & ~w) | w) & HIGHS;
      if ((quotes | other) != 0) {
        long first = quotes & -quotes;
        if (quotes == 0 || (other & (first - 1)) != 0) {
          throw GiveUp.INSTANCE;
        }
        int at = k + (Long.numberOfTrailingZeros(quotes) >>> 3);
        str = start;
        strLen = at - start;
        i = at + 1;
        return;
      }
    }
    while (k < e) {
      byte c = a[k];
      if (c == '"') {
        str = start;
        strLen = k - start;
        i = k + 1;
        return;
      }
      // Escapes, control characters and anything beyond ASCII (negative as a byte).
      if (c == '\\' || c < 0x20) {
        throw GiveUp.INSTANCE;
      }
      k++;
    }
    throw GiveUp.INSTANCE;
  }

  /**
   * A string value as text: shared with earlier equal text where it has no escapes, decoded
   * where it has them.
   */
  private String readText() {
    int at = i;
    String t;
    try {
      readString();
      t = text();
    } catch (GiveUp e) {
      i = at;
      t = decodeString();
    }
    if (t.length() > MAX_STRING) {
      throw GiveUp.INSTANCE;
    }
    return t;
  }

  /**
   * Appends the character encoded in UTF-8 at {@code b[k]} (a byte of 0x80 or more) and returns
   * where the next one starts. Only well-formed UTF-8: no overlong forms, no surrogates, nothing
   * past U+10FFFF; it gives up on anything else, which the general reader then judges.
   */
  private int utf8(int k, StringBuilder sb) {
    int lead = b[k] & 0xff;
    int more;
    int cp;
    if (lead >= 0xC2 && lead <= 0xDF) {
      more = 1;
      cp = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      more = 2;
      cp = lead & 0x0F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      more = 3;
      cp = lead & 0x07;
    } else {
      throw GiveUp.INSTANCE;
    }
    if (k + more >= end) {
      throw GiveUp.INSTANCE;
    }
    for (int j = 1; j <= more; j++) {
      int c = b[k + j] & 0xff;
      if ((c & 0xC0) != 0x80) {
        throw GiveUp.INSTANCE;
      }
      cp = (cp << 6) | (c & 0x3F);
    }
    if ((more == 2 && cp < 0x800) || (more == 3 && (cp < 0x10000 || cp > 0x10FFFF))
        || (cp >= 0xD800 && cp <= 0xDFFF)) {
      throw GiveUp.INSTANCE;
    }
    sb.appendCodePoint(cp);
    return k + more + 1;
  }

  /** A string with JSON escapes or UTF-8, decoded as JSON parsers do; gives up on anything else. */
  private String decodeString() {
    if (peek() != '"') {
      throw GiveUp.INSTANCE;
    }
    StringBuilder sb = decoded;
    sb.setLength(0);
    int k = i + 1;
    while (k < end) {
      byte c = b[k];
      if (c == '"') {
        i = k + 1;
        return sb.toString();
      }
      if (c < 0) {
        k = utf8(k, sb);
        continue;
      }
      if (c < 0x20) {
        throw GiveUp.INSTANCE;
      }
      if (c != '\\') {
        sb.append((char) c);
        k++;
        continue;
      }
      if (k + 1 >= end) {
        throw GiveUp.INSTANCE;
      }
      byte e = b[k + 1];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          sb.append((char) e);
          break;
        case 'b':
          sb.append('\b');
          break;
        case 'f':
          sb.append('\f');
          break;
        case 'n':
          sb.append('\n');
          break;
        case 'r':
          sb.append('\r');
          break;
        case 't':
          sb.append('\t');
          break;
        case 'u':
          if (k + 6 > end) {
            throw GiveUp.INSTANCE;
          }
          int v = 0;
          for (int d = k + 2; d < k + 6; d++) {
            int x = Character.digit(b[d], 16);
            if (x < 0) {
              throw GiveUp.INSTANCE;
            }
            v = (v << 4) | x;
          }
          sb.append((char) v);
          k += 4;
          break;
        default:
          throw GiveUp.INSTANCE;
      }
      k += 2;
    }
    throw GiveUp.INSTANCE;
  }

  /** Reads a field name and the colon after it. */
  private void readName() {
    readString();
    if (strLen > MAX_NAME) {
      throw GiveUp.INSTANCE;
    }
    expect(':');
  }

  private boolean nameIs(byte[] name) {
    if (strLen != name.length) {
      return false;
    }
    for (int k = 0; k < name.length; k++) {
      if (b[str + k] != name[k]) {
        return false;
      }
    }
    return true;
  }

  private String text() {
    return strings.ascii(b, str, strLen);
  }

  private int indexOf(int off, int len, char c) {
    for (int k = off; k < off + len; k++) {
      if (b[k] == c) {
        return k;
      }
    }
    return -1;
  }

  /** After a member: true at a comma (another follows), false at {@code close} (consumed). */
  private boolean comma(char close) {
    int c = peek();
    i++;
    if (c == ',') {
      return true;
    }
    if (c == close) {
      nesting--;
      return false;
    }
    throw GiveUp.INSTANCE;
  }

  /** Steps into an object: false when it is empty (and then past it). */
  private boolean object() {
    return open('{', '}');
  }

  /** Steps into an array: false when it is empty (and then past it). */
  private boolean array() {
    return open('[', ']');
  }

  private boolean open(char c, char close) {
    expect(c);
    // Empty or not, this level counts against the general reader's limit (kept one short of it).
    if (nesting + 1 >= MAX_NESTING) {
      throw GiveUp.INSTANCE;
    }
    if (peek() == close) {
      i++;
      return false;
    }
    nesting++;
    return true;
  }

  private void expect(char c) {
    if (peek() != c) {
      throw GiveUp.INSTANCE;
    }
    i++;
  }

  /** The next byte that is not white space, not consumed. */
  private int peek() {
    ws();
    if (i >= end) {
      throw GiveUp.INSTANCE;
    }
    return b[i];
  }

  private void ws() {
    while (i < end) {
      byte c = b[i];
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        i++;
      } else {
        return;
      }
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
