package dev.traceguard.analyzers.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** What was read from one input: its format, counts, and the records that were skipped. */
public final class InputSummary {
  /** At most this many errors are kept per input; {@link #skipped()} counts all of them. */
  public static final int MAX_ERRORS_KEPT = 100;

  private final String path;
  private String format = "unknown";
  private long spans;
  private long duplicateSpans;
  private long metricSeries;
  private long samples;
  private long logs;
  private long gpuActivities;
  private long skipped;
  private final List<ReadError> errors = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  /** A summary for the input named {@code path} ({@code -} for standard input). */
  public InputSummary(String path) {
    this.path = path;
  }

  /** The input's name as given. */
  public String path() {
    return path;
  }

  /** Detected format, e.g. {@code otlp-json} or {@code openmetrics+gzip}. */
  public String format() {
    return format;
  }

  /** Sets the detected format. */
  public void format(String f) {
    this.format = f;
  }

  /** Spans stored from this input. */
  public long spans() {
    return spans;
  }

  /** Exact duplicate spans merged away. */
  public long duplicateSpans() {
    return duplicateSpans;
  }

  /** Series first seen in this input. */
  public long metricSeries() {
    return metricSeries;
  }

  /** Metric points read. */
  public long samples() {
    return samples;
  }

  /** Log records read. */
  public long logs() {
    return logs;
  }

  /** GPU activity records (kernels, copies, NVTX ranges, kernel summaries) read. */
  public long gpuActivities() {
    return gpuActivities;
  }

  /** Counts GPU activity records. */
  public void countGpuActivities(long n) {
    gpuActivities += n;
  }

  /** Records (lines, messages, samples) skipped because they could not be read. */
  public long skipped() {
    return skipped;
  }

  /** The first {@link #MAX_ERRORS_KEPT} read errors. */
  public List<ReadError> errors() {
    return Collections.unmodifiableList(errors);
  }

  /**
   * Tolerated oddities worth telling the user (e.g. upper-case ids, OpenMetrics rules a lenient
   * read let pass); they do not make the input partly unreadable.
   */
  public List<String> notes() {
    return Collections.unmodifiableList(notes);
  }

  /** Counts a stored span. */
  public void countSpan() {
    spans++;
  }

  /** Counts a merged exact duplicate. */
  public void countDuplicateSpan() {
    duplicateSpans++;
  }

  /** Counts a new series. */
  public void countSeries() {
    metricSeries++;
  }

  /** Counts metric points. */
  public void countSamples(long n) {
    samples += n;
  }

  /** Counts a log record. */
  public void countLog() {
    logs++;
  }

  /** Records a skipped record and why. */
  public void error(ReadError e) {
    skipped++;
    if (errors.size() < MAX_ERRORS_KEPT) {
      errors.add(e);
    }
  }

  /** Records a tolerated oddity, once per distinct text, at most {@link #MAX_ERRORS_KEPT}. */
  public void note(String text) {
    if (notes.size() < MAX_ERRORS_KEPT && !notes.contains(text)) {
      notes.add(text);
    }
  }
}
