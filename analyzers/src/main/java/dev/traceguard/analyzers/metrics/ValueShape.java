package dev.traceguard.analyzers.metrics;

import java.util.Locale;
import java.util.regex.Pattern;

/** What a label value looks like when it should not be a label value at all. */
enum ValueShape {
  /** A UUID, a long hex or numeric id, or a random token such as {@code chatcmpl-9fK2...}. */
  ID,
  /** Free text: a line break, or many words. */
  PROMPT,
  /** An e-mail address. */
  USER_DATA,
  /** Nothing suspicious. */
  PLAIN;

  private static final Pattern UUID =
      Pattern.compile("(?i).*[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}.*");
  private static final Pattern HEX = Pattern.compile("(?i).*(?<![0-9a-z])(?=[0-9a-z]*[0-9])[0-9a-f]{16,}(?![0-9a-z]).*");
  private static final Pattern DIGITS = Pattern.compile(".*(?<![0-9.])[0-9]{8,}(?![0-9.]).*");
  private static final Pattern EMAIL = Pattern.compile("(?i)[^@\\s]{1,64}@[a-z0-9.-]+\\.[a-z]{2,}");

  /** Classifies one value; cheap checks first. */
  static ValueShape of(String v) {
    int n = v.length();
    if (n < 8) {
      return PLAIN;
    }
    if (v.indexOf('@') > 0 && EMAIL.matcher(v).matches()) {
      return USER_DATA;
    }
    if (v.indexOf('\n') >= 0 || (n >= 40 && words(v) >= 6)) {
      return PROMPT;
    }
    if (UUID.matcher(v).matches() || HEX.matcher(v).matches() || DIGITS.matcher(v).matches() || randomToken(v)) {
      return ID;
    }
    return PLAIN;
  }

  private static int words(String v) {
    int w = 0;
    boolean in = false;
    for (int i = 0; i < v.length(); i++) {
      boolean space = Character.isWhitespace(v.charAt(i));
      if (!space && !in) {
        w++;
      }
      in = !space;
    }
    return w;
  }

  /** A run of 16 or more letters and digits mixing upper case, lower case and digits. */
  private static boolean randomToken(String v) {
    int run = 0;
    boolean upper = false;
    boolean lower = false;
    boolean digit = false;
    for (int i = 0; i <= v.length(); i++) {
      char c = i < v.length() ? v.charAt(i) : ' ';
      if (Character.isLetterOrDigit(c) && c < 128) {
        run++;
        upper |= Character.isUpperCase(c);
        lower |= Character.isLowerCase(c);
        digit |= Character.isDigit(c);
      } else {
        if (run >= 16 && upper && lower && digit) {
          return true;
        }
        run = 0;
        upper = lower = digit = false;
      }
    }
    return false;
  }

  /** A value shortened and masked for evidence, so a report never repeats user data whole. */
  static String redact(String v, ValueShape shape) {
    if (shape == USER_DATA) {
      int at = v.indexOf('@');
      return v.charAt(0) + "***" + v.substring(at);
    }
    String one = v.replace('\n', ' ');
    int max = shape == PROMPT ? 24 : 40;
    return one.length() <= max ? one : one.substring(0, max) + "…";
  }

  /** The name used in evidence, e.g. {@code id}. */
  String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
