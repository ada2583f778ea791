package dev.traceguard.analyzers.model;

/** Keys and values by position: what {@link Attributes} and its builder both offer. */
public interface KeyValues {
  /** Number of entries. */
  int size();

  /** The key of entry {@code index}. */
  String key(int index);

  /** The value of entry {@code index}. */
  Object value(int index);
}
