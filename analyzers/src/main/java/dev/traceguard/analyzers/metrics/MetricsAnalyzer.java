package dev.traceguard.analyzers.metrics;

import dev.traceguard.analyzers.AnalysisOptions;
import dev.traceguard.analyzers.Analyzer;
import dev.traceguard.analyzers.FindingSink;
import dev.traceguard.analyzers.model.MetricSeries;
import dev.traceguard.analyzers.model.MetricStore;
import dev.traceguard.analyzers.model.Telemetry;

/**
 * Metric semantics that break dashboards and alerts without any error: counters that reset with
 * no restart ({@code counter-reset}), histograms whose buckets end below the data ({@code
 * histogram-overflow}), inference metrics with no model dimension ({@code missing-ai-labels}),
 * labels that explode the series count or leak ids and prompts ({@code high-cardinality}); and
 * the errors of spans and logs sorted into classes per service and model ({@code
 * error-taxonomy}). Settings come from {@link MetricsOptions}. Every rule is described in
 * docs/rules.md.
 *
 * <p>Two passes stream over the series: the first indexes restart signals and gathers per-metric
 * label statistics and histogram totals (bounded: distinct values are counted by hash and only up
 * to the cardinality limit), the second checks counters against the restart signals.
 */
public final class MetricsAnalyzer implements Analyzer {
  /** This analyzer's name. */
  public static final String NAME = "metrics";

  /** The analyzer. */
  public MetricsAnalyzer() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "metric semantics: counter resets without restart, overflowing histograms, inference metrics"
        + " without a model label, high-cardinality labels; errors classified per service and model";
  }

  @Override
  public void analyze(Telemetry telemetry, AnalysisOptions options, FindingSink out) {
    MetricsOptions o = options.get(MetricsOptions.class, MetricsOptions::defaults);
    MetricStore store = telemetry.metrics();
    if (store.seriesCount() > 0) {
      CounterResets resets = new CounterResets();
      HistogramOverflow overflow = new HistogramOverflow(o);
      LabelChecks labels = new LabelChecks(o);
      for (MetricSeries s : store.series()) {
        resets.index(s);
        overflow.add(s);
        labels.add(s);
      }
      for (MetricSeries s : store.series()) {
        resets.check(s);
      }
      resets.report(out);
      overflow.report(out);
      labels.report(out);
    }
    ErrorTaxonomy.run(telemetry, out);
  }
}
