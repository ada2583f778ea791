package dev.traceguard.analyzers.model;

/**
 * A timed event on a span, e.g. an {@code exception} event.
 *
 * @param name event name
 * @param timeUnixNano event time, nanoseconds since the epoch (0 when absent)
 * @param attributes event attributes, e.g. {@code exception.type}
 */
public record SpanEvent(String name, long timeUnixNano, Attributes attributes) {}
