package dev.traceguard.analyzers.metrics;

/**
 * Counts distinct strings up to a cap by their 64-bit hashes, in an open-addressing table that
 * never holds more than {@code cap} entries: memory stays bounded however many values arrive.
 * Two different values with one 64-bit hash count once; at a cap of thousands that chance is
 * negligible.
 */
final class DistinctValues {
  private final int cap;
  private long[] table = new long[16];
  private boolean hasZero;
  private int size;

  DistinctValues(int cap) {
    this.cap = cap;
  }

  /** Whether the cap was reached: later values are not counted. */
  boolean full() {
    return size >= cap;
  }

  /** Distinct values counted (at most the cap). */
  int size() {
    return size;
  }

  /** Adds a value; true when it was new and counted. */
  boolean add(String value) {
    if (full()) {
      return false;
    }
    long h = hash(value);
    if (h == 0) {
      if (hasZero) {
        return false;
      }
      hasZero = true;
      size++;
      return true;
    }
    if ((size + 1) * 2 > table.length) {
      grow();
    }
    if (!insert(table, h)) {
      return false;
    }
    size++;
    return true;
  }

  private static boolean insert(long[] t, long h) {
    int mask = t.length - 1;
    int i = (int) (h ^ (h >>> 32)) & mask;
    while (t[i] != 0) {
      if (t[i] == h) {
        return false;
      }
      i = (i + 1) & mask;
    }
    t[i] = h;
    return true;
  }

  private void grow() {
    long[] t = new long[table.length * 2];
    for (long h : table) {
      if (h != 0) {
        insert(t, h);
      }
    }
    table = t;
  }

  /** FNV-1a over the UTF-16 units, then a murmur finaliser to spread the bits. */
  static long hash(String s) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
