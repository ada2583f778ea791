package dev.traceguard.analyzers.model;

import java.util.Arrays;

/** A growable column of longs in fixed-size chunks, so growing never copies the whole column. */
final class LongColumn {
  static final int SHIFT = 15;
  static final int CHUNK = 1 << SHIFT;
  static final int MASK = CHUNK - 1;

  private long[][] chunks = new long[4][];
  private int size;

  void add(long v) {
    int c = size >>> SHIFT;
    if (c == chunks.length) {
      chunks = Arrays.copyOf(chunks, chunks.length * 2);
    }
    if (chunks[c] == null) {
      chunks[c] = new long[CHUNK];
    }
    chunks[c][size & MASK] = v;
    size++;
  }

  long get(int i) {
    return chunks[i >>> SHIFT][i & MASK];
  }

  void set(int i, long v) {
    chunks[i >>> SHIFT][i & MASK] = v;
  }

  int size() {
    return size;
  }
}
