package dev.traceguard.analyzers.io.prom;

import dev.traceguard.analyzers.io.ReadContext;
import dev.traceguard.analyzers.model.Labels;
import dev.traceguard.analyzers.model.MetricFamily;
import dev.traceguard.analyzers.model.MetricStore;
import dev.traceguard.analyzers.model.MetricType;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which family each sample belongs to, and the OpenMetrics 1.0 rules beyond the grammar: metadata
 * before samples and never repeated, families and label groups contiguous, no clashing names,
 * sample names that fit the type, counter and histogram values, bucket order, summary quantiles,
 * info and stateset values, exemplar placement and timestamp order.
 *
 * <p>Strict, each broken rule is a read error. Lenient, it becomes one note per rule (with the
 * first line), and only where it means something for the input: rules that are plain OpenMetrics
 * conventions are not held against Prometheus text format input.
 */
final class OpenMetricsRules {
  /** Families remembered for name clashes and lookups; more than this is hostile input. */
  static final int MAX_NAMES = 1_000_000;

  private static final String[] NO_SUFFIX = {""};
  private static final String[] COUNTER = {"_total", "_created"};
  private static final String[] SUMMARY = {"", "_count", "_sum", "_created"};
  private static final String[] HISTOGRAM = {"_bucket", "_count", "_sum", "_created"};
  private static final String[] GAUGE_HISTOGRAM = {"_bucket", "_gcount", "_gsum"};
  private static final String[] INFO = {"_info"};
  /** Suffixes stripped to find a sample's family, longest match first. */
  private static final String[] ALL = {"_bucket", "_gcount", "_count", "_created", "_total", "_gsum", "_sum", "_info"};

  private final boolean strict;
  private final ReadContext ctx;
  /** Whether the input has shown itself to be OpenMetrics (lenient mode only asks). */
  private boolean openMetrics;
  /** Whether it has shown itself to be the text format, so OpenMetrics conventions do not apply. */
  private boolean textFormat;
  private final Set<String> noted = new HashSet<>();
  /** Conventions broken before the dialect was known, by rule: noted if it turns out OpenMetrics. */
  private final Map<String, String> deferred = new LinkedHashMap<>();

  // Every family and sample name used in this exposition (OpenMetrics: no two families may share
  // one), and the families declared with metadata, by name.
  private final Set<String> reserved = new HashSet<>();
  private final Map<String, MetricType> declared = new HashMap<>();
  private boolean namesFull;

  // The current family.
  private String fam;
  private MetricType type = MetricType.UNKNOWN;
  private String unit = "";
  private String help = "";
  private boolean hasHelp;
  private boolean hasType;
  private boolean hasUnit;
  private boolean hasSamples;
  private boolean familyDeclared;

  // The current label group (one Metric: labels without le/quantile/the stateset label), the
  // groups already finished in this family, and each series' last timestamp within the group.
  private GroupKey group;
  private final Set<GroupKey> doneGroups = new HashSet<>();
  private final Map<SeriesKey, double[]> lastTimes = new HashMap<>();

  // The current histogram point (one group at one timestamp).
  private boolean pointOpen;
  private double pointTime;
  private long pointLine;
  private boolean pointHasSamples;
  private double lastLe;
  private double lastBucket;
  private boolean sawBuckets;
  private boolean sawInf;
  private double infValue;
  private boolean hasCount;
  private double count;
  private boolean hasSum;
  private boolean hasGsum;
  private boolean negativeGsum;
  private boolean negativeBuckets;

  OpenMetricsRules(boolean strict, ReadContext ctx) {
    this.strict = strict;
    this.ctx = ctx;
    this.openMetrics = strict;
  }

  /** Tells that the input is OpenMetrics, so that its conventions apply (lenient mode). */
  void openMetrics() {
    openMetrics = true;
    for (Map.Entry<String, String> e : deferred.entrySet()) {
      if (noted.add(e.getKey())) {
        ctx.note(e.getValue());
      }
    }
    deferred.clear();
  }

  /** Tells that the input is the text format 0.0.4: OpenMetrics conventions do not apply. */
  void textFormat() {
    textFormat = true;
    deferred.clear();
  }

  /**
   * A broken rule: an error when strict; when lenient a note, once per rule, and only for rules
   * that are not mere OpenMetrics conventions unless the input is OpenMetrics.
   */
  private void violation(long line, String rule, boolean convention, String message) {
    if (strict) {
      ctx.error(line, 0, -1, message);
      return;
    }
    String note = "OpenMetrics rule not met (read anyway), first at line " + line + ": " + message;
    if (convention && !openMetrics) {
      if (!textFormat && !noted.contains(rule)) {
        deferred.putIfAbsent(rule, note);
      }
      return;
    }
    if (noted.add(rule)) {
      ctx.note(note);
    }
  }

  private void reserve(long line, String name, String why) {
    if (namesFull) {
      return;
    }
    if (reserved.size() >= MAX_NAMES) {
      namesFull = true;
      ctx.note("more than " + MAX_NAMES + " metric names; name clashes are no longer checked");
      return;
    }
    if (!reserved.add(name)) {
      violation(line, "clash", true, why);
    }
  }

  // ---- metadata

  /** A {@code # HELP} line. */
  void help(long line, String name, String text) {
    if (metadata(line, name, "HELP", hasHelp)) {
      hasHelp = true;
      help = text;
    }
  }

  /** A {@code # UNIT} line. */
  void unit(long line, String name, String u) {
    if (metadata(line, name, "UNIT", hasUnit)) {
      hasUnit = true;
      unit = u;
      checkUnit(line);
    }
  }

  /** A {@code # TYPE} line. */
  void type(long line, String name, MetricType t) {
    if (metadata(line, name, "TYPE", hasType)) {
      hasType = true;
      type = t;
      if (!namesFull && declared.size() < MAX_NAMES) {
        declared.put(name, t);
      }
      for (String s : suffixes(t)) {
        if (!s.isEmpty()) {
          reserve(line, name + s, "metric family " + name + " of type " + t.expositionName()
              + " needs the sample name " + name + s + ", which is already used by another family");
        }
      }
      checkUnit(line);
    }
  }

  /** Common part of the metadata lines; false when the line was a repeat and is ignored. */
  private boolean metadata(long line, String name, String kind, boolean already) {
    if (name.equals(fam)) {
      if (hasSamples) {
        violation(line, "metadata-after-samples", true, "# " + kind + " for " + name
            + " comes after its samples; metadata must come first");
      }
      if (already) {
        violation(line, "repeated-metadata", true, "# " + kind + " for " + name + " is repeated");
        return false;
      }
      return true;
    }
    endFamily();
    startFamily(line, name);
    if (!namesFull && declared.size() < MAX_NAMES) {
      declared.putIfAbsent(name, MetricType.UNKNOWN);
    }
    return true;
  }

  private void checkUnit(long line) {
    if (!hasUnit || unit.isEmpty()) {
      return;
    }
    if (!fam.endsWith("_" + unit)) {
      violation(line, "unit-suffix", true, "metric family " + fam + " has unit " + unit
          + " but its name does not end in _" + unit);
    }
    if (hasType && (type == MetricType.INFO || type == MetricType.STATESET)) {
      violation(line, "unit-type", true, type.expositionName() + " metric family " + fam
          + " may not have a unit");
    }
  }

  private void startFamily(long line, String name) {
    fam = name;
    type = MetricType.UNKNOWN;
    unit = "";
    help = "";
    hasHelp = false;
    hasType = false;
    hasUnit = false;
    hasSamples = false;
    familyDeclared = false;
    reserve(line, name, "metric family " + name
        + " appears again after other families, or clashes with another family's sample names");
  }

  /** Ends the current family: finishes its checks and declares it if nothing did yet. */
  void endFamily() {
    if (fam == null) {
      return;
    }
    endPoint();
    declare();
    doneGroups.clear();
    lastTimes.clear();
    group = null;
    fam = null;
  }

  /** Ends one exposition ({@code # EOF} or the end of the input). */
  void endExposition() {
    endFamily();
    reserved.clear();
    declared.clear();
    namesFull = false;
  }

  private void declare() {
    if (!familyDeclared && (hasHelp || hasType || hasUnit)) {
      familyDeclared = true;
      ctx.declare(new MetricFamily(fam, type, unit, help));
    }
  }

  private static String[] suffixes(MetricType t) {
    switch (t) {
      case COUNTER:
        return COUNTER;
      case SUMMARY:
        return SUMMARY;
      case HISTOGRAM:
        return HISTOGRAM;
      case GAUGE_HISTOGRAM:
        return GAUGE_HISTOGRAM;
      case INFO:
        return INFO;
      default:
        return NO_SUFFIX;
    }
  }

  /** The suffix of {@code sample} after {@code family} when one of {@code allowed}, else null. */
  private static String suffixOf(String sample, String family, String[] allowed) {
    if (!sample.startsWith(family)) {
      return null;
    }
    String rest = sample.substring(family.length());
    for (String s : allowed) {
      if (s.equals(rest)) {
        return s;
      }
    }
    return null;
  }

  /** What Prometheus' text format lets a family of this type hold besides OpenMetrics' names. */
  private static String[] lenientSuffixes(MetricType t) {
    switch (t) {
      case COUNTER:
        return new String[] {"", "_total", "_created"};
      case HISTOGRAM:
      case GAUGE_HISTOGRAM:
        return ALL;
      case INFO:
        return new String[] {"", "_info"};
      default:
        return suffixes(t);
    }
  }

  /**
   * The family of a sample read without metadata of its own (API JSON, promtool dumps): the name
   * without {@code _bucket}, {@code _total}… when a family of that base name was declared with a
   * type, else the name itself.
   */
  static String familyOf(MetricStore store, String sample) {
    for (String s : ALL) {
      if (sample.endsWith(s) && sample.length() > s.length()) {
        String base = sample.substring(0, sample.length() - s.length());
        if (store.family(base).type() != MetricType.UNKNOWN) {
          return base;
        }
      }
    }
    return sample;
  }

  // ---- samples

  /**
   * A sample: checks it against the rules and returns the name of its family.
   *
   * @param time the timestamp as written (seconds or milliseconds), or NaN when there is none
   */
  String sample(long line, String name, Labels labels, double value, double time, boolean exemplar) {
    String suffix = fam == null ? null : suffixOf(name, fam, suffixes(type));
    if (suffix == null && fam != null) {
      suffix = suffixOf(name, fam, lenientSuffixes(type));
      if (suffix != null) {
        violation(line, "sample-name", true, "sample " + name + " does not fit " + type.expositionName()
            + " metric family " + fam + " (expected " + expected(fam, type) + ")");
      }
    }
    if (suffix == null) {
      endFamily();
      String base = null;
      MetricType t = MetricType.UNKNOWN;
      for (String s : ALL) {
        if (name.endsWith(s)) {
          String b = name.substring(0, name.length() - s.length());
          MetricType dt = declared.get(b);
          if (dt != null) {
            base = b;
            t = dt;
            break;
          }
        }
      }
      startFamily(line, base == null ? name : base);
      if (base != null) {
        // A family declared earlier whose samples come back later: keep its name and type, so
        // the model still groups them, after the clash was reported.
        type = t;
        hasType = true;
        familyDeclared = true;
        suffix = name.substring(base.length());
      } else {
        suffix = "";
      }
    }
    hasSamples = true;
    declare();
    checkSample(line, name, suffix, labels, value, time, exemplar);
    return fam;
  }

  private static String expected(String f, MetricType t) {
    StringBuilder sb = new StringBuilder();
    for (String s : suffixes(t)) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(f).append(s);
    }
    return sb.toString();
  }

  private void checkSample(long line, String name, String suffix, Labels labels, double value, double time,
      boolean exemplar) {
    String ignored = null;
    if (type == MetricType.HISTOGRAM || type == MetricType.GAUGE_HISTOGRAM) {
      ignored = suffix.equals("_bucket") ? "le" : null;
    } else if (type == MetricType.SUMMARY) {
      ignored = suffix.isEmpty() ? "quantile" : null;
    } else if (type == MetricType.STATESET) {
      ignored = fam;
    }
    GroupKey g = new GroupKey(labels, ignored);
    boolean timed = !Double.isNaN(time);
    if (group == null || !group.equals(g)) {
      endPoint();
      if (group != null) {
        doneGroups.add(group);
      }
      if (doneGroups.contains(g)) {
        violation(line, "interleaved", true, "samples of " + fam + g
            + " are not together: another label set of the family came in between");
      }
      group = g;
      lastTimes.clear();
    } else if (pointOpen && Double.compare(pointTime, time) != 0) {
      endPoint();
    }
    if (!pointOpen) {
      pointOpen = true;
      pointTime = time;
      pointLine = line;
    }
    // Timestamps of one series: all present or all absent, and never going back.
    SeriesKey sk = new SeriesKey(name, labels);
    double[] last = lastTimes.get(sk);
    if (last == null) {
      lastTimes.put(sk, new double[] {time});
    } else {
      double prev = last[0];
      if (Double.isNaN(prev) || !timed) {
        violation(line, timed || !Double.isNaN(prev) ? "mixed-timestamps" : "duplicate", false,
            timed || !Double.isNaN(prev)
                ? "series " + name + labels + " has samples with and without timestamps"
                : "series " + name + labels + " appears twice without timestamps");
      } else if (time < prev) {
        violation(line, "time-order", false, "series " + name + labels
            + " goes back in time; timestamps must not decrease");
      }
      last[0] = time;
    }
    if (exemplar && !exemplarAllowed(suffix)) {
      violation(line, "exemplar-place", true, "exemplar on " + name + ": only counter _total and histogram"
          + " _bucket samples may have one");
    }
    switch (type) {
      case COUNTER:
        if (suffix.equals("_total") || suffix.isEmpty()) {
          nonNegative(line, name, value, "counter");
        }
        break;
      case HISTOGRAM:
      case GAUGE_HISTOGRAM:
        histogramSample(line, name, suffix, labels, value);
        break;
      case SUMMARY:
        summarySample(line, name, suffix, labels, value);
        break;
      case INFO:
        if (value != 1) {
          violation(line, "info-value", false, "info sample " + name + " has value " + value + "; it must be 1");
        }
        break;
      case STATESET:
        if (labels.get(fam) == null) {
          violation(line, "stateset-label", false, "stateset sample " + name
              + " lacks the label " + fam + " that names its state");
        }
        if (value != 0 && value != 1) {
          violation(line, "stateset-value", false, "stateset sample " + name + " has value " + value
              + "; it must be 0 or 1");
        }
        break;
      default:
        break;
    }
  }

  private boolean exemplarAllowed(String suffix) {
    switch (type) {
      case COUNTER:
        return suffix.equals("_total") || (!strict && suffix.isEmpty());
      case HISTOGRAM:
      case GAUGE_HISTOGRAM:
        return suffix.equals("_bucket");
      default:
        return false;
    }
  }

  private void nonNegative(long line, String name, double value, String what) {
    if (Double.isNaN(value) || value < 0) {
      violation(line, what + "-value", false, what + " sample " + name + " is " + value
          + "; it must not be negative or NaN");
    }
  }

  private void histogramSample(long line, String name, String suffix, Labels labels, double value) {
    pointHasSamples |= !suffix.equals("_created");
    switch (suffix) {
      case "_bucket": {
        nonNegative(line, name, value, "bucket");
        String le = labels.get("le");
        if (le == null) {
          violation(line, "bucket-le", false, "bucket sample " + name + labels + " lacks the le label");
          return;
        }
        double bound = bound(le);
        if (Double.isNaN(bound)) {
          violation(line, "bucket-le", false, "bucket sample " + name + labels
              + " has an le that is not a number (+Inf is spelled exactly so)");
          return;
        }
        if (sawBuckets && bound <= lastLe) {
          violation(line, "bucket-order", false, "buckets of " + fam + " are not in increasing le order");
        }
        if (sawBuckets && value < lastBucket) {
          violation(line, "bucket-cumulative", false, "bucket counts of " + fam
              + " decrease; buckets are cumulative");
        }
        if (bound < 0) {
          negativeBuckets = true;
        }
        if (bound == Double.POSITIVE_INFINITY) {
          sawInf = true;
          infValue = value;
        }
        sawBuckets = true;
        lastLe = bound;
        lastBucket = value;
        break;
      }
      case "_count":
      case "_gcount":
        nonNegative(line, name, value, "count");
        hasCount = true;
        count = value;
        break;
      case "_sum":
        if (type == MetricType.HISTOGRAM) {
          nonNegative(line, name, value, "sum");
        } else if (Double.isNaN(value)) {
          nonNegative(line, name, value, "sum");
        }
        hasSum = true;
        break;
      case "_gsum":
        if (Double.isNaN(value)) {
          nonNegative(line, name, value, "sum");
        }
        hasGsum = true;
        negativeGsum |= value < 0;
        break;
      default:
        break;
    }
  }

  /** An le bound: a number, with infinity spelled {@code +Inf} exactly when strict; NaN if none. */
  private double bound(String le) {
    if (le.equals("+Inf")) {
      return Double.POSITIVE_INFINITY;
    }
    if (le.equals("-Inf")) {
      return Double.NEGATIVE_INFINITY;
    }
    byte[] b = le.getBytes(StandardCharsets.ISO_8859_1);
    if (strict ? PromNumber.isReal(b, 0, b.length) : PromNumber.isValue(b, 0, b.length)) {
      return PromNumber.value(b, 0, b.length);
    }
    return Double.NaN;
  }

  private void summarySample(long line, String name, String suffix, Labels labels, double value) {
    if (suffix.isEmpty()) {
      String q = labels.get("quantile");
      if (q == null) {
        violation(line, "quantile", false, "summary sample " + name + labels + " lacks the quantile label");
        return;
      }
      byte[] b = q.getBytes(StandardCharsets.ISO_8859_1);
      double v = PromNumber.isValue(b, 0, b.length) ? PromNumber.value(b, 0, b.length) : Double.NaN;
      if (!(v >= 0 && v <= 1)) {
        violation(line, "quantile", false, "summary sample " + name + labels
            + " has a quantile that is not a number from 0 to 1");
      }
      if (value < 0) {
        violation(line, "quantile-value", false, "summary quantile " + name + labels + " is negative");
      }
    } else if (suffix.equals("_count") || suffix.equals("_sum")) {
      nonNegative(line, name, value, suffix.substring(1));
    }
  }

  /** Ends the current histogram point, checking its buckets against its count and sum. */
  private void endPoint() {
    if (pointOpen && pointHasSamples
        && (type == MetricType.HISTOGRAM || type == MetricType.GAUGE_HISTOGRAM)) {
      boolean gauge = type == MetricType.GAUGE_HISTOGRAM;
      String c = gauge ? "_gcount" : "_count";
      String s = gauge ? "_gsum" : "_sum";
      long line = pointLine;
      if (!sawInf) {
        violation(line, "bucket-inf", false, "histogram " + fam + group + " has no le=\"+Inf\" bucket");
      } else if (hasCount && count != infValue) {
        violation(line, "count-inf", false, "histogram " + fam + group + ": " + c + " is " + count
            + " but the +Inf bucket is " + infValue);
      }
      boolean sum = gauge ? hasGsum : hasSum;
      if (sum && !hasCount) {
        violation(line, "sum-count", true, "histogram " + fam + group + " has " + s + " but no " + c);
      }
      if (hasCount && !sum) {
        violation(line, "sum-count", true, "histogram " + fam + group + " has " + c + " but no " + s);
      }
      if (!gauge && negativeBuckets && hasSum) {
        violation(line, "negative-sum", false, "histogram " + fam + group
            + " has negative buckets, so it may not have _sum");
      }
      if (gauge && negativeGsum && !negativeBuckets) {
        violation(line, "negative-sum", false, "gauge histogram " + fam + group
            + " has a negative _gsum but no negative buckets");
      }
    }
    pointOpen = false;
    pointHasSamples = false;
    sawBuckets = false;
    sawInf = false;
    hasCount = false;
    hasSum = false;
    hasGsum = false;
    negativeGsum = false;
    negativeBuckets = false;
    lastLe = Double.NEGATIVE_INFINITY;
    lastBucket = 0;
  }

  /** One series within a family. */
  private record SeriesKey(String name, Labels labels) {}

  /** Labels compared without one name (le, quantile or the stateset label). */
  private static final class GroupKey {
    private final Labels labels;
    private final String ignored;
    private final int hash;

    GroupKey(Labels labels, String ignored) {
      this.labels = labels;
      this.ignored = ignored;
      int h = 1;
      for (int i = 0; i < labels.size(); i++) {
        if (!labels.name(i).equals(ignored)) {
          h = 31 * (31 * h + labels.name(i).hashCode()) + labels.value(i).hashCode();
        }
      }
      this.hash = h;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof GroupKey)) {
        return false;
      }
      GroupKey k = (GroupKey) o;
      if (k.labels == labels && Objects.equals(k.ignored, ignored)) {
        return true;
      }
      if (k.hash != hash) {
        return false;
      }
      int i = 0;
      int j = 0;
      while (true) {
        while (i < labels.size() && labels.name(i).equals(ignored)) {
          i++;
        }
        while (j < k.labels.size() && k.labels.name(j).equals(k.ignored)) {
          j++;
        }
        if (i == labels.size() || j == k.labels.size()) {
          return i == labels.size() && j == k.labels.size();
        }
        if (!labels.name(i).equals(k.labels.name(j)) || !labels.value(i).equals(k.labels.value(j))) {
          return false;
        }
        i++;
        j++;
      }
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public String toString() {
      return (ignored == null ? labels : labels.without(ignored)).toString();
    }
  }
}
