package dev.traceguard.analyzers.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * An immutable, ordered list of attributes. Values are {@link String}, {@link Long}, {@link Double}
 * or {@link Boolean}; arrays and key-value lists from OTLP are kept as their JSON text and bytes as
 * base64, so analyzers deal with four value types only.
 */
public final class Attributes implements KeyValues {
  private static final Attributes EMPTY = new Attributes(new String[0], new Object[0]);

  private final String[] keys;
  private final Object[] values;
  /** The hash, computed on first use (0: not yet). */
  private int hash;

  private Attributes(String[] keys, Object[] values) {
    this.keys = keys;
    this.values = values;
  }

  /** The empty attribute list. */
  public static Attributes empty() {
    return EMPTY;
  }

  /** Attributes from alternating keys and values, e.g. {@code of("service.name", "gateway")}. */
  public static Attributes of(Object... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("keys and values must alternate");
    }
    Builder b = builder();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      b.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return b.build();
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Number of attributes. */
  public int size() {
    return keys.length;
  }

  /** Whether there are no attributes. */
  public boolean isEmpty() {
    return keys.length == 0;
  }

  /** The key at {@code index}. */
  public String key(int index) {
    return keys[index];
  }

  /** The value at {@code index}. */
  public Object value(int index) {
    return values[index];
  }

  /** The value of {@code key}, or null. */
  public Object get(String key) {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i].equals(key)) {
        return values[i];
      }
    }
    return null;
  }

  /** The value of {@code key} as text, or null when absent. */
  public String getString(String key) {
    Object v = get(key);
    return v == null ? null : v.toString();
  }

  /** Whether {@code key} is present. */
  public boolean containsKey(String key) {
    return get(key) != null;
  }

  /** Calls {@code action} for every attribute in order. */
  public void forEach(BiConsumer<String, Object> action) {
    for (int i = 0; i < keys.length; i++) {
      action.accept(keys[i], values[i]);
    }
  }

  /** The attributes as an insertion-ordered map. */
  public Map<String, Object> asMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    forEach(m::put);
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Attributes
        && Arrays.equals(keys, ((Attributes) o).keys)
        && Arrays.equals(values, ((Attributes) o).values);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = 31 * Arrays.hashCode(keys) + Arrays.hashCode(values);
      hash = h == 0 ? 1 : h;
    }
    return h;
  }

  @Override
  public String toString() {
    return asMap().toString();
  }

  /** Collects attributes; a later value for the same key replaces the earlier one. */
  public static final class Builder implements KeyValues {
    private final List<String> keys = new ArrayList<>();
    private final List<Object> values = new ArrayList<>();

    private Builder() {}

    /** Adds or replaces {@code key}; a null value is ignored. */
    public Builder put(String key, Object value) {
      Objects.requireNonNull(key, "key");
      if (value == null) {
        return this;
      }
      Object v = normalise(value);
      int at = keys.indexOf(key);
      if (at >= 0) {
        values.set(at, v);
      } else {
        keys.add(key);
        values.add(v);
      }
      return this;
    }

    /** Adds every attribute of {@code other}. */
    public Builder putAll(Attributes other) {
      other.forEach(this::put);
      return this;
    }

    /** Makes this builder hold the same entries as {@code o}. */
    public Builder copyFrom(Builder o) {
      keys.clear();
      values.clear();
      // One by one: addAll would copy the other lists into a new array first.
      for (int i = 0; i < o.keys.size(); i++) {
        keys.add(o.keys.get(i));
        values.add(o.values.get(i));
      }
      return this;
    }

    /** Removes every attribute so the builder can be reused. */
    public Builder clear() {
      keys.clear();
      values.clear();
      return this;
    }

    /** Number of attributes collected so far. */
    public int size() {
      return keys.size();
    }

    /** The key of entry {@code index}, in insertion order. */
    public String key(int index) {
      return keys.get(index);
    }

    /** The value of entry {@code index}. */
    public Object value(int index) {
      return values.get(index);
    }

    /** The immutable attributes. */
    public Attributes build() {
      if (keys.isEmpty()) {
        return EMPTY;
      }
      return new Attributes(keys.toArray(new String[0]), values.toArray());
    }

    private static Object normalise(Object value) {
      if (value instanceof String) {
        return value;
      }
      if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
        return ((Number) value).longValue();
      }
      if (value instanceof Float) {
        return ((Float) value).doubleValue();
      }
      if (value instanceof Long || value instanceof Double || value instanceof Boolean) {
        return value;
      }
      return value.toString();
    }
  }
}
