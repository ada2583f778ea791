package dev.traceguard.analyzers.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One thing an analyzer found, in the shape of the findings contract: a stable rule id, what it
 * is about ({@code subject}), the numbers that justify it ({@code evidence}) and what to do.
 *
 * @param rule stable rule id, e.g. {@code orphan-span}
 * @param analyzer analyzer name, e.g. {@code context}
 * @param severity how bad it is
 * @param message one sentence in plain words
 * @param subject what it is about: service, traceId, spanId, spanName, model, metric…
 * @param evidence the numbers that justify it
 * @param hint what to do about it
 */
public record Finding(
    String rule,
    String analyzer,
    Severity severity,
    String message,
    Map<String, Object> subject,
    Map<String, Object> evidence,
    String hint) {

  /** Copies the maps so the finding is immutable. */
  public Finding {
    Objects.requireNonNull(rule);
    Objects.requireNonNull(analyzer);
    Objects.requireNonNull(severity);
    Objects.requireNonNull(message);
    subject = Collections.unmodifiableMap(new LinkedHashMap<>(subject));
    evidence = Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
    hint = hint == null ? "" : hint;
  }

  /** A builder for a finding of {@code rule} by {@code analyzer}. */
  public static Builder builder(String analyzer, String rule, Severity severity) {
    return new Builder(analyzer, rule, severity);
  }

  /** Collects a finding's parts; keys keep their insertion order. */
  public static final class Builder {
    private final String analyzer;
    private final String rule;
    private final Severity severity;
    private String message = "";
    private String hint = "";
    private final Map<String, Object> subject = new LinkedHashMap<>();
    private final Map<String, Object> evidence = new LinkedHashMap<>();

    private Builder(String analyzer, String rule, Severity severity) {
      this.analyzer = analyzer;
      this.rule = rule;
      this.severity = severity;
    }

    /** Sets the message. */
    public Builder message(String m) {
      this.message = m;
      return this;
    }

    /** Sets the hint. */
    public Builder hint(String h) {
      this.hint = h;
      return this;
    }

    /** Adds a subject key (ignored when the value is null). */
    public Builder subject(String key, Object value) {
      if (value != null) {
        subject.put(key, value);
      }
      return this;
    }

    /** Adds an evidence key (ignored when the value is null). */
    public Builder evidence(String key, Object value) {
      if (value != null) {
        evidence.put(key, value);
      }
      return this;
    }

    /** The finding. */
    public Finding build() {
      return new Finding(rule, analyzer, severity, message, subject, evidence, hint);
    }
  }
}
