package dev.traceguard.analyzers.model;

import java.util.ArrayList;
import java.util.List;

/**
 * A span being read. Readers fill one instance, hand it to {@link SpanStore#add}, which copies it
 * into compact storage, and then {@link #clear()} it for the next span. Not thread-safe.
 */
public final class MutableSpan {
  /** Trace id, 16 bytes. */
  public final SpanId traceId = new SpanId(16);
  /** Span id, 8 bytes. */
  public final SpanId spanId = new SpanId(8);
  /** Parent span id, 8 bytes; {@link IdState#EMPTY} for a root span. */
  public final SpanId parentSpanId = new SpanId(8);
  /** Span name. */
  public String name = "";
  /** Span kind. */
  public SpanKind kind = SpanKind.UNSPECIFIED;
  /** Start, nanoseconds since the epoch. */
  public long startUnixNano;
  /** End, nanoseconds since the epoch. */
  public long endUnixNano;
  /** OTLP span flags (W3C trace flags in bits 0-7, remote-parent bits 8 and 9). */
  public int flags;
  /** W3C trace state, or null. */
  public String traceState;
  /** Status code. */
  public StatusCode status = StatusCode.UNSET;
  /** Status message, or null. */
  public String statusMessage;
  /** Span attributes. */
  public final Attributes.Builder attributes = Attributes.builder();
  /** Events in order. */
  public final List<SpanEvent> events = new ArrayList<>();
  /** Links in order. */
  public final List<SpanLink> links = new ArrayList<>();
  /** Producing resource. */
  public Resource resource = Resource.EMPTY;
  /** Instrumentation scope name, or empty. */
  public String scopeName = "";
  /** Line (or record number for binary inputs) where the span was read, 1-based; 0 unknown. */
  public long line;

  /** Resets every field so the instance can be reused. */
  /** Makes this span a copy of {@code o}; the events and links themselves are immutable and shared. */
  public void copyFrom(MutableSpan o) {
    traceId.copyFrom(o.traceId);
    spanId.copyFrom(o.spanId);
    parentSpanId.copyFrom(o.parentSpanId);
    name = o.name;
    kind = o.kind;
    startUnixNano = o.startUnixNano;
    endUnixNano = o.endUnixNano;
    flags = o.flags;
    traceState = o.traceState;
    status = o.status;
    statusMessage = o.statusMessage;
    attributes.copyFrom(o.attributes);
    events.clear();
    for (int i = 0; i < o.events.size(); i++) {
      events.add(o.events.get(i));
    }
    links.clear();
    for (int i = 0; i < o.links.size(); i++) {
      links.add(o.links.get(i));
    }
    resource = o.resource;
    scopeName = o.scopeName;
    line = o.line;
  }

  public void clear() {
    traceId.clear();
    spanId.clear();
    parentSpanId.clear();
    name = "";
    kind = SpanKind.UNSPECIFIED;
    startUnixNano = 0;
    endUnixNano = 0;
    flags = 0;
    traceState = null;
    status = StatusCode.UNSET;
    statusMessage = null;
    attributes.clear();
    events.clear();
    links.clear();
    resource = Resource.EMPTY;
    scopeName = "";
    line = 0;
  }
}
