package dev.traceguard.analyzers.oom;

import dev.traceguard.analyzers.model.MetricSeries;
import java.util.LinkedHashMap;
import java.util.Map;

/** A series the analyzer uses, with its role; its timeline is built on first use. */
final class Tracked {
  final MetricSeries series;
  final SeriesCatalog.Kind kind;
  final String container;
  final String gpu;
  private Timeline timeline;

  Tracked(MetricSeries series, SeriesCatalog.Kind kind) {
    this.series = series;
    this.kind = kind;
    this.container = SeriesCatalog.container(series.labels(), series.resource());
    this.gpu = SeriesCatalog.gpu(series.labels());
  }

  Role role() {
    return kind.role();
  }

  Timeline timeline() {
    if (timeline == null) {
      timeline = Timeline.of(series, kind.scale());
    }
    return timeline;
  }

  /** Whether this series applies to {@code c} (series of the whole pod apply to every container). */
  boolean appliesTo(String c) {
    return c == null || container == null || container.equals(c);
  }

  String name() {
    return series.name();
  }

  /** Labels as a map, for evidence. */
  Map<String, Object> labels() {
    return new LinkedHashMap<>(series.labels().asMap());
  }

  @Override
  public String toString() {
    return series.toString();
  }
}
