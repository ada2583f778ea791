package dev.traceguard.analyzers;

import java.util.ArrayList;
import java.util.List;

/** Builds OTLP/JSON file-exporter lines for tests, one span at a time. */
public final class SpanJson {
  private final StringBuilder spans = new StringBuilder();
  private final String service;
  private final List<String> attrs = new ArrayList<>();

  private SpanJson(String service) {
    this.service = service;
  }

  /** A batch for one service. */
  public static SpanJson service(String service) {
    return new SpanJson(service);
  }

  /** Adds a span; {@code parent} may be null; times in ms from a fixed base. */
  public SpanJson span(String trace, String span, String parent, String name, int kind, long startMs, long endMs, String... attrKv) {
    return spanFlags(trace, span, parent, name, kind, startMs, endMs, 0, attrKv);
  }

  /** Adds a span with OTLP flags. */
  public SpanJson spanFlags(String trace, String span, String parent, String name, int kind, long startMs, long endMs, int flags, String... attrKv) {
    if (spans.length() > 0) {
      spans.append(',');
    }
    long base = 1_763_632_800_000L;
    spans.append("{\"traceId\":\"").append(trace).append("\",\"spanId\":\"").append(span).append('"');
    if (parent != null) {
      spans.append(",\"parentSpanId\":\"").append(parent).append('"');
    }
    spans.append(",\"name\":\"").append(name).append("\",\"kind\":").append(kind)
        .append(",\"startTimeUnixNano\":\"").append((base + startMs) * 1_000_000L)
        .append("\",\"endTimeUnixNano\":\"").append((base + endMs) * 1_000_000L).append('"');
    if (flags != 0) {
      spans.append(",\"flags\":").append(flags);
    }
    spans.append(",\"attributes\":[");
    for (int i = 0; i < attrKv.length; i += 2) {
      if (i > 0) {
        spans.append(',');
      }
      spans.append("{\"key\":\"").append(attrKv[i]).append("\",\"value\":{\"stringValue\":\"").append(attrKv[i + 1]).append("\"}}");
    }
    spans.append("]}");
    return this;
  }

  /** The file-exporter line. */
  public String line() {
    return "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\""
        + service + "\"}}]},\"scopeSpans\":[{\"scope\":{\"name\":\"test\"},\"spans\":[" + spans + "]}]}]}";
  }

  /** A 32-hex trace id from a number. */
  public static String trace(long n) {
    return String.format("%032x", n + 0x1000);
  }

  /** A 16-hex span id from a number. */
  public static String span(long n) {
    return String.format("%016x", n + 0x100);
  }
}
