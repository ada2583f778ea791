package dev.traceguard.analyzers.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Interns strings to small ints, so repeated names and values are stored once. */
final class StringTable {
  private final Map<String, Integer> ids = new HashMap<>();
  private final List<String> strings = new ArrayList<>();

  int intern(String s) {
    Integer id = ids.get(s);
    if (id != null) {
      return id;
    }
    int n = strings.size();
    strings.add(s);
    ids.put(s, n);
    return n;
  }

  /** The id of {@code s}, or -1 when it was never interned. */
  int find(String s) {
    Integer id = ids.get(s);
    return id == null ? -1 : id;
  }

  String get(int id) {
    return strings.get(id);
  }

  int size() {
    return strings.size();
  }
}
