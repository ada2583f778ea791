package dev.traceguard.analyzers.model;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compact, column-oriented storage for spans: fixed fields in primitive columns, attributes,
 * events and links in a byte arena with interned keys and low-cardinality values. About 90 bytes
 * a span plus its attributes, so millions of spans fit in a small heap.
 *
 * <p>Spans are addressed by their index, {@code 0 <= i < size()}. Exact duplicates (same ids and
 * identical content, wherever they were read) are merged on {@link #add} and counted; spans that
 * share ids but differ are all kept and listed by {@link #idConflicts()}.
 */
public final class SpanStore {
  /** Distinct values per attribute key interned before the key counts as high-cardinality. */
  private static final int VALUE_INTERN_LIMIT = 2048;
  private static final int MAX_INLINE_STRING = 4096;

  private static final int TAG_STR_REF = 0;
  private static final int TAG_STR = 1;
  private static final int TAG_LONG = 2;
  private static final int TAG_DOUBLE = 3;
  private static final int TAG_TRUE = 4;
  private static final int TAG_FALSE = 5;

  private final LongColumn traceHi = new LongColumn();
  private final LongColumn traceLo = new LongColumn();
  private final LongColumn spanIds = new LongColumn();
  private final LongColumn parentIds = new LongColumn();
  private final LongColumn starts = new LongColumn();
  private final LongColumn ends = new LongColumn();
  private final LongColumn details = new LongColumn();
  private final IntColumn flagColumn = new IntColumn();
  private final IntColumn bits = new IntColumn();
  private final IntColumn resourceColumn = new IntColumn();
  private final IntColumn nameColumn = new IntColumn();
  private final IntColumn lineColumn = new IntColumn();

  private final StringTable names = new StringTable();
  private final StringTable values = new StringTable();
  private int[] distinctPerKey = new int[64];
  private final List<Resource> resources = new ArrayList<>();
  private final Map<Resource, Integer> resourceIds = new HashMap<>();
  private Resource lastResource;
  private int lastResourceId;
  /** Resource instances seen lately and their ids, by identity (readers on several threads each have their own). */
  private final Resource[] recentResources = new Resource[16];
  private final int[] recentResourceIds = new int[16];
  private int nextRecent;
  private final ByteArena arena = new ByteArena();

  /**
   * Open-addressing index by (trace id, span id): each entry holds the span's index + 1 in its low
   * 32 bits and a 32-bit hash of the ids above, so a probe rarely touches the columns of a span
   * that is not the one sought, and growing the table needs no columns at all: an entry's home
   * slot comes from its hash. 0 is empty.
   */
  private long[] index = new long[1 << 12];
  private long exactDuplicates;
  private final List<int[]> conflicts = new ArrayList<>();

  private byte[] buf = new byte[256];
  private int len;

  /** What {@link #add} did with a span. */
  public enum AddResult {
    /** Stored as a new span. */
    ADDED,
    /** Identical to a span already stored; counted, not stored again. */
    DUPLICATE
  }

  /** Number of stored spans. */
  public int size() {
    return traceHi.size();
  }

  /**
   * Copies {@code s} into the store.
   *
   * @param s the span; not retained
   * @param input index of the input it was read from
   */
  public AddResult add(MutableSpan s, int input) {
    len = 0;
    encodeDetail(s);
    int res = resourceId(s.resource);
    int nameId = names.intern(s.name);
    int packed =
        s.kind.ordinal()
            | s.status.ordinal() << 3
            | s.traceId.state.ordinal() << 5
            | s.spanId.state.ordinal() << 8
            | s.parentSpanId.state.ordinal() << 11
            | Math.min(input, 0x3ffff) << 14;
    long th = s.traceId.hi;
    long tl = s.traceId.lo;
    long sid = s.spanId.lo;

    int slot = slot(th, tl, sid);
    int first = (int) index[slot] - 1;
    if (first >= 0) {
      if (sameContent(first, s, res, nameId, packed)) {
        exactDuplicates++;
        return AddResult.DUPLICATE;
      }
      for (int[] pair : conflicts) {
        if (pair[0] == first && sameContent(pair[1], s, res, nameId, packed)) {
          exactDuplicates++;
          return AddResult.DUPLICATE;
        }
      }
    }
    int i = size();
    traceHi.add(th);
    traceLo.add(tl);
    spanIds.add(sid);
    parentIds.add(s.parentSpanId.lo);
    starts.add(s.startUnixNano);
    ends.add(s.endUnixNano);
    details.add(arena.append(buf, len));
    flagColumn.add(s.flags);
    bits.add(packed);
    resourceColumn.add(res);
    nameColumn.add(nameId);
    lineColumn.add((int) Math.min(Integer.MAX_VALUE, Math.max(0, s.line)));
    if (first >= 0) {
      conflicts.add(new int[] {first, i});
    } else {
      index[slot] = (long) hash(th, tl, sid) << 32 | (i + 1);
      // With the hash bits in the entry a probe costs little until the table is nearly full.
      if (size() * 4L > index.length * 3L) {
        rehash();
      }
    }
    return AddResult.ADDED;
  }

  private boolean sameContent(int j, MutableSpan s, int res, int nameId, int packed) {
    if (traceHi.get(j) != s.traceId.hi
        || traceLo.get(j) != s.traceId.lo
        || spanIds.get(j) != s.spanId.lo
        || parentIds.get(j) != s.parentSpanId.lo
        || starts.get(j) != s.startUnixNano
        || ends.get(j) != s.endUnixNano
        || flagColumn.get(j) != s.flags
        || (bits.get(j) & 0x3fff) != (packed & 0x3fff)
        || resourceColumn.get(j) != res
        || nameColumn.get(j) != nameId) {
      return false;
    }
    long addr = details.get(j);
    byte[] chunk = arena.chunk(addr);
    int off = ByteArena.offset(addr);
    // The encoding is prefix-free, so equal leading bytes mean equal records.
    return off + len <= chunk.length && Arrays.equals(chunk, off, off + len, buf, 0, len);
  }

  private int slot(long th, long tl, long sid) {
    int fp = hash(th, tl, sid);
    int mask = index.length - 1;
    int h = home(fp) & mask;
    while (true) {
      long entry = index[h];
      if (entry == 0) {
        return h;
      }
      if ((int) (entry >>> 32) == fp) {
        int e = (int) entry - 1;
        if (spanIds.get(e) == sid && traceLo.get(e) == tl && traceHi.get(e) == th) {
          return h;
        }
      }
      h = (h + 1) & mask;
    }
  }

  private static int hash(long th, long tl, long sid) {
    long x = th * 0x9E3779B97F4A7C15L ^ tl * 0xC2B2AE3D27D4EB4FL ^ sid * 0x165667B19E3779F9L;
    x ^= x >>> 31;
    x *= 0xBF58476D1CE4E5B9L;
    x ^= x >>> 29;
    return (int) (x >>> 32);
  }

  /**
   * The home slot (before masking) of a hash: a bijective remix, so spans sharing a home slot
   * still differ in their stored hash bits.
   */
  private static int home(int hash) {
    int h = hash * 0x9E3779B9;
    return h ^ (h >>> 16);
  }

  private void rehash() {
    long[] old = index;
    index = new long[old.length * 2];
    int mask = index.length - 1;
    for (long entry : old) {
      if (entry != 0) {
        int h = home((int) (entry >>> 32)) & mask;
        while (index[h] != 0) {
          h = (h + 1) & mask;
        }
        index[h] = entry;
      }
    }
  }

  /**
   * Reads the index slot where {@code s} would go, so that a batch of spans touched before being
   * added has its (independent, overlapping) cache misses paid in one go rather than one by one.
   *
   * @return a value of no meaning, to be kept by the caller so the read is not optimised away
   */
  public long touch(MutableSpan s) {
    return index[home(hash(s.traceId.hi, s.traceId.lo, s.spanId.lo)) & (index.length - 1)];
  }

  /** Index of the first stored span with these ids, or -1. */
  public int find(long traceIdHi, long traceIdLo, long spanId) {
    return (int) index[slot(traceIdHi, traceIdLo, spanId)] - 1;
  }

  /** How many exact duplicates were merged away. */
  public long exactDuplicates() {
    return exactDuplicates;
  }

  /**
   * Pairs of span indexes that share trace and span id but differ in content: {@code [first,
   * other]}, where {@code first} is the one {@link #find} returns.
   */
  public List<int[]> idConflicts() {
    return Collections.unmodifiableList(conflicts);
  }

  /** Bytes held in the attribute arena (for diagnostics). */
  public long arenaBytes() {
    return arena.bytesUsed();
  }

  // ---- fixed fields

  /** High 8 bytes of the trace id. */
  public long traceIdHi(int i) {
    return traceHi.get(i);
  }

  /** Low 8 bytes of the trace id. */
  public long traceIdLo(int i) {
    return traceLo.get(i);
  }

  /** The span id. */
  public long spanId(int i) {
    return spanIds.get(i);
  }

  /** The parent span id (0 when {@link #parentIdState} is EMPTY). */
  public long parentSpanId(int i) {
    return parentIds.get(i);
  }

  /** Whether the span names a parent (a non-empty parent id, valid or not). */
  public boolean hasParent(int i) {
    return parentIdState(i) != IdState.EMPTY;
  }

  /** Start time, ns since the epoch. */
  public long start(int i) {
    return starts.get(i);
  }

  /** End time, ns since the epoch. */
  public long end(int i) {
    return ends.get(i);
  }

  /** OTLP span flags. */
  public int flags(int i) {
    return flagColumn.get(i);
  }

  /** Span kind. */
  public SpanKind kind(int i) {
    return SpanKind.ofNumber(bits.get(i) & 7);
  }

  /** Status code. */
  public StatusCode status(int i) {
    return StatusCode.ofNumber((bits.get(i) >>> 3) & 3);
  }

  /** State of the trace id as read. */
  public IdState traceIdState(int i) {
    return IdState.ofOrdinal((bits.get(i) >>> 5) & 7);
  }

  /** State of the span id as read. */
  public IdState spanIdState(int i) {
    return IdState.ofOrdinal((bits.get(i) >>> 8) & 7);
  }

  /** State of the parent id as read. */
  public IdState parentIdState(int i) {
    return IdState.ofOrdinal((bits.get(i) >>> 11) & 7);
  }

  /** Index of the input the span was read from. */
  public int input(int i) {
    return bits.get(i) >>> 14;
  }

  /** Line (or record number) in its input, 1-based; 0 unknown. */
  public int line(int i) {
    return lineColumn.get(i);
  }

  /** Span name. */
  public String name(int i) {
    return names.get(nameColumn.get(i));
  }

  /** An int standing for the span name; equal names give equal ids. */
  public int nameId(int i) {
    return nameColumn.get(i);
  }

  /** The producing resource. */
  public Resource resource(int i) {
    return resources.get(resourceColumn.get(i));
  }

  /** An int standing for the resource; equal resources give equal ids. */
  public int resourceId(int i) {
    return resourceColumn.get(i);
  }

  /** Number of distinct resources; resource ids run from 0 to this, exclusive. */
  public int resourceCount() {
    return resources.size();
  }

  /** The resource with id {@code id}. */
  public Resource resourceAt(int id) {
    return resources.get(id);
  }

  /** {@code service.name} of the producing resource. */
  public String serviceName(int i) {
    return resource(i).serviceName();
  }

  /** Trace id in lower-case hex (or the raw text when it was not usable). */
  public String traceIdHex(int i) {
    IdState st = traceIdState(i);
    if (st == IdState.VALID || st == IdState.ALL_ZERO) {
      return Ids.traceHex(traceIdHi(i), traceIdLo(i));
    }
    String raw = rawId(i, 0);
    return raw == null ? "" : raw;
  }

  /** Span id in lower-case hex (or the raw text when it was not usable). */
  public String spanIdHex(int i) {
    IdState st = spanIdState(i);
    if (st == IdState.VALID || st == IdState.ALL_ZERO) {
      return Ids.spanHex(spanId(i));
    }
    String raw = rawId(i, 1);
    return raw == null ? "" : raw;
  }

  /** Parent id in lower-case hex, the raw text when it was not usable, or "" for none. */
  public String parentSpanIdHex(int i) {
    IdState st = parentIdState(i);
    if (st == IdState.VALID || st == IdState.ALL_ZERO) {
      return Ids.spanHex(parentSpanId(i));
    }
    String raw = rawId(i, 2);
    return raw == null ? "" : raw;
  }

  // ---- variable fields

  /** All span attributes. */
  public Attributes attributes(int i) {
    Cursor c = cursor(i);
    return c.readAttributes();
  }

  /** One span attribute, or null. */
  public Object attribute(int i, String key) {
    int keyId = names.find(key);
    if (keyId < 0) {
      return null;
    }
    Cursor c = cursor(i);
    int n = c.varint();
    for (int k = 0; k < n; k++) {
      int kid = c.varint();
      if (kid == keyId) {
        return c.readValue();
      }
      c.skipValue();
    }
    return null;
  }

  /** Receives one span's attributes as they are stored, without building objects. */
  public interface AttributeVisitor {
    /** An integer attribute. */
    void longValue(int keyId, long value);

    /** A floating-point attribute. */
    void doubleValue(int keyId, double value);

    /** A boolean attribute. */
    void booleanValue(int keyId, boolean value);

    /**
     * A string attribute: {@code valueId} names it in {@link #valueString}, or is -1 for a value
     * stored inline (longer than 256 characters, or past the distinct values kept per key).
     */
    void stringValue(int keyId, int valueId);
  }

  /** Calls {@code v} once for every attribute of span {@code i}, in order. */
  public void visitAttributes(int i, AttributeVisitor v) {
    Cursor c = cursor(i);
    int n = c.varint();
    for (int k = 0; k < n; k++) {
      int keyId = c.varint();
      c.visitValue(keyId, v);
    }
  }

  /** The id of attribute key {@code key} as {@link AttributeVisitor} reports it, or -1 if unused. */
  public int keyId(String key) {
    return names.find(key);
  }

  /**
   * Which of the keys in {@code keyIds} (ids from {@link #keyId}; -1 entries never match) span
   * {@code i} has, as bit {@code k} for {@code keyIds[k]}; one pass over its attributes, no
   * values decoded. At most 64 keys.
   */
  public long attributeMask(int i, int[] keyIds) {
    Cursor c = cursor(i);
    int n = c.varint();
    long mask = 0;
    for (int a = 0; a < n; a++) {
      int kid = c.varint();
      for (int k = 0; k < keyIds.length; k++) {
        if (keyIds[k] == kid) {
          mask |= 1L << k;
        }
      }
      c.skipValue();
    }
    return mask;
  }

  /** The attribute key with id {@code keyId}. */
  public String keyName(int keyId) {
    return names.get(keyId);
  }

  /** Upper bound (exclusive) of key ids so far. */
  public int keyIdLimit() {
    return names.size();
  }

  /** The id of string value {@code value} as {@link AttributeVisitor} reports it, or -1. */
  public int valueId(String value) {
    return values.find(value);
  }

  /** The string value with id {@code valueId}. */
  public String valueString(int valueId) {
    return values.get(valueId);
  }

  /** Status message, or null. */
  public String statusMessage(int i) {
    Cursor c = cursor(i);
    c.skipAttributes();
    return c.readOptionalString();
  }

  /** W3C trace state, or null. */
  public String traceState(int i) {
    Cursor c = cursor(i);
    c.skipAttributes();
    c.readOptionalString();
    return c.readOptionalString();
  }

  /** Instrumentation scope name. */
  public String scopeName(int i) {
    Cursor c = cursor(i);
    c.skipAttributes();
    c.readOptionalString();
    c.readOptionalString();
    return names.get(c.varint());
  }

  /** Span events. */
  public List<SpanEvent> events(int i) {
    Cursor c = cursor(i);
    c.skipToEvents();
    int n = c.varint();
    if (n == 0) {
      return List.of();
    }
    long start = start(i);
    List<SpanEvent> out = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      long t = start + c.zigzag();
      String name = names.get(c.varint());
      out.add(new SpanEvent(name, t, c.readAttributes()));
    }
    return out;
  }

  /** Span links. */
  public List<SpanLink> links(int i) {
    Cursor c = cursor(i);
    c.skipToEvents();
    c.skipEvents();
    int n = c.varint();
    if (n == 0) {
      return List.of();
    }
    List<SpanLink> out = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      long th = c.fixed64();
      long tl = c.fixed64();
      long sid = c.fixed64();
      boolean valid = c.varint() == 1;
      int flags = c.varint();
      out.add(new SpanLink(th, tl, sid, valid, flags, c.readAttributes()));
    }
    return out;
  }

  /** Whether the span has any link. */
  public boolean hasLinks(int i) {
    Cursor c = cursor(i);
    c.skipToEvents();
    c.skipEvents();
    return c.varint() > 0;
  }

  private String rawId(int i, int which) {
    Cursor c = cursor(i);
    c.skipToEvents();
    c.skipEvents();
    c.skipLinks();
    int mask = c.varint();
    for (int k = 0; k < 3; k++) {
      if ((mask & (1 << k)) != 0) {
        String s = c.readString();
        if (k == which) {
          return s;
        }
      }
    }
    return null;
  }

  private Cursor cursor(int i) {
    long addr = details.get(i);
    return new Cursor(arena.chunk(addr), ByteArena.offset(addr));
  }

  private int resourceId(Resource r) {
    // Spans of one resource arrive together and share its instance: skip the deep comparison.
    if (r == lastResource) {
      return lastResourceId;
    }
    int id = -1;
    for (int k = 0; k < recentResources.length; k++) {
      if (recentResources[k] == r) {
        id = recentResourceIds[k];
        break;
      }
    }
    if (id < 0) {
      Integer known = resourceIds.get(r);
      if (known == null) {
        known = resources.size();
        resources.add(r);
        resourceIds.put(r, known);
      }
      id = known;
      recentResources[nextRecent] = r;
      recentResourceIds[nextRecent] = id;
      nextRecent = (nextRecent + 1) & (recentResources.length - 1);
    }
    lastResource = r;
    lastResourceId = id;
    return id;
  }

  // ---- encoding

  private void encodeDetail(MutableSpan s) {
    writeAttributes(s.attributes);
    writeOptionalString(s.statusMessage);
    writeOptionalString(s.traceState);
    writeVarint(names.intern(s.scopeName));
    writeVarint(s.events.size());
    for (int k = 0; k < s.events.size(); k++) {
      SpanEvent e = s.events.get(k);
      writeZigzag(e.timeUnixNano() - s.startUnixNano);
      writeVarint(names.intern(e.name()));
      writeAttributes(e.attributes());
    }
    writeVarint(s.links.size());
    for (int k = 0; k < s.links.size(); k++) {
      SpanLink l = s.links.get(k);
      writeFixed64(l.traceIdHi());
      writeFixed64(l.traceIdLo());
      writeFixed64(l.spanId());
      writeVarint(l.valid() ? 1 : 0);
      writeVarint(l.flags());
      writeAttributes(l.attributes());
    }
    int mask = 0;
    if (s.traceId.raw != null) {
      mask |= 1;
    }
    if (s.spanId.raw != null) {
      mask |= 2;
    }
    if (s.parentSpanId.raw != null) {
      mask |= 4;
    }
    writeVarint(mask);
    if (s.traceId.raw != null) {
      writeString(s.traceId.raw);
    }
    if (s.spanId.raw != null) {
      writeString(s.spanId.raw);
    }
    if (s.parentSpanId.raw != null) {
      writeString(s.parentSpanId.raw);
    }
  }

  private void writeAttributes(KeyValues a) {
    int size = a.size();
    writeVarint(size);
    for (int k = 0; k < size; k++) {
      int keyId = names.intern(a.key(k));
      writeVarint(keyId);
      Object v = a.value(k);
      if (v instanceof String) {
        writeStringValue(keyId, (String) v);
      } else if (v instanceof Long) {
        ensure(11);
        buf[len++] = TAG_LONG;
        writeZigzag((Long) v);
      } else if (v instanceof Double) {
        ensure(9);
        buf[len++] = TAG_DOUBLE;
        writeFixed64(Double.doubleToRawLongBits((Double) v));
      } else if (v instanceof Boolean) {
        ensure(1);
        buf[len++] = (byte) ((Boolean) v ? TAG_TRUE : TAG_FALSE);
      } else {
        writeStringValue(keyId, String.valueOf(v));
      }
    }
  }

  private void writeStringValue(int keyId, String v) {
    int ref = values.find(v);
    if (ref < 0 && v.length() <= 256) {
      if (keyId >= distinctPerKey.length) {
        distinctPerKey = Arrays.copyOf(distinctPerKey, Math.max(keyId + 1, distinctPerKey.length * 2));
      }
      if (distinctPerKey[keyId] < VALUE_INTERN_LIMIT) {
        distinctPerKey[keyId]++;
        ref = values.intern(v);
      }
    }
    ensure(1);
    if (ref >= 0) {
      buf[len++] = TAG_STR_REF;
      writeVarint(ref);
    } else {
      buf[len++] = TAG_STR;
      writeString(v.length() > MAX_INLINE_STRING ? v.substring(0, MAX_INLINE_STRING) + "…" : v);
    }
  }

  private void writeOptionalString(String s) {
    if (s == null || s.isEmpty()) {
      writeVarint(0);
    } else {
      writeVarint(1);
      writeString(s.length() > MAX_INLINE_STRING ? s.substring(0, MAX_INLINE_STRING) + "…" : s);
    }
  }

  private void writeString(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    writeVarint(b.length);
    ensure(b.length);
    System.arraycopy(b, 0, buf, len, b.length);
    len += b.length;
  }

  private void writeVarint(int v) {
    writeVarLong(v & 0xffffffffL);
  }

  private void writeZigzag(long v) {
    writeVarLong((v << 1) ^ (v >> 63));
  }

  private void writeVarLong(long v) {
    ensure(10);
    while ((v & ~0x7fL) != 0) {
      buf[len++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    buf[len++] = (byte) v;
  }

  private void writeFixed64(long v) {
    ensure(8);
    for (int k = 56; k >= 0; k -= 8) {
      buf[len++] = (byte) (v >>> k);
    }
  }

  private void ensure(int extra) {
    if (len + extra > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
    }
  }

  /** Sequential decoder over one span's detail record. */
  private final class Cursor {
    private final byte[] b;
    private int p;

    Cursor(byte[] b, int p) {
      this.b = b;
      this.p = p;
    }

    long varlong() {
      long v = 0;
      int shift = 0;
      while (true) {
        byte x = b[p++];
        v |= (long) (x & 0x7f) << shift;
        if (x >= 0) {
          return v;
        }
        shift += 7;
      }
    }

    int varint() {
      return (int) varlong();
    }

    long zigzag() {
      long v = varlong();
      return (v >>> 1) ^ -(v & 1);
    }

    long fixed64() {
      long v = 0;
      for (int k = 0; k < 8; k++) {
        v = (v << 8) | (b[p++] & 0xff);
      }
      return v;
    }

    String readString() {
      int n = varint();
      String s = new String(b, p, n, StandardCharsets.UTF_8);
      p += n;
      return s;
    }

    String readOptionalString() {
      return varint() == 0 ? null : readString();
    }

    Object readValue() {
      int tag = b[p++];
      switch (tag) {
        case TAG_STR_REF:
          return values.get(varint());
        case TAG_STR:
          return readString();
        case TAG_LONG:
          return zigzag();
        case TAG_DOUBLE:
          return Double.longBitsToDouble(fixed64());
        case TAG_TRUE:
          return Boolean.TRUE;
        default:
          return Boolean.FALSE;
      }
    }

    void visitValue(int keyId, AttributeVisitor v) {
      int tag = b[p++];
      switch (tag) {
        case TAG_STR_REF:
          v.stringValue(keyId, varint());
          break;
        case TAG_STR:
          int skip = varint();
          p += skip;
          v.stringValue(keyId, -1);
          break;
        case TAG_LONG:
          v.longValue(keyId, zigzag());
          break;
        case TAG_DOUBLE:
          v.doubleValue(keyId, Double.longBitsToDouble(fixed64()));
          break;
        default:
          v.booleanValue(keyId, tag == TAG_TRUE);
          break;
      }
    }

    void skipValue() {
      int tag = b[p++];
      switch (tag) {
        case TAG_STR_REF:
        case TAG_LONG:
          varlong();
          break;
        case TAG_STR:
          int skip = varint();
          p += skip;
          break;
        case TAG_DOUBLE:
          p += 8;
          break;
        default:
          break;
      }
    }

    Attributes readAttributes() {
      int n = varint();
      if (n == 0) {
        return Attributes.empty();
      }
      Attributes.Builder a = Attributes.builder();
      for (int k = 0; k < n; k++) {
        String key = names.get(varint());
        a.put(key, readValue());
      }
      return a.build();
    }

    void skipAttributes() {
      int n = varint();
      for (int k = 0; k < n; k++) {
        varint();
        skipValue();
      }
    }

    void skipToEvents() {
      skipAttributes();
      readOptionalStringSkip();
      readOptionalStringSkip();
      varint();
    }

    private void readOptionalStringSkip() {
      if (varint() != 0) {
        int skip = varint();
        p += skip;
      }
    }

    void skipEvents() {
      int n = varint();
      for (int k = 0; k < n; k++) {
        varlong();
        varint();
        skipAttributes();
      }
    }

    void skipLinks() {
      int n = varint();
      for (int k = 0; k < n; k++) {
        p += 24;
        varint();
        varint();
        skipAttributes();
      }
    }
  }
}
