package dev.traceguard.analyzers.model;

import java.util.Locale;

/** Span kinds with their OTLP enum numbers. */
public enum SpanKind {
  UNSPECIFIED,
  INTERNAL,
  SERVER,
  CLIENT,
  PRODUCER,
  CONSUMER;

  private static final SpanKind[] VALUES = values();

  /** The kind for an OTLP enum number; unknown numbers give {@link #UNSPECIFIED}. */
  public static SpanKind ofNumber(long n) {
    return n >= 0 && n < VALUES.length ? VALUES[(int) n] : UNSPECIFIED;
  }

  /**
   * The kind for an OTLP enum name ({@code SPAN_KIND_SERVER}) or a short one ({@code server}); null
   * when the name is not known.
   */
  public static SpanKind ofName(String name) {
    String n = name.toUpperCase(Locale.ROOT);
    if (n.startsWith("SPAN_KIND_")) {
      n = n.substring("SPAN_KIND_".length());
    }
    for (SpanKind k : VALUES) {
      if (k.name().equals(n)) {
        return k;
      }
    }
    return null;
  }

  /** Whether a span of this kind may have its parent in another process. */
  public boolean acceptsRemoteParent() {
    return this == SERVER || this == CONSUMER;
  }

  /** Whether this kind calls out to another process. */
  public boolean isOutgoing() {
    return this == CLIENT || this == PRODUCER;
  }
}
