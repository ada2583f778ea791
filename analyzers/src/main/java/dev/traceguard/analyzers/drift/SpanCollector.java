package dev.traceguard.analyzers.drift;

import dev.traceguard.analyzers.model.Resource;
import dev.traceguard.analyzers.model.SpanStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One pass over a {@link SpanStore} by index, sorting spans that name a model into {@link
 * SpanGroup}s by service, span name, model and version. Attributes are read straight from the
 * store's encoding through {@link SpanStore.AttributeVisitor}; nothing is built per span.
 */
final class SpanCollector implements SpanStore.AttributeVisitor {
  static final String MODEL_KEY = "gen_ai.request.model";
  static final String VERSION_KEY = "model.version";
  static final String RESPONSE_MODEL_KEY = "gen_ai.response.model";
  static final String SERVICE_VERSION_KEY = "service.version";

  private static final byte T_LONG = 1;
  private static final byte T_DOUBLE = 2;
  private static final byte T_BOOL = 3;
  private static final byte T_STR = 4;

  private final SpanStore s;
  private final DriftOptions o;
  private final boolean pooled;

  // per-span scratch, indexed by key id
  private final int[] stamp;
  private final byte[] type;
  private final long[] longs;
  private final double[] doubles;
  private final int[] strings;
  private final int[] touched;
  private int touchedSize;
  private int current;

  /** 0 not decided, 1 compared, 2 never compared (grouping keys, identifiers, ports). */
  private final byte[] keyClass;

  private final Map<String, Integer> numbers = new HashMap<>();
  private final List<String> texts = new ArrayList<>();
  private int[] valueNo = new int[64];

  private final int modelKey;
  private final int versionKey;
  private final int responseModelKey;
  private final int[] resourceService;
  private final int[] resourceModel;
  private final int[] resourceVersion;

  /** Groups kept at most; spans of further groups are counted, not compared (hostile input). */
  static final int MAX_GROUPS = 10_000;
  /** Distinct grouping values kept at most. */
  private static final int MAX_TEXTS = 100_000;
  /** Values all samples together keep at most: 16M doubles, 128 MiB. */
  private static final long VALUE_BUDGET = 16L << 20;

  private final NumericSample.Budget budget = new NumericSample.Budget(VALUE_BUDGET);
  private final Map<Probe, SpanGroup> groups = new HashMap<>();
  long spansNotGrouped;
  private final Probe probe = new Probe();
  long spansWithModel;
  long spansWithoutModel;
  long badDurations;

  SpanCollector(SpanStore s, DriftOptions o, boolean pooled) {
    this.s = s;
    this.o = o;
    this.pooled = pooled;
    int keys = s.keyIdLimit();
    stamp = new int[keys];
    type = new byte[keys];
    longs = new long[keys];
    doubles = new double[keys];
    strings = new int[keys];
    touched = new int[keys];
    keyClass = new byte[keys];
    Arrays.fill(valueNo, -1);
    List<String> g = o.groupBy();
    String mk = g.isEmpty() ? MODEL_KEY : g.get(0);
    String vk = g.size() > 1 ? g.get(1) : g.isEmpty() ? VERSION_KEY : null;
    modelKey = s.keyId(mk);
    versionKey = vk == null ? -1 : s.keyId(vk);
    responseModelKey = g.isEmpty() ? s.keyId(RESPONSE_MODEL_KEY) : -1;
    // the grouping keys, and the built-in model and version keys whatever the grouping, are
    // confounded with the split: comparing them would only restate it
    for (String k : new String[] {mk, vk, MODEL_KEY, VERSION_KEY, RESPONSE_MODEL_KEY}) {
      if (k != null && s.keyId(k) >= 0) {
        keyClass[s.keyId(k)] = 2;
      }
    }
    int r = s.resourceCount();
    resourceService = new int[r];
    resourceModel = new int[r];
    resourceVersion = new int[r];
    String resVersionKey = g.size() > 1 ? g.get(1) : g.isEmpty() ? SERVICE_VERSION_KEY : null;
    for (int id = 0; id < r; id++) {
      Resource res = s.resourceAt(id);
      resourceService[id] = number(res.serviceName());
      resourceModel[id] = g.isEmpty() ? -1 : numberOrNone(res.attributes().getString(mk));
      resourceVersion[id] = resVersionKey == null ? -1 : numberOrNone(res.attributes().getString(resVersionKey));
    }
  }

  private int number(String text) {
    Integer n = numbers.get(text);
    if (n == null) {
      if (texts.size() >= MAX_TEXTS) {
        return -1;
      }
      n = texts.size();
      texts.add(text);
      numbers.put(text, n);
    }
    return n;
  }

  private int numberOrNone(String text) {
    return text == null || text.isEmpty() ? -1 : number(text);
  }

  private int valueNumber(int valueId) {
    if (valueId >= valueNo.length) {
      int old = valueNo.length;
      valueNo = Arrays.copyOf(valueNo, Math.max(valueId + 1, old * 2));
      Arrays.fill(valueNo, old, valueNo.length, -1);
    }
    int n = valueNo[valueId];
    if (n < 0) {
      n = number(s.valueString(valueId));
      valueNo[valueId] = n;
    }
    return n;
  }

  /** The canonical number of attribute {@code key}'s value on the current span, or -1. */
  private int attributeNumber(int key) {
    if (key < 0 || stamp[key] != current) {
      return -1;
    }
    switch (type[key]) {
      case T_STR:
        return strings[key] < 0 ? -1 : valueNumber(strings[key]);
      case T_LONG:
        return number(Long.toString(longs[key]));
      case T_DOUBLE:
        return number(Double.toString(doubles[key]));
      default:
        return number(longs[key] != 0 ? "true" : "false");
    }
  }

  /** Collects every span; returns the groups found. */
  List<SpanGroup> collect() {
    int n = s.size();
    for (int i = 0; i < n; i++) {
      current = i + 1;
      touchedSize = 0;
      s.visitAttributes(i, this);
      int rid = s.resourceId(i);
      int model = attributeNumber(modelKey);
      if (model < 0) {
        model = resourceModel[rid];
      }
      if (model < 0) {
        spansWithoutModel++;
        continue;
      }
      spansWithModel++;
      int version = -1;
      if (!pooled) {
        version = attributeNumber(versionKey);
        if (version < 0 && responseModelKey >= 0) {
          int resp = attributeNumber(responseModelKey);
          version = resp == model ? -1 : resp;
        }
        if (version < 0) {
          version = resourceVersion[rid];
        }
      }
      probe.set(resourceService[rid], s.nameId(i), model, version);
      SpanGroup g = groups.get(probe);
      if (g == null) {
        if (groups.size() >= MAX_GROUPS || probe.service < 0) {
          spansNotGrouped++;
          continue;
        }
        g = new SpanGroup(s, texts.get(probe.service), s.name(i), texts.get(model),
            version < 0 ? "" : texts.get(version), o.maxSamples(), o.maxCategories(), budget);
        groups.put(probe.copy(), g);
      }
      g.spans++;
      long start = s.start(i);
      long end = s.end(i);
      if (start > 0 && end >= start) {
        g.latency.add((end - start) / 1e6);
      } else {
        badDurations++;
      }
      for (int t = 0; t < touchedSize; t++) {
        int k = touched[t];
        if (!compared(k)) {
          continue;
        }
        switch (type[k]) {
          case T_LONG:
            g.number(k, longs[k]);
            break;
          case T_DOUBLE:
            g.number(k, doubles[k]);
            break;
          case T_BOOL:
            g.category(k, longs[k] != 0 ? -3 : -2);
            break;
          default:
            g.category(k, strings[k]);
            break;
        }
      }
    }
    List<SpanGroup> out = new ArrayList<>(groups.values());
    out.sort(Comparator.comparing((SpanGroup g) -> g.service).thenComparing(g -> g.spanName)
        .thenComparing(g -> g.model).thenComparing(g -> g.version));
    return out;
  }

  private boolean compared(int k) {
    byte c = keyClass[k];
    if (c == 0) {
      c = identifierLike(s.keyName(k)) ? (byte) 2 : (byte) 1;
      keyClass[k] = c;
    }
    return c == 1;
  }

  /** Identifiers, ports, thread ids and code lines: numbers whose drift means nothing. */
  static boolean identifierLike(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.endsWith(".id") || k.endsWith("_id") || k.endsWith(".pid") || k.endsWith(".port")
        || k.endsWith("lineno") || k.endsWith(".line.number") || k.startsWith("thread.")
        || k.endsWith(".ids") || k.endsWith("_ids");
  }

  private void touch(int keyId, byte t) {
    if (stamp[keyId] != current) {
      stamp[keyId] = current;
      touched[touchedSize++] = keyId;
    }
    type[keyId] = t;
  }

  @Override
  public void longValue(int keyId, long value) {
    touch(keyId, T_LONG);
    longs[keyId] = value;
  }

  @Override
  public void doubleValue(int keyId, double value) {
    touch(keyId, T_DOUBLE);
    doubles[keyId] = value;
  }

  @Override
  public void booleanValue(int keyId, boolean value) {
    touch(keyId, T_BOOL);
    longs[keyId] = value ? 1 : 0;
  }

  @Override
  public void stringValue(int keyId, int valueId) {
    touch(keyId, T_STR);
    strings[keyId] = valueId;
  }

  /** A reusable lookup key: service, span name, model and version numbers. */
  private static final class Probe {
    int service;
    int name;
    int model;
    int version;

    void set(int service, int name, int model, int version) {
      this.service = service;
      this.name = name;
      this.model = model;
      this.version = version;
    }

    Probe copy() {
      Probe p = new Probe();
      p.set(service, name, model, version);
      return p;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Probe
          && ((Probe) o).service == service
          && ((Probe) o).name == name
          && ((Probe) o).model == model
          && ((Probe) o).version == version;
    }

    @Override
    public int hashCode() {
      return ((service * 31 + name) * 31 + model) * 31 + version;
    }
  }
}
