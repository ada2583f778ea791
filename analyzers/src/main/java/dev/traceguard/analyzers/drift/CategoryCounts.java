package dev.traceguard.analyzers.drift;

import java.util.Arrays;

/**
 * Counts per value of one text or boolean field on one side, for at most a limited number of
 * distinct values; past it the field is marked high-cardinality and no longer counted. Values are
 * ints standing for strings (resolved by the caller), so counting allocates nothing.
 */
final class CategoryCounts {
  private final int max;
  private int[] ids = new int[4];
  private long[] counts = new long[4];
  private int size;
  private int last = -1;
  private boolean overflow;
  private long total;

  CategoryCounts(int max) {
    this.max = max;
  }

  /** Counts one occurrence of value {@code id}. */
  void add(int id) {
    if (overflow) {
      return;
    }
    total++;
    if (last >= 0 && ids[last] == id) {
      counts[last]++;
      return;
    }
    for (int k = 0; k < size; k++) {
      if (ids[k] == id) {
        counts[k]++;
        last = k;
        return;
      }
    }
    if (size == max) {
      overflow = true;
      return;
    }
    if (size == ids.length) {
      ids = Arrays.copyOf(ids, size * 2);
      counts = Arrays.copyOf(counts, size * 2);
    }
    ids[size] = id;
    counts[size] = 1;
    last = size++;
  }

  /** Marks the field as having too many distinct values to compare. */
  void overflow() {
    overflow = true;
  }

  boolean overflowed() {
    return overflow;
  }

  long total() {
    return total;
  }

  int size() {
    return size;
  }

  int id(int k) {
    return ids[k];
  }

  long count(int k) {
    return counts[k];
  }
}
