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
    int slot = slot(s);
    if (recent[slot] == s) {
      return recentIds[slot];
    }
    Integer known = ids.get(s);
    int id;
    if (known != null) {
      id = known;
    } else {
      id = strings.size();
      strings.add(s);
      ids.put(s, id);
    }
    remember(s, id);
    return id;
  }

  /**
   * The id of {@code s}, or -1 when it was never interned. Reads only: analyzers call it from
   * several threads at once, while {@link #intern} (and the cache it fills) belongs to the thread
   * that stores.
   */
  int find(String s) {
    int slot = slot(s);
    if (recent[slot] == s) {
      return recentIds[slot];
    }
    Integer id = ids.get(s);
    return id == null ? -1 : id;
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
