package dev.traceguard.analyzers.slo;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Floats in the shortest decimal form that reads back to the same double. Java 17's {@link
 * Double#toString} is not that: it prints {@code 2.0E-3} as {@code 0.0020} and some values with
 * a digit too many (fixed only in Java 19), and its {@code E} notation is not what PromQL and YAML
 * readers expect from a rule file.
 */
public final class PromFloat {
  private PromFloat() {}

  /**
   * The shortest round-trip decimal: plain notation for magnitudes from 1e-4 to below 1e15,
   * otherwise {@code 1.5e-07} style; {@code +Inf}, {@code -Inf}, {@code NaN} as Prometheus spells
   * them.
   */
  public static String format(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "+Inf" : "-Inf";
    }
    if (d == 0) {
      return (1 / d) < 0 ? "-0" : "0";
    }
    BigDecimal exact = new BigDecimal(d);
    BigDecimal shortest = exact;
    for (int p = 1; p <= 17; p++) {
      BigDecimal r = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
      if (r.doubleValue() == d) {
        shortest = r;
        break;
      }
    }
    shortest = shortest.stripTrailingZeros();
    double abs = Math.abs(d);
    if (abs >= 1e-4 && abs < 1e15) {
      return shortest.toPlainString();
    }
    // Scientific: unscaled digits d.ddd and the exponent.
    String digits = shortest.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - shortest.scale();
    StringBuilder sb = new StringBuilder();
    if (d < 0) {
      sb.append('-');
    }
    sb.append(digits.charAt(0));
    if (digits.length() > 1) {
      sb.append('.').append(digits, 1, digits.length());
    }
    sb.append('e').append(exponent < 0 ? '-' : '+');
    int e = Math.abs(exponent);
    if (e < 10) {
      sb.append('0');
    }
    sb.append(e);
    return sb.toString();
  }
}
