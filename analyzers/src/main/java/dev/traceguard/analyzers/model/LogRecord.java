package dev.traceguard.analyzers.model;

/**
 * A log record.
 *
 * @param timeUnixNano event time, ns since the epoch (0 when absent)
 * @param observedTimeUnixNano when it was observed, ns since the epoch (0 when absent)
 * @param severityNumber OTLP severity number (0 unspecified, 17-20 error)
 * @param severityText severity text, or empty
 * @param body body as text
 * @param attributes log attributes, e.g. {@code exception.type}
 * @param traceId trace id in lower-case hex, or empty
 * @param spanId span id in lower-case hex, or empty
 * @param resource producing resource
 * @param input index of the input it was read from
 * @param line line in that input
 */
public record LogRecord(
    long timeUnixNano,
    long observedTimeUnixNano,
    int severityNumber,
    String severityText,
    String body,
    Attributes attributes,
    String traceId,
    String spanId,
    Resource resource,
    int input,
    long line) {}
