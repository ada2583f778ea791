package dev.traceguard.analyzers.io.otlp;

/**
 * Hands back the same {@code String} for text that repeats (attribute keys, span names, most
 * attribute values), so parsing does not make a new string of each: fewer, cheaper collections
 * on big dumps, and the store's lookups find the hash already computed. Direct-mapped and bounded:
 * a slot holds the last short string that hashed to it.
 */
final class StringCache {
  private static final int MAX_LENGTH = 64;
  private final String[] slots = new String[1 << 12];

  /** The text of {@code chars[off, off + len)}. */
  String get(char[] chars, int off, int len) {
    if (len > MAX_LENGTH) {
      return new String(chars, off, len);
    }
    int h = 0;
    for (int i = off; i < off + len; i++) {
      h = 31 * h + chars[i];
    }
    int slot = (h ^ (h >>> 12)) & (slots.length - 1);
    String s = slots[slot];
    if (s != null && s.hashCode() == h && s.length() == len && same(s, chars, off)) {
      return s;
    }
    s = new String(chars, off, len);
    slots[slot] = s;
    return s;
  }

  private static boolean same(String s, char[] chars, int off) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) != chars[off + i]) {
        return false;
      }
    }
    return true;
  }
}
