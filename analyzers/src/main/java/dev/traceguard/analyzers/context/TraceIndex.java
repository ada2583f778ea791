package dev.traceguard.analyzers.context;

import dev.traceguard.analyzers.model.IdState;
import dev.traceguard.analyzers.model.SpanStore;

/**
 * Spans grouped by trace, and each span's parent, computed once in linear time: a hash of trace
 * ids to trace numbers, then a counting sort. About 16 bytes a span.
 */
final class TraceIndex {
  final int spanCount;
  final int traceCount;
  /** Trace number of each span. */
  final int[] traceOf;
  /** Span indexes grouped by trace: trace t's spans are order[traceStart[t] .. traceStart[t+1]). */
  final int[] order;
  final int[] traceStart;
  /** Index of each span's parent in the store, or -1 (no parent, or parent not in the dump). */
  final int[] parent;

  private TraceIndex(SpanStore s) {
    int n = s.size();
    spanCount = n;
    traceOf = new int[n];
    int cap = Integer.highestOneBit(Math.max(16, n) * 2);
    long[] keyHi = new long[cap];
    long[] keyLo = new long[cap];
    int[] ids = new int[cap];
    int traces = 0;
    int mask = cap - 1;
    for (int i = 0; i < n; i++) {
      long hi = s.traceIdHi(i);
      long lo = s.traceIdLo(i);
      int h = mix(hi, lo) & mask;
      while (true) {
        if (ids[h] == 0) {
          ids[h] = ++traces;
          keyHi[h] = hi;
          keyLo[h] = lo;
          break;
        }
        if (keyHi[h] == hi && keyLo[h] == lo) {
          break;
        }
        h = (h + 1) & mask;
      }
      traceOf[i] = ids[h] - 1;
    }
    traceCount = traces;
    traceStart = new int[traces + 1];
    for (int i = 0; i < n; i++) {
      traceStart[traceOf[i] + 1]++;
    }
    for (int t = 0; t < traces; t++) {
      traceStart[t + 1] += traceStart[t];
    }
    int[] fill = traceStart.clone();
    order = new int[n];
    for (int i = 0; i < n; i++) {
      order[fill[traceOf[i]]++] = i;
    }
    parent = new int[n];
    for (int i = 0; i < n; i++) {
      int p = -1;
      if (s.parentIdState(i) == IdState.VALID) {
        p = s.find(s.traceIdHi(i), s.traceIdLo(i), s.parentSpanId(i));
        if (p == i) {
          p = -1;
        }
      }
      parent[i] = p;
    }
  }

  static TraceIndex build(SpanStore s) {
    return new TraceIndex(s);
  }

  int traceSize(int t) {
    return traceStart[t + 1] - traceStart[t];
  }

  private static int mix(long hi, long lo) {
    long x = hi * 0x9E3779B97F4A7C15L ^ lo * 0xC2B2AE3D27D4EB4FL;
    x ^= x >>> 32;
    x *= 0xD6E8FEB86659FD93L;
    x ^= x >>> 32;
    return (int) x;
  }
}
