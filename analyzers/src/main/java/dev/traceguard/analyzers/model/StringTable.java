package dev.traceguard.analyzers.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Interns strings to small ints, so repeated names and values are stored once. */
final class StringTable {
  private final Map<String, Integer> ids = new HashMap<>();
  private final List<String> strings = new ArrayList<>();
  /**
   * A direct-mapped cache in front of the map, by string instance: readers hand over the same
   * instance for repeated text, and a small table stays in the processor's cache where the map
   * does not.
   */
  private final String[] recent = new String[1 << 12];
  private final int[] recentIds = new int[1 << 12];

  int intern(String s) {
    int id = find(s);
    if (id >= 0) {
      return id;
    }
    int n = strings.size();
    strings.add(s);
    ids.put(s, n);
    remember(s, n);
    return n;
  }

  /** The id of {@code s}, or -1 when it was never interned. */
  int find(String s) {
    int slot = slot(s);
    if (recent[slot] == s) {
      return recentIds[slot];
    }
    Integer id = ids.get(s);
    if (id == null) {
      return -1;
    }
    remember(s, id);
    return id;
  }

  private void remember(String s, int id) {
    int slot = slot(s);
    recent[slot] = s;
    recentIds[slot] = id;
  }

  private int slot(String s) {
    int h = s.hashCode();
    return (h ^ (h >>> 12)) & (recent.length - 1);
  }

  String get(int id) {
    return strings.get(id);
  }

  int size() {
    return strings.size();
  }
}
