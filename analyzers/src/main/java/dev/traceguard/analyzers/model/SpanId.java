package dev.traceguard.analyzers.model;

/**
 * A trace or span id as read: its value when valid, its state, and the raw text when it was not
 * usable (for evidence).
 */
public final class SpanId {
  long hi;
  long lo;
  IdState state = IdState.EMPTY;
  String raw;
  private final int bytes;

  SpanId(int bytes) {
    this.bytes = bytes;
  }

  /** Makes this id a copy of {@code o}, an id of the same length. */
  public void copyFrom(SpanId o) {
    hi = o.hi;
    lo = o.lo;
    state = o.state;
    raw = o.raw;
  }

  /** Sets the id from its OTLP/JSON hex text. */
  public void setHex(CharSequence text) {
    state = Ids.classify(text, bytes);
    raw = null;
    hi = 0;
    lo = 0;
    if (state == IdState.VALID || state == IdState.ALL_ZERO) {
      if (bytes == 16) {
        hi = Ids.parseHex(text, 0, 16);
        lo = Ids.parseHex(text, 16, 32);
      } else {
        lo = Ids.parseHex(text, 0, 16);
      }
    } else if (state != IdState.EMPTY) {
      raw = text.length() > 80 ? text.subSequence(0, 80) + "…" : text.toString();
    }
  }

  /** Sets the id from hex text in {@code chars[off..off+len)}, without allocating when valid. */
  public void setHex(char[] chars, int off, int len) {
    if (len == bytes * 2) {
      long h = 0;
      long l = 0;
      boolean hex = true;
      for (int i = 0; i < len && hex; i++) {
        int v = Ids.hexValue(chars[off + i]);
        if (v < 0) {
          hex = false;
        } else if (bytes == 16 && i < 16) {
          h = (h << 4) | v;
        } else {
          l = (l << 4) | v;
        }
      }
      if (hex) {
        hi = h;
        lo = l;
        state = h == 0 && l == 0 ? IdState.ALL_ZERO : IdState.VALID;
        raw = null;
        return;
      }
    }
    setHex(java.nio.CharBuffer.wrap(chars, off, len));
  }

  /**
   * Sets the id from lower-case hex in {@code text[off..off+len)} (ASCII bytes), or to empty when
   * {@code len} is 0, and says so; returns false, leaving the id as it was, for anything else
   * (upper case, the wrong length, not hex), which {@link #setHex(char[], int, int)} then handles.
   */
  public boolean setLowerHex(byte[] text, int off, int len) {
    if (len == 0) {
      clear();
      return true;
    }
    if (len != bytes * 2) {
      return false;
    }
    long h = 0;
    long l;
    int at = off;
    if (bytes == 16) {
      h = hex16(text, at);
      at += 16;
    }
    l = hex16(text, at);
    if (h == -1 || l == -1) {
      // -1 is also sixteen 'f's: check before giving up.
      if (!lowerHex(text, off, len)) {
        return false;
      }
    }
    hi = h;
    lo = l;
    state = h == 0 && l == 0 ? IdState.ALL_ZERO : IdState.VALID;
    raw = null;
    return true;
  }

  private static final byte[] HEX = new byte[256];

  static {
    java.util.Arrays.fill(HEX, (byte) -1);
    for (int c = '0'; c <= '9'; c++) {
      HEX[c] = (byte) (c - '0');
    }
    for (int c = 'a'; c <= 'f'; c++) {
      HEX[c] = (byte) (c - 'a' + 10);
    }
  }

  /** Sixteen lower-case hex digits as a long; -1 when one is not such a digit. */
  private static long hex16(byte[] t, int at) {
    long v = 0;
    int bad = 0;
    for (int k = 0; k < 16; k++) {
      int d = HEX[t[at + k] & 0xff];
      bad |= d;
      v = (v << 4) | (d & 0xf);
    }
    return bad < 0 ? -1 : v;
  }

  private static boolean lowerHex(byte[] t, int off, int len) {
    for (int k = off; k < off + len; k++) {
      if (HEX[t[k] & 0xff] < 0) {
        return false;
      }
    }
    return true;
  }

  /** Sets the id from protobuf bytes. */
  public void setBytes(byte[] value) {
    state = Ids.classify(value, bytes);
    raw = null;
    hi = 0;
    lo = 0;
    if (state == IdState.VALID || state == IdState.ALL_ZERO) {
      if (bytes == 16) {
        hi = Ids.longFrom(value, 0);
        lo = Ids.longFrom(value, 8);
      } else {
        lo = Ids.longFrom(value, 0);
      }
    } else if (state != IdState.EMPTY) {
      raw = Ids.hex(value);
    }
  }

  /** Sets a well-formed id directly. */
  public void set(long hi, long lo) {
    this.hi = hi;
    this.lo = lo;
    this.state = hi == 0 && lo == 0 ? IdState.ALL_ZERO : IdState.VALID;
    this.raw = null;
  }

  /** Marks the id absent. */
  public void clear() {
    hi = 0;
    lo = 0;
    state = IdState.EMPTY;
    raw = null;
  }

  /** High 8 bytes (trace ids only). */
  public long hi() {
    return hi;
  }

  /** Low 8 bytes (the whole value for span ids). */
  public long lo() {
    return lo;
  }

  /** The id's state. */
  public IdState state() {
    return state;
  }

  /** The raw text of an unusable id, or null. */
  public String raw() {
    return raw;
  }
}
