package dev.traceguard.analyzers.model;

/**
 * A link from a span to another span context, e.g. a consumer to the producer of its message.
 *
 * @param traceIdHi high 8 bytes of the linked trace id
 * @param traceIdLo low 8 bytes of the linked trace id
 * @param spanId linked span id
 * @param valid whether the linked ids were well formed
 * @param flags OTLP link flags
 * @param attributes link attributes
 */
public record SpanLink(
    long traceIdHi, long traceIdLo, long spanId, boolean valid, int flags, Attributes attributes) {

  /** The linked trace id in lower-case hex. */
  public String traceIdHex() {
    return Ids.traceHex(traceIdHi, traceIdLo);
  }
}
