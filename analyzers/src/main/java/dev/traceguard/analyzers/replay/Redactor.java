package dev.traceguard.analyzers.replay;

import dev.traceguard.analyzers.io.otlp.OtlpProtoMapper;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Replaces the values of content-bearing attributes by a marker that keeps their length, {@code
 * [redacted: 1234 chars]}, so the span keeps its shape (the key stays, the size is visible) and
 * the content is gone. Keys are matched exactly or by patterns with {@code *} for any run of
 * characters ({@code http.request.header.*}). A value that already is a marker is left alone, so
 * replaying a spill file again changes nothing.
 */
public final class Redactor {
  /** Content-bearing GenAI attributes, current and deprecated. */
  public static final List<String> DEFAULT_KEYS =
      List.of(
          "gen_ai.input.messages",
          "gen_ai.output.messages",
          "gen_ai.system_instructions",
          "gen_ai.prompt",
          "gen_ai.completion");

  private static final Pattern MARKER = Pattern.compile("\\[redacted: \\d+ chars\\]");
  private static final Redactor NONE = new Redactor(List.of());

  private final Set<String> exact = new LinkedHashSet<>();
  private final List<Pattern> patterns = new ArrayList<>();
  private final List<String> describedKeys;
  private long redacted;

  private Redactor(List<String> keys) {
    for (String k : keys) {
      String key = k.trim();
      if (key.isEmpty()) {
        continue;
      }
      if (key.indexOf('*') >= 0) {
        StringBuilder re = new StringBuilder();
        String[] parts = key.split("\\*", -1);
        for (int i = 0; i < parts.length; i++) {
          if (i > 0) {
            re.append(".*");
          }
          re.append(Pattern.quote(parts[i]));
        }
        patterns.add(Pattern.compile(re.toString()));
      } else {
        exact.add(key);
      }
    }
    List<String> d = new ArrayList<>(exact);
    for (String k : keys) {
      if (k.indexOf('*') >= 0) {
        d.add(k.trim());
      }
    }
    describedKeys = Collections.unmodifiableList(d);
  }

  /** Redacts nothing. */
  public static Redactor none() {
    return NONE;
  }

  /** Redacts the {@link #DEFAULT_KEYS} plus {@code extra} keys or patterns. */
  public static Redactor defaults(List<String> extra) {
    List<String> all = new ArrayList<>(DEFAULT_KEYS);
    all.addAll(extra);
    return new Redactor(all);
  }

  /** Redacts exactly {@code keys} (keys or patterns). */
  public static Redactor of(List<String> keys) {
    return new Redactor(keys);
  }

  /** Whether this redacts anything at all. */
  public boolean active() {
    return !exact.isEmpty() || !patterns.isEmpty();
  }

  /** The keys and patterns, for the summary. */
  public List<String> keys() {
    return describedKeys;
  }

  /** Values replaced so far. */
  public long redacted() {
    return redacted;
  }

  /** Whether values of {@code key} are redacted. */
  public boolean matches(String key) {
    if (exact.contains(key)) {
      return true;
    }
    for (Pattern p : patterns) {
      if (p.matcher(key).matches()) {
        return true;
      }
    }
    return false;
  }

  /** Redacts matching entries of a mutable attribute list in place. */
  void apply(List<KeyValue.Builder> attributes) {
    for (KeyValue.Builder kv : attributes) {
      if (matches(kv.getKey()) && kv.hasValue()) {
        AnyValue v = kv.getValue();
        if (v.hasStringValue() && MARKER.matcher(v.getStringValue()).matches()) {
          continue;
        }
        kv.setValue(AnyValue.newBuilder().setStringValue(marker(v)));
        redacted++;
      }
    }
  }

  /** Whether any entry of {@code attributes} would be redacted. */
  boolean any(List<KeyValue> attributes) {
    for (KeyValue kv : attributes) {
      if (matches(kv.getKey())) {
        return true;
      }
    }
    return false;
  }

  /** The marker for a value: its length in characters (JSON text for structured values). */
  static String marker(AnyValue v) {
    long n;
    if (v.hasStringValue()) {
      String s = v.getStringValue();
      n = s.codePointCount(0, s.length());
    } else {
      String s = OtlpProtoMapper.text(v);
      n = s.codePointCount(0, s.length());
    }
    return "[redacted: " + n + " chars]";
  }
}
