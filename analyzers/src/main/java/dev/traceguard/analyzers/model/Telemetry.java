package dev.traceguard.analyzers.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Everything read from all inputs: spans, metric series, log records, GPU activity, and per-input
 * summaries.
 */
public final class Telemetry {
  private final SpanStore spans = new SpanStore();
  private final MetricStore metrics;
  private final List<LogRecord> logs = new ArrayList<>();
  private final List<InputSummary> inputs = new ArrayList<>();
  private final GpuActivityStore gpu = new GpuActivityStore();

  /** An empty model. */
  public Telemetry() {
    this(new MetricStore());
  }

  /** An empty model over a given metric store (to set its limits). */
  public Telemetry(MetricStore metrics) {
    this.metrics = metrics;
  }

  /** The spans. */
  public SpanStore spans() {
    return spans;
  }

  /** The metric series. */
  public MetricStore metrics() {
    return metrics;
  }

  /** GPU activity: kernels, copies, NVTX ranges (Nsight Systems exports). */
  public GpuActivityStore gpu() {
    return gpu;
  }

  /** The log records. */
  public List<LogRecord> logs() {
    return Collections.unmodifiableList(logs);
  }

  /** Appends a log record. */
  public void addLog(LogRecord r) {
    logs.add(r);
  }

  /** Registers a new input and returns its summary; its index is its position in {@link #inputs}. */
  public InputSummary addInput(String path) {
    InputSummary s = new InputSummary(path);
    inputs.add(s);
    return s;
  }

  /** Per-input summaries in the order given. */
  public List<InputSummary> inputs() {
    return Collections.unmodifiableList(inputs);
  }
}
