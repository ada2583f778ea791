package dev.traceguard.analyzers.drift;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The values of one numeric field on one side of a comparison, in bounded memory: the exact count,
 * a uniform sample of at most {@code cap} values (reservoir sampling with a fixed seed, so runs are
 * repeatable), and the distinct values while there are at most {@link #FEW} of them, with their
 * exact counts (a field with that few values is compared as categories, as Evidently does).
 */
final class NumericSample {
  /** Up to this many distinct values (on both sides together) make a field categorical. */
  static final int FEW = 5;

  private int cap;
  private final Budget budget;
  private final SplittableRandom random;
  private double[] values = new double[16];
  private int size;
  private long count;
  private final double[] distinct = new double[FEW + 1];
  private final long[] distinctCounts = new long[FEW + 1];
  private int distinctSize;
  private boolean many;

  /**
   * Values all samples of one analysis may keep together, so a dump split into very many groups
   * cannot exhaust the heap: once spent, samples stop growing and sample uniformly at their size.
   */
  static final class Budget {
    private long left;

    Budget(long values) {
      this.left = values;
    }

    boolean take(int n) {
      if (left < n) {
        return false;
      }
      left -= n;
      return true;
    }
  }

  NumericSample(int cap, long seed, Budget budget) {
    this.cap = cap;
    this.budget = budget;
    this.random = new SplittableRandom(seed);
    if (!budget.take(values.length)) {
      this.cap = values.length;
    }
  }

  /** Adds a value; NaN and infinities are ignored. */
  void add(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return;
    }
    count++;
    if (!many) {
      int k = 0;
      while (k < distinctSize && distinct[k] != v) {
        k++;
      }
      if (k < distinctSize) {
        distinctCounts[k]++;
      } else if (distinctSize <= FEW) {
        distinct[distinctSize] = v;
        distinctCounts[distinctSize++] = 1;
      } else {
        many = true;
      }
    }
    if (size == values.length && size < cap) {
      int grown = Math.min(cap, size * 2);
      if (budget.take(grown - size)) {
        values = Arrays.copyOf(values, grown);
      } else {
        cap = size;
      }
    }
    if (size < cap) {
      values[size++] = v;
    } else {
      long j = random.nextLong(count);
      if (j < cap) {
        values[(int) j] = v;
      }
    }
  }

  /** Values seen. */
  long count() {
    return count;
  }

  /** The kept values, sorted (a new array). */
  double[] sorted() {
    double[] s = Arrays.copyOf(values, size);
    Arrays.sort(s);
    return s;
  }

  /** Whether more than {@link #FEW} distinct values were seen. */
  boolean many() {
    return many;
  }

  /** Distinct values seen while there were few (see {@link #many}). */
  double[] distinctValues() {
    return Arrays.copyOf(distinct, distinctSize);
  }

  /** Count of {@code v} among the values, when there were few distinct ones. */
  long countOf(double v) {
    for (int k = 0; k < distinctSize; k++) {
      if (distinct[k] == v) {
        return distinctCounts[k];
      }
    }
    return 0;
  }
}
