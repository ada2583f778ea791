package dev.traceguard.analyzers.slo;

import dev.traceguard.analyzers.model.Labels;
import java.util.Map;
import java.util.TreeMap;

/**
 * The per-step rates of one indicator in one group, as {@code sum by (group) (rate(x[w]))} gives
 * them: one {@link StepSeries} per component ({@code le:<le>}, {@code total}, {@code errors},
 * {@code sum}, {@code count}).
 *
 * @param sli the indicator
 * @param group the group's labels
 * @param components component name to its rates
 * @param examples labels of one real series per kind ({@code series}, {@code error}, {@code ok}),
 *     used to write synthetic test series that the same selectors match
 */
public record GroupRates(Sli sli, Labels group, Map<String, StepSeries> components, Map<String, Labels> examples) {
  /** A group with no data yet. */
  public static GroupRates empty(Sli sli, Labels group) {
    return new GroupRates(sli, group, new TreeMap<>(), new TreeMap<>());
  }

  /** Remembers {@code labels} as the example of {@code kind} unless one is known. */
  public void example(String kind, Labels labels) {
    examples.putIfAbsent(kind, labels);
  }

  /** The component's series, created empty when new. */
  public StepSeries component(String name) {
    return components.computeIfAbsent(name, k -> new StepSeries());
  }
}
