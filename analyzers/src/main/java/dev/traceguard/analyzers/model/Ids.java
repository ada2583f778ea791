package dev.traceguard.analyzers.model;

/** Parsing and printing of trace and span ids (hex, case-insensitive, printed in lower case). */
public final class Ids {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Ids() {}

  /** The value of one hex digit, or -1. */
  public static int hexValue(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /**
   * Classifies {@code text} as an id of {@code bytes} bytes. Hex digits only; upper case is
   * accepted as the OTLP/JSON encoding says ids are case-insensitive.
   */
  public static IdState classify(CharSequence text, int bytes) {
    if (text == null || text.length() == 0) {
      return IdState.EMPTY;
    }
    boolean zero = true;
    for (int i = 0; i < text.length(); i++) {
      int v = hexValue(text.charAt(i));
      if (v < 0) {
        return IdState.NOT_HEX;
      }
      zero &= v == 0;
    }
    if (text.length() != bytes * 2) {
      return IdState.WRONG_LENGTH;
    }
    return zero ? IdState.ALL_ZERO : IdState.VALID;
  }

  /** Parses up to 16 hex digits starting at {@code from}; the caller has checked them. */
  public static long parseHex(CharSequence text, int from, int to) {
    long v = 0;
    for (int i = from; i < to; i++) {
      v = (v << 4) | hexValue(text.charAt(i));
    }
    return v;
  }

  /** Classifies raw id bytes as an id of {@code bytes} bytes. */
  public static IdState classify(byte[] raw, int bytes) {
    if (raw == null || raw.length == 0) {
      return IdState.EMPTY;
    }
    if (raw.length != bytes) {
      return IdState.WRONG_LENGTH;
    }
    for (byte b : raw) {
      if (b != 0) {
        return IdState.VALID;
      }
    }
    return IdState.ALL_ZERO;
  }

  /** Big-endian long from {@code raw[from..from+8)}. */
  public static long longFrom(byte[] raw, int from) {
    long v = 0;
    for (int i = from; i < from + 8; i++) {
      v = (v << 8) | (raw[i] & 0xff);
    }
    return v;
  }

  /** Lower-case hex of raw bytes. */
  public static String hex(byte[] raw) {
    char[] out = new char[raw.length * 2];
    for (int i = 0; i < raw.length; i++) {
      out[2 * i] = HEX[(raw[i] >> 4) & 0xf];
      out[2 * i + 1] = HEX[raw[i] & 0xf];
    }
    return new String(out);
  }

  /** 16 lower-case hex digits. */
  public static String spanHex(long id) {
    char[] out = new char[16];
    for (int i = 15; i >= 0; i--) {
      out[i] = HEX[(int) (id & 0xf)];
      id >>>= 4;
    }
    return new String(out);
  }

  /** 32 lower-case hex digits. */
  public static String traceHex(long hi, long lo) {
    return spanHex(hi) + spanHex(lo);
  }
}
