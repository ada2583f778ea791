package dev.traceguard.analyzers.io;

/** The dump formats traceguard reads, by the name reports use. */
public enum DumpFormat {
  /** OTLP/JSON: file exporter lines, a pretty document, logging-otlp lines, Tempo batches. */
  OTLP_JSON("otlp-json"),
  /** OTLP protobuf, length-prefixed messages as the file exporter's proto format writes. */
  OTLP_PROTO("otlp-proto"),
  /** Prometheus text format 0.0.4 or OpenMetrics 1.0. */
  PROMETHEUS_TEXT("prometheus-text"),
  /** Prometheus HTTP API JSON ({@code query} and {@code query_range} results). */
  PROMETHEUS_API_JSON("prometheus-api-json"),
  /** Lines as {@code promtool tsdb dump} prints them. */
  PROMTOOL_DUMP("promtool-dump"),
  /** Nsight Systems SQLite export ({@code nsys export --type sqlite}). */
  NSYS_SQLITE("nsys-sqlite"),
  /** Nsight Systems stats CSV ({@code nsys stats --format csv}: cuda_gpu_kern_sum, cuda_gpu_trace). */
  NSYS_CSV("nsys-csv");

  private final String id;

  DumpFormat(String id) {
    this.id = id;
  }

  /** The name used in reports, e.g. {@code otlp-json}. */
  public String id() {
    return id;
  }
}
