package dev.traceguard.analyzers.model;

import java.util.Locale;

/** Span status codes with their OTLP enum numbers. */
public enum StatusCode {
  UNSET,
  OK,
  ERROR;

  /** The code for an OTLP enum number; unknown numbers give {@link #UNSET}. */
  public static StatusCode ofNumber(long n) {
    return n == 1 ? OK : n == 2 ? ERROR : UNSET;
  }

  /** The code for {@code STATUS_CODE_ERROR} or {@code error}; null when not known. */
  public static StatusCode ofName(String name) {
    String n = name.toUpperCase(Locale.ROOT);
    if (n.startsWith("STATUS_CODE_")) {
      n = n.substring("STATUS_CODE_".length());
    }
    for (StatusCode c : values()) {
      if (c.name().equals(n)) {
        return c;
      }
    }
    return null;
  }
}
