package dev.traceguard.analyzers.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** An immutable set of label names and values, sorted by name. */
public final class Labels {
  private static final Labels EMPTY = new Labels(new String[0]);

  /** Alternating name, value; sorted by name. */
  private final String[] pairs;
  private final int hash;

  private Labels(String[] pairs) {
    this.pairs = pairs;
    this.hash = Arrays.hashCode(pairs);
  }

  /** No labels. */
  public static Labels empty() {
    return EMPTY;
  }

  /** Labels from alternating names and values, e.g. {@code of("model", "llama-3-8b")}. */
  public static Labels of(String... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("names and values must alternate");
    }
    Map<String, String> m = new TreeMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      m.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return of(m);
  }

  /** Labels from a map; a later duplicate name wins. */
  public static Labels of(Map<String, String> map) {
    if (map.isEmpty()) {
      return EMPTY;
    }
    TreeMap<String, String> sorted = map instanceof TreeMap ? (TreeMap<String, String>) map : new TreeMap<>(map);
    String[] p = new String[sorted.size() * 2];
    int i = 0;
    for (Map.Entry<String, String> e : sorted.entrySet()) {
      p[i++] = e.getKey();
      p[i++] = e.getValue();
    }
    return new Labels(p);
  }

  /** Number of labels. */
  public int size() {
    return pairs.length / 2;
  }

  /** Name of the label at {@code index} (sorted order). */
  public String name(int index) {
    return pairs[2 * index];
  }

  /** Value of the label at {@code index} (sorted order). */
  public String value(int index) {
    return pairs[2 * index + 1];
  }

  /** The value of {@code name}, or null. */
  public String get(String name) {
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i].equals(name)) {
        return pairs[i + 1];
      }
    }
    return null;
  }

  /** These labels with {@code name} removed. */
  public Labels without(String name) {
    if (get(name) == null) {
      return this;
    }
    Map<String, String> m = asMap();
    m.remove(name);
    return of(m);
  }

  /** These labels with {@code name} set to {@code value}. */
  public Labels with(String name, String value) {
    Map<String, String> m = asMap();
    m.put(name, value);
    return of(m);
  }

  /** The labels as a sorted, insertion-ordered map. */
  public Map<String, String> asMap() {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Labels && hash == ((Labels) o).hash && Arrays.equals(pairs, ((Labels) o).pairs);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  /** Prometheus style: {@code {model="a",pod="b"}}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < pairs.length; i += 2) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(pairs[i]).append("=\"");
      String v = pairs[i + 1];
      for (int k = 0; k < v.length(); k++) {
        char c = v.charAt(k);
        if (c == '\\' || c == '"') {
          sb.append('\\').append(c);
        } else if (c == '\n') {
          sb.append("\\n");
        } else {
          sb.append(c);
        }
      }
      sb.append('"');
    }
    return sb.append('}').toString();
  }
}
