package dev.traceguard.analyzers.model;

/** Whether a trace or span id as read from a dump is usable, and if not, why. */
public enum IdState {
  /** Well formed and not all zero. */
  VALID,
  /** Absent or the empty string (for a parent id this means "root"). */
  EMPTY,
  /** Hex, but not 16 bytes (trace id) or 8 bytes (span id). */
  WRONG_LENGTH,
  /** Contains characters that are not hex digits. */
  NOT_HEX,
  /** All zero bytes, which OTLP and W3C trace context define as invalid. */
  ALL_ZERO;

  private static final IdState[] VALUES = values();

  static IdState ofOrdinal(int o) {
    return VALUES[o];
  }

  /** Plain words for a message, e.g. "is all zero". */
  public String describe(int expectedBytes) {
    switch (this) {
      case EMPTY:
        return "is empty";
      case WRONG_LENGTH:
        return "is not " + expectedBytes + " bytes (" + (expectedBytes * 2) + " hex digits)";
      case NOT_HEX:
        return "is not hex";
      case ALL_ZERO:
        return "is all zero";
      default:
        return "is valid";
    }
  }
}
