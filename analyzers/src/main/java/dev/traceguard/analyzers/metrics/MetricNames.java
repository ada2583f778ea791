package dev.traceguard.analyzers.metrics;

import dev.traceguard.analyzers.model.MetricSeries;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.util.Locale;

/** Names, numbers and times as the metrics rules show them. */
final class MetricNames {
  /** Sample-name suffixes that belong to a family rather than name it. */
  private static final String[] SUFFIXES = {
    "_bucket", "_count", "_sum", "_total", "_created", "_gcount", "_gsum"
  };

  private MetricNames() {}

  /**
   * The metric a sample belongs to: the sample name without {@code _bucket}, {@code _count},
   * {@code _sum}, {@code _total}, {@code _created}, so a histogram or a counter read from text 0.0.4
   * and from an OpenMetrics dump is one metric.
   */
  static String metric(String sample) {
    for (String s : SUFFIXES) {
      if (sample.endsWith(s) && sample.length() > s.length()) {
        return sample.substring(0, sample.length() - s.length());
      }
    }
    return sample;
  }

  /** {@code name} without {@code suffix}, or null when it does not end with it. */
  static String strip(String name, String suffix) {
    return name.endsWith(suffix) && name.length() > suffix.length()
        ? name.substring(0, name.length() - suffix.length())
        : null;
  }

  /** A point time for people: ISO-8601 UTC, or "no timestamp". */
  static String time(long nanos) {
    if (nanos == MetricSeries.NO_TIMESTAMP) {
      return "no timestamp";
    }
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L))
        .toString();
  }

  /** A number for a sentence: at most 4 significant digits, no exponent for everyday sizes. */
  static String num(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : Double.toString(v);
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    BigDecimal d = new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros();
    if (Math.abs(v) >= 1e-4 && Math.abs(v) < 1e15) {
      return d.toPlainString();
    }
    return d.toString().toLowerCase(Locale.ROOT);
  }

  /** A value for evidence: rounded to 6 significant digits so reports stay readable. */
  static double round(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v) || v == 0) {
      return v;
    }
    return new BigDecimal(v).round(new MathContext(6)).doubleValue();
  }

  /** A share as a percentage for a sentence, e.g. "31.2%". */
  static String percent(double share) {
    return num(Math.round(share * 1000) / 10.0) + "%";
  }
}
