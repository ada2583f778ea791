package dev.traceguard.analyzers.drift;

import dev.traceguard.analyzers.model.SpanStore;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one side knows about the spans of one service, span name, model and version: the span
 * count, the durations, and every attribute that may be compared.
 */
final class SpanGroup {
  final String service;
  final String spanName;
  final String model;
  final String version;
  final NumericSample latency;
  long spans;
  private final SpanStore store;
  private final int cap;
  private final int maxCategories;
  private Field[] fields = new Field[16];

  /** One attribute's values; a key seen with numbers and with text has both. */
  static final class Field {
    final String name;
    NumericSample numbers;
    CategoryCounts categories;

    Field(String name) {
      this.name = name;
    }
  }

  private final NumericSample.Budget budget;

  SpanGroup(SpanStore store, String service, String spanName, String model, String version, int cap, int maxCategories,
      NumericSample.Budget budget) {
    this.store = store;
    this.service = service;
    this.spanName = spanName;
    this.model = model;
    this.version = version;
    this.cap = cap;
    this.maxCategories = maxCategories;
    this.budget = budget;
    this.latency = new NumericSample(cap, seed("duration"), budget);
  }

  private long seed(String field) {
    return ((long) (service + '\u0000' + spanName + '\u0000' + model + '\u0000' + version).hashCode() << 32)
        ^ field.hashCode();
  }

  private Field field(int keyId) {
    if (keyId >= fields.length) {
      fields = Arrays.copyOf(fields, Math.max(keyId + 1, fields.length * 2));
    }
    Field f = fields[keyId];
    if (f == null) {
      f = new Field(store.keyName(keyId));
      fields[keyId] = f;
    }
    return f;
  }

  void number(int keyId, double v) {
    Field f = field(keyId);
    if (f.numbers == null) {
      f.numbers = new NumericSample(cap, seed(f.name), budget);
    }
    f.numbers.add(v);
  }

  /** Counts a text value: {@code valueId} from the store, -1 inline (too many values), -2/-3 false/true. */
  void category(int keyId, int valueId) {
    Field f = field(keyId);
    if (f.categories == null) {
      f.categories = new CategoryCounts(maxCategories);
    }
    if (valueId == -1) {
      f.categories.overflow();
    } else {
      f.categories.add(valueId);
    }
  }

  /** The text of a category id counted by {@link #category}. */
  String categoryText(int id) {
    return id == -2 ? "false" : id == -3 ? "true" : store.valueString(id);
  }

  /** Fields by attribute name, in key order. */
  Map<String, Field> fields() {
    Map<String, Field> m = new LinkedHashMap<>();
    for (Field f : fields) {
      if (f != null) {
        m.put(f.name, f);
      }
    }
    return m;
  }
}
