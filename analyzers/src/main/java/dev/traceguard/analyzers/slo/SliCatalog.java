package dev.traceguard.analyzers.slo;

import dev.traceguard.analyzers.model.Labels;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Finds the indicators in a set of series: classic histograms ({@code x_bucket} with {@code le},
 * giving latency), counters with a status label (giving the error ratio), and {@code _sum}/{@code
 * _count} pairs without buckets (giving the mean latency).
 */
public final class SliCatalog {
  /** Labels that split indicators into groups when {@code --group-by} is not given, in this order. */
  public static final List<String> AUTO_GROUP_BY =
      List.of("model", "model_name", "gen_ai_request_model", "service", "service_name", "job");
  /** Labels that carry a request's status, tried in this order. */
  public static final List<String> STATUS_LABELS =
      List.of("code", "status_code", "http_response_status_code", "http_status_code", "status", "outcome", "result");
  /** Status values that mean a failed request. */
  public static final String DEFAULT_ERROR_REGEX = "5..|5xx|5XX|SERVER_ERROR|error|ERROR|failure|FAILURE|failed|FAILED";

  /** A series' name and labels. */
  public record SeriesInfo(String name, Labels labels) {}

  private SliCatalog() {}

  /**
   * The indicators among {@code series}.
   *
   * @param series every series (already filtered by the selector)
   * @param groupBy labels to group by, or null to pick from {@link #AUTO_GROUP_BY}
   * @param errorRegex status values that are errors, or null for {@link #DEFAULT_ERROR_REGEX}
   */
  public static List<Sli> detect(Iterable<SeriesInfo> series, List<String> groupBy, String errorRegex) {
    Map<String, Set<String>> bucketLes = new TreeMap<>();
    Map<String, Set<String>> labelsOf = new TreeMap<>();
    Set<String> names = new TreeSet<>();
    for (SeriesInfo s : series) {
      names.add(s.name());
      Set<String> ln = labelsOf.computeIfAbsent(s.name(), k -> new TreeSet<>());
      for (int i = 0; i < s.labels().size(); i++) {
        ln.add(s.labels().name(i));
      }
      if (s.name().endsWith("_bucket") && s.labels().get("le") != null) {
        bucketLes.computeIfAbsent(s.name().substring(0, s.name().length() - 7), k -> new LinkedHashSet<>())
            .add(s.labels().get("le"));
      }
    }
    List<Sli> out = new ArrayList<>();
    String errors = errorRegex == null ? DEFAULT_ERROR_REGEX : errorRegex;
    for (Map.Entry<String, Set<String>> e : bucketLes.entrySet()) {
      List<String> les = new ArrayList<>(e.getValue());
      les.sort(Comparator.comparingDouble(Sli::parseLe));
      out.add(new Sli(Sli.Kind.LATENCY, e.getKey(), grouping(labelsOf.get(e.getKey() + "_bucket"), groupBy),
          null, null, les));
    }
    for (String n : names) {
      boolean counter = n.endsWith("_total") || n.endsWith("_count");
      if (!counter) {
        continue;
      }
      Set<String> ln = labelsOf.get(n);
      String status = null;
      for (String s : STATUS_LABELS) {
        if (ln.contains(s)) {
          status = s;
          break;
        }
      }
      if (status != null) {
        out.add(new Sli(Sli.Kind.ERRORS, n, grouping(ln, groupBy), status, errors, List.of()));
      }
      if (n.endsWith("_count")) {
        String base = n.substring(0, n.length() - 6);
        if (!bucketLes.containsKey(base) && names.contains(base + "_sum")) {
          out.add(new Sli(Sli.Kind.MEAN_LATENCY, base, grouping(ln, groupBy), null, null, List.of()));
        }
      }
    }
    return out;
  }

  private static List<String> grouping(Set<String> present, List<String> groupBy) {
    if (groupBy != null) {
      return groupBy;
    }
    List<String> g = new ArrayList<>();
    for (String c : AUTO_GROUP_BY) {
      if (present != null && present.contains(c)) {
        g.add(c);
      }
    }
    return g;
  }

  /** Series of {@code sli}, grouped: group labels to component to the series. */
  public static Map<Labels, Map<String, List<SeriesInfo>>> members(Sli sli, Iterable<SeriesInfo> series) {
    Map<Labels, Map<String, List<SeriesInfo>>> out = new LinkedHashMap<>();
    for (SeriesInfo s : series) {
      String c = sli.component(s.name(), s.labels());
      if (c != null) {
        out.computeIfAbsent(sli.group(s.labels()), k -> new TreeMap<>())
            .computeIfAbsent(c, k -> new ArrayList<>()).add(s);
      }
    }
    return out;
  }
}
