package dev.traceguard.analyzers.io;

import dev.traceguard.analyzers.model.InputSummary;
import dev.traceguard.analyzers.model.LogRecord;
import dev.traceguard.analyzers.model.MetricFamily;
import dev.traceguard.analyzers.model.MetricSeries;
import dev.traceguard.analyzers.model.MetricStore;
import dev.traceguard.analyzers.model.MutableSpan;
import dev.traceguard.analyzers.model.ReadError;
import dev.traceguard.analyzers.model.Resource;
import dev.traceguard.analyzers.model.SpanStore;
import dev.traceguard.analyzers.model.Telemetry;
import dev.traceguard.analyzers.model.Labels;

/**
 * What a format reader writes into while reading one input: the model, the input's summary, and
 * its errors. Readers never throw for bad records; they call {@link #error} and go on.
 */
public final class ReadContext {
  private final Telemetry telemetry;
  private final int input;
  private final InputSummary summary;
  private boolean seriesLimitReported;

  /** A context for the input at {@code input} in {@code telemetry.inputs()}. */
  public ReadContext(Telemetry telemetry, int input) {
    this.telemetry = telemetry;
    this.input = input;
    this.summary = telemetry.inputs().get(input);
  }

  /** The model being filled. */
  public Telemetry telemetry() {
    return telemetry;
  }

  /** Index of this input. */
  public int input() {
    return input;
  }

  /** This input's summary. */
  public InputSummary summary() {
    return summary;
  }

  /** The input's name as the user gave it. */
  public String name() {
    return summary.path();
  }

  /** Stores a span (merging exact duplicates) and counts it. */
  public void span(MutableSpan s) {
    if (telemetry.spans().add(s, input) == SpanStore.AddResult.ADDED) {
      summary.countSpan();
    } else {
      summary.countDuplicateSpan();
    }
  }

  /** Records what is known about a metric family. */
  public void declare(MetricFamily family) {
    telemetry.metrics().declare(family);
  }

  /**
   * The series for a sample, created and counted when new; null (with one error reported) when
   * the store is full.
   */
  public MetricSeries series(String family, String name, Labels labels, Resource resource, long line) {
    MetricStore m = telemetry.metrics();
    int before = m.seriesCount();
    MetricSeries s = m.series(family, name, labels, resource, input, line);
    if (s == null) {
      if (!seriesLimitReported) {
        seriesLimitReported = true;
        error(line, 0, -1, "more than " + before + " distinct series; further new series are skipped");
      } else {
        summary.error(new ReadError(line, 0, -1, "series limit reached"));
      }
      return null;
    }
    if (m.seriesCount() > before) {
      summary.countSeries();
    }
    return s;
  }

  /** Appends a point to a series and counts it. */
  public void sample(MetricSeries s, long timeUnixNano, double value) {
    telemetry.metrics().add(s, timeUnixNano, value);
    summary.countSamples(1);
  }

  /** Appends a point with its start time (OTLP {@code startTimeUnixNano}, 0 if none) and counts it. */
  public void sample(MetricSeries s, long timeUnixNano, long startTimeUnixNano, double value) {
    telemetry.metrics().add(s, timeUnixNano, startTimeUnixNano, value);
    summary.countSamples(1);
  }

  /** Stores a log record and counts it. */
  public void log(LogRecord r) {
    telemetry.addLog(r);
    summary.countLog();
  }

  /** Records a skipped record: where (line/column, or byte offset) and what was expected. */
  public void error(long line, long column, long offset, String message) {
    summary.error(new ReadError(line, column, offset, message));
  }

  /** Records a tolerated oddity worth telling the user. */
  public void note(String text) {
    summary.note(text);
  }
}
