package dev.traceguard.analyzers.model;

import java.util.Arrays;

/** A growable column of ints in fixed-size chunks, so growing never copies the whole column. */
final class IntColumn {
  private static final int SHIFT = LongColumn.SHIFT;
  private static final int CHUNK = LongColumn.CHUNK;
  private static final int MASK = LongColumn.MASK;

  private int[][] chunks = new int[4][];
  private int size;

  void add(int v) {
    int c = size >>> SHIFT;
    if (c == chunks.length) {
      chunks = Arrays.copyOf(chunks, chunks.length * 2);
    }
    if (chunks[c] == null) {
      chunks[c] = new int[CHUNK];
    }
    chunks[c][size & MASK] = v;
    size++;
  }

  int get(int i) {
    return chunks[i >>> SHIFT][i & MASK];
  }

  void set(int i, int v) {
    chunks[i >>> SHIFT][i & MASK] = v;
  }

  int size() {
    return size;
  }
}
