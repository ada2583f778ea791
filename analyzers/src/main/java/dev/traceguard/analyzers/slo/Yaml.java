package dev.traceguard.analyzers.slo;

/** The few YAML spellings the rule and spec writers need, quoted so no value is misread. */
final class Yaml {
  private Yaml() {}

  /**
   * A double-quoted YAML scalar: always quoted, so {@code on}, {@code 1e3}, {@code null}, a
   * leading {@code *} or a {@code : } stay strings.
   */
  static String q(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\t':
          sb.append("\\t");
          break;
        case '\r':
          sb.append("\\r");
          break;
        default:
          if (c < 0x20 || c == 0x7f || c == '\u0085' || c == '\u2028' || c == '\u2029') {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    return sb.append('"').toString();
  }
}
