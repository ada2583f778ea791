package dev.traceguard.analyzers.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Suggested histogram bounds for a histogram that overflows, from what the dump tells: the mean
 * ({@code _sum/_count}), the share below the largest finite bound, and a floor under the mean of
 * the overflowed values.
 *
 * <p>The spread comes from a log-normal fit (latencies and token counts are right-skewed): with
 * mean {@code m} and {@code P(X <= b) = 1 - share}, {@code ln m = mu + sigma^2/2} and {@code ln b =
 * mu + z sigma} where {@code z} is the standard normal quantile of {@code 1 - share}; so {@code
 * sigma = z + sqrt(z^2 + 2 ln(m/b))}. The bounds keep the existing ones and continue in 1-2.5-5
 * steps up to the fitted p99 (or the overflow floor, whichever is larger).
 *
 * @param sigma fitted log-normal sigma, or 0 when no fit was possible
 * @param median fitted median, or NaN
 * @param p99 fitted 99th percentile, or NaN
 * @param bounds suggested finite bounds, ascending
 * @param basis how they were derived, for the hint
 */
record BucketAdvice(double sigma, double median, double p99, List<Double> bounds, String basis) {
  private static final double Z99 = 2.3263478740408408;
  private static final double[] STEPS = {1, 2.5, 5};
  private static final int MAX_ADDED = 12;

  static BucketAdvice suggest(double[] les, double mean, double share, double overflowMeanAtLeast) {
    TreeSet<Double> finite = new TreeSet<>();
    for (double le : les) {
      if (!Double.isInfinite(le)) {
        finite.add(le);
      }
    }
    double top = finite.isEmpty() ? Double.NaN : finite.last();
    double sigma = 0;
    double median = Double.NaN;
    double p99 = Double.NaN;
    String basis;
    double target;
    boolean haveMean = mean > 0 && !Double.isInfinite(mean);
    if (haveMean && top > 0 && share > 0 && share < 1) {
      double z = inverseNormal(1 - share);
      double disc = z * z + 2 * Math.log(mean / top);
      if (disc >= 0 && z + Math.sqrt(disc) > 0) {
        sigma = z + Math.sqrt(disc);
        double mu = Math.log(mean) - sigma * sigma / 2;
        median = Math.exp(mu);
        p99 = Math.exp(mu + Z99 * sigma);
      }
    }
    if (sigma > 0) {
      target = p99;
      basis = "mean " + MetricNames.num(mean) + " from _sum/_count; a log-normal fit to that mean and the "
          + MetricNames.percent(1 - share) + " at or below " + MetricNames.num(top) + " puts p99 near "
          + MetricNames.num(p99);
    } else if (haveMean) {
      target = Math.max(4 * mean, top > 0 ? 4 * top : 0);
      basis = "mean " + MetricNames.num(mean) + " from _sum/_count; no log-normal fits the bucket counts, so up"
          + " to 4 times the mean or the largest bound";
    } else {
      target = top > 0 ? 10 * top : 1;
      basis = "no _sum/_count to estimate the tail from, so one decade past the largest bound";
    }
    if (overflowMeanAtLeast > 0 && !Double.isInfinite(overflowMeanAtLeast) && overflowMeanAtLeast > target) {
      target = overflowMeanAtLeast;
      basis += "; _sum says the values above " + MetricNames.num(top) + " average at least "
          + MetricNames.num(overflowMeanAtLeast);
    }
    if (!(target > 0) || Double.isInfinite(target)) {
      target = top > 0 ? 10 * top : 1;
    }
    List<Double> out = new ArrayList<>(finite);
    double from = top > 0 ? top : (haveMean ? mean / 10 : target / 100);
    double step = niceAtOrBelow(from);
    int added = 0;
    // Walk 1-2.5-5 steps above the largest bound; past MAX_ADDED steps go by whole decades.
    int decade = (int) Math.floor(Math.log10(step));
    int idx = indexOf(step / Math.pow(10, decade));
    double last = Double.NaN;
    while (added < 60) {
      idx++;
      if (idx == STEPS.length) {
        idx = 0;
        decade++;
      }
      double v = clean(STEPS[idx] * Math.pow(10, decade));
      if (v <= (top > 0 ? top : 0)) {
        continue;
      }
      if (added >= MAX_ADDED && idx != 0) {
        continue;
      }
      out.add(v);
      added++;
      last = v;
      if (v >= target) {
        break;
      }
    }
    if (Double.isNaN(last)) {
      out.add(clean(target));
    }
    return new BucketAdvice(sigma, median, p99, out, basis);
  }

  /** The bounds as a comma-separated list. */
  String boundsText() {
    StringBuilder sb = new StringBuilder();
    for (double b : bounds) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(MetricNames.num(b));
    }
    return sb.toString();
  }

  private static int indexOf(double mantissa) {
    int best = 0;
    for (int i = 0; i < STEPS.length; i++) {
      if (STEPS[i] <= mantissa + 1e-9) {
        best = i;
      }
    }
    return best;
  }

  private static double niceAtOrBelow(double v) {
    double d = Math.pow(10, Math.floor(Math.log10(v)));
    return STEPS[indexOf(v / d)] * d;
  }

  private static double clean(double v) {
    return Double.parseDouble(MetricNames.num(v));
  }

  /**
   * The standard normal quantile (P. J. Acklam's rational approximation, relative error below
   * 1.2e-9, which is far more than bucket advice needs).
   */
  static double inverseNormal(double p) {
    if (p <= 0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (p >= 1) {
      return Double.POSITIVE_INFINITY;
    }
    double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
        1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
    double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
        6.680131188771972e+01, -1.328068155288572e+01};
    double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
        -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
    double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
        3.754408661907416e+00};
    double low = 0.02425;
    if (p < low) {
      double q = Math.sqrt(-2 * Math.log(p));
      return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
          / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    if (p > 1 - low) {
      double q = Math.sqrt(-2 * Math.log(1 - p));
      return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
          / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    double q = p - 0.5;
    double r = q * q;
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
        / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
}
