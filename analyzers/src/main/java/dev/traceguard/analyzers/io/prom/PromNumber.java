package dev.traceguard.analyzers.io.prom;

import java.nio.charset.StandardCharsets;

/**
 * Numbers as Prometheus and OpenMetrics write them. {@link Double#parseDouble} is no judge of
 * that: it takes {@code 1d}, {@code 0x1p-3} and surrounding blanks, and refuses {@code +Inf} and
 * {@code nan}. So every token is checked against the grammar here first; only a token that passed
 * goes to the JDK, for its correctly rounded decimal conversion.
 */
final class PromNumber {
  /** A timestamp past the end of the int64 nanosecond range (year 2262) is clamped to this. */
  static final long MAX_NANOS = Long.MAX_VALUE;
  /** A timestamp before the start of the range; one above {@code NO_TIMESTAMP}, which it must never be. */
  static final long MIN_NANOS = Long.MIN_VALUE + 1;

  private PromNumber() {}

  private static boolean digit(byte c) {
    return c >= '0' && c <= '9';
  }

  /**
   * True when {@code b[s, e)} is an OpenMetrics {@code realnumber}: an optional sign, digits with
   * an optional fraction ({@code 1}, {@code 1.}, {@code .5}) and an optional exponent. No
   * infinity, no NaN, no hex, no underscores.
   */
  static boolean isReal(byte[] b, int s, int e) {
    int i = s;
    if (i < e && (b[i] == '+' || b[i] == '-')) {
      i++;
    }
    int start = i;
    while (i < e && digit(b[i])) {
      i++;
    }
    int digits = i - start;
    if (i < e && b[i] == '.') {
      i++;
      int f = i;
      while (i < e && digit(b[i])) {
        i++;
      }
      digits += i - f;
    }
    if (digits == 0) {
      return false;
    }
    if (i < e && (b[i] == 'e' || b[i] == 'E')) {
      i++;
      if (i < e && (b[i] == '+' || b[i] == '-')) {
        i++;
      }
      int x = i;
      while (i < e && digit(b[i])) {
        i++;
      }
      if (i == x) {
        return false;
      }
    }
    return i == e;
  }

  /** True when {@code b[s, e)} is an optional sign and decimal digits only. */
  static boolean isInteger(byte[] b, int s, int e) {
    int i = s;
    if (i < e && (b[i] == '+' || b[i] == '-')) {
      i++;
    }
    if (i == e) {
      return false;
    }
    for (; i < e; i++) {
      if (!digit(b[i])) {
        return false;
      }
    }
    return true;
  }

  /**
   * True when {@code b[s, e)} is a sample value: a {@link #isReal real number}, or (ignoring case)
   * {@code inf} or {@code infinity} with an optional sign, or {@code nan}. This is the OpenMetrics
   * grammar, and also what Prometheus' text parser takes once it has refused Go's extras.
   */
  static boolean isValue(byte[] b, int s, int e) {
    return isReal(b, s, e) || special(b, s, e) != 0;
  }

  /** 1 for +infinity, -1 for -infinity, 2 for NaN, 0 otherwise. */
  private static int special(byte[] b, int s, int e) {
    int i = s;
    int sign = 1;
    if (i < e && (b[i] == '+' || b[i] == '-')) {
      sign = b[i] == '-' ? -1 : 1;
      i++;
    }
    int n = e - i;
    if (i == s && equalsIgnoreCase(b, i, e, "nan")) {
      return 2;
    }
    if ((n == 3 && equalsIgnoreCase(b, i, e, "inf")) || (n == 8 && equalsIgnoreCase(b, i, e, "infinity"))) {
      return sign;
    }
    return 0;
  }

  private static boolean equalsIgnoreCase(byte[] b, int s, int e, String word) {
    if (e - s != word.length()) {
      return false;
    }
    for (int i = 0; i < word.length(); i++) {
      int c = b[s + i] | 0x20;
      if (c != word.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** The value of a token {@link #isValue} accepted. */
  static double value(byte[] b, int s, int e) {
    int sp = special(b, s, e);
    if (sp == 1) {
      return Double.POSITIVE_INFINITY;
    }
    if (sp == -1) {
      return Double.NEGATIVE_INFINITY;
    }
    if (sp == 2) {
      return Double.NaN;
    }
    // Plain integers of up to 15 digits are exact as doubles; skip the string round trip.
    int i = s;
    boolean neg = false;
    if (b[i] == '+' || b[i] == '-') {
      neg = b[i] == '-';
      i++;
    }
    if (e - i <= 15) {
      long v = 0;
      int k = i;
      while (k < e && digit(b[k])) {
        v = v * 10 + (b[k] - '0');
        k++;
      }
      if (k == e) {
        return neg ? -(double) v : (double) v;
      }
    }
    return Double.parseDouble(new String(b, s, e - s, StandardCharsets.ISO_8859_1));
  }

  /** {@link #isValue} for a string (JSON values, promtool output). */
  static boolean isValue(String s) {
    byte[] b = ascii(s);
    return b != null && isValue(b, 0, b.length);
  }

  /** {@link #value} for a string {@link #isValue(String)} accepted. */
  static double value(String s) {
    byte[] b = ascii(s);
    return value(b, 0, b.length);
  }

  /** The bytes of an ASCII string, or null when it holds anything else. */
  static byte[] ascii(String s) {
    byte[] b = new byte[s.length()];
    for (int i = 0; i < b.length; i++) {
      char c = s.charAt(i);
      if (c > 0x7e) {
        return null;
      }
      b[i] = (byte) c;
    }
    return b;
  }

  /**
   * The exact decimal {@code b[s, e)} times {@code 10^shift}, truncated toward zero: seconds to
   * nanoseconds with shift 9, milliseconds with shift 6. Done on the digits, not through a double
   * (which loses nanoseconds at today's epoch) nor BigDecimal (which would build {@code 1e999999}
   * digit by digit). Values outside int64 are clamped to {@link #MAX_NANOS} / {@link #MIN_NANOS}.
   *
   * @param b a token {@link #isReal} accepted
   */
  static long scaled(byte[] b, int s, int e, int shift) {
    int i = s;
    boolean neg = false;
    if (b[i] == '+' || b[i] == '-') {
      neg = b[i] == '-';
      i++;
    }
    int mantEnd = e;
    long exp = 0;
    for (int k = i; k < e; k++) {
      if (b[k] == 'e' || b[k] == 'E') {
        mantEnd = k;
        int x = k + 1;
        boolean expNeg = false;
        if (b[x] == '+' || b[x] == '-') {
          expNeg = b[x] == '-';
          x++;
        }
        for (; x < e; x++) {
          // Saturate: anything past a million digits is out of range or zero anyway.
          exp = Math.min(exp * 10 + (b[x] - '0'), 1_000_000);
        }
        if (expNeg) {
          exp = -exp;
        }
        break;
      }
    }
    int intDigits = 0;
    while (i + intDigits < mantEnd && b[i + intDigits] != '.') {
      intDigits++;
    }
    long keep = intDigits + exp + shift;
    long acc = 0;
    long taken = 0;
    for (int k = i; k < mantEnd && taken < keep; k++) {
      if (b[k] == '.') {
        continue;
      }
      int d = b[k] - '0';
      if (acc > (Long.MAX_VALUE - d) / 10) {
        return neg ? MIN_NANOS : MAX_NANOS;
      }
      acc = acc * 10 + d;
      taken++;
    }
    for (; taken < keep && acc != 0; taken++) {
      if (acc > Long.MAX_VALUE / 10) {
        return neg ? MIN_NANOS : MAX_NANOS;
      }
      acc *= 10;
    }
    if (neg) {
      acc = -acc;
      if (acc < MIN_NANOS) {
        acc = MIN_NANOS;
      }
    }
    return acc;
  }

  /** True for a clamped result of {@link #scaled}. */
  static boolean clamped(long nanos) {
    return nanos == MAX_NANOS || nanos == MIN_NANOS;
  }

  /** {@link #scaled} for a string token (JSON numbers and strings). */
  static long scaled(String s, int shift) {
    byte[] b = ascii(s);
    return scaled(b, 0, b.length, shift);
  }

  /** {@link #isReal} for a string. */
  static boolean isReal(String s) {
    byte[] b = ascii(s);
    return b != null && isReal(b, 0, b.length);
  }
}
