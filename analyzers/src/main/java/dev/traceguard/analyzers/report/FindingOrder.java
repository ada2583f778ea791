package dev.traceguard.analyzers.report;

import java.util.Comparator;
import java.util.Map;

/** The stable order of findings: severity, then analyzer, then subject, then rule and message. */
final class FindingOrder {
  private static final String[] SUBJECT_KEYS = {
    "service", "model", "version", "metric", "field", "device", "pid", "spanName", "traceId", "spanId", "labels"
  };

  static final Comparator<Finding> ORDER =
      Comparator.comparing(Finding::severity)
          .thenComparing(Finding::analyzer)
          .thenComparing(f -> subjectKey(f.subject()))
          .thenComparing(Finding::rule)
          .thenComparing(Finding::message);

  private FindingOrder() {}

  private static String subjectKey(Map<String, Object> subject) {
    StringBuilder sb = new StringBuilder();
    for (String k : SUBJECT_KEYS) {
      Object v = subject.get(k);
      sb.append(v == null ? "" : v.toString()).append('\u0000');
    }
    return sb.toString();
  }
}
