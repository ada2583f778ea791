package dev.traceguard.analyzers.io.otlp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Hands back the same {@code String} for text that repeats (attribute keys, span names, most
 * attribute values), so parsing does not make a new string of each: fewer, cheaper collections
 * on big dumps, and the store's lookups find the hash already computed. Direct-mapped and bounded:
 * a slot holds the last short string that hashed to it.
 */
final class StringCache {
  private static final int MAX_LENGTH = 64;
  private final String[] slots = new String[1 << 12];
  /** The characters of each slot's string, for a vectorised comparison. */
  private final char[][] chars = new char[1 << 12][];

  private final String[] byteSlots = new String[1 << 12];

  /** The text of the ASCII bytes {@code b[off, off + len)}. */
  String ascii(byte[] b, int off, int len) {
    if (len > MAX_LENGTH) {
      return new String(b, off, len, StandardCharsets.ISO_8859_1);
    }
    if (len == 0) {
      return "";
    }
    int h = len * 0x9E3779B9 + b[off] * 31 + b[off + len - 1] * 961 + b[off + (len >> 1)] * 29791
        + b[off + len - 2 >= off ? off + len - 2 : off] * 923521;
    h ^= h >>> 15;
    int slot = (h ^ (h >>> 12)) & (byteSlots.length - 1);
    String cached = byteSlots[slot];
    if (cached != null && sameText(cached, b, off, len)) {
      return cached;
    }
    String s = new String(b, off, len, StandardCharsets.ISO_8859_1);
    byteSlots[slot] = s;
    return s;
  }

  /** Whether {@code s} is the text of the ASCII bytes {@code b[off, off + len)}. */
  private static boolean sameText(String s, byte[] b, int off, int len) {
    if (s.length() != len) {
      return false;
    }
    for (int k = 0; k < len; k++) {
      if (s.charAt(k) != b[off + k]) {
        return false;
      }
    }
    return true;
  }

  /** The text of {@code chars[off, off + len)}. */
  String get(char[] chars, int off, int len) {
    if (len > MAX_LENGTH) {
      return new String(chars, off, len);
    }
    if (len == 0) {
      return "";
    }
    // A few characters pick the slot (a full hash costs more than the comparison it saves); the
    // comparison decides.
    int h = len * 0x9E3779B9 + chars[off] * 31 + chars[off + len - 1] * 961 + chars[off + (len >> 1)] * 29791
        + chars[off + len - 2 >= off ? off + len - 2 : off] * 923521;
    h ^= h >>> 15;
    int slot = (h ^ (h >>> 12)) & (slots.length - 1);
    char[] cached = this.chars[slot];
    if (cached != null && cached.length == len && Arrays.equals(cached, 0, len, chars, off, off + len)) {
      return slots[slot];
    }
    String s = new String(chars, off, len);
    slots[slot] = s;
    this.chars[slot] = Arrays.copyOfRange(chars, off, off + len);
    return s;
  }
}
