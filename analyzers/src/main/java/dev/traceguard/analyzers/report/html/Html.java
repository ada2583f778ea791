package dev.traceguard.analyzers.report.html;

/**
 * Builds HTML (and inline SVG) where every piece of text and every attribute value is escaped.
 * Dumps are attacker-controlled: span names, attribute and label values end up here, so the only
 * way to emit unescaped markup is {@link #raw}, which takes constants written in this package.
 *
 * <pre>{@code
 * Html h = new Html();
 * h.open("p", "class", "msg").text(spanName).close("p");
 * }</pre>
 */
public final class Html {
  private final StringBuilder sb = new StringBuilder(1 << 14);

  /** An empty document fragment. */
  public Html() {}

  /**
   * Opens an element with attributes given as name/value pairs; names must be constants, values
   * are escaped. A null value leaves the attribute out.
   */
  public Html open(String tag, String... attributes) {
    sb.append('<').append(tag);
    attrs(attributes);
    sb.append('>');
    return this;
  }

  /** A void or self-closing element, e.g. {@code <rect .../>} in SVG. */
  public Html empty(String tag, String... attributes) {
    sb.append('<').append(tag);
    attrs(attributes);
    sb.append("/>");
    return this;
  }

  private void attrs(String[] attributes) {
    if (attributes.length % 2 != 0) {
      throw new IllegalArgumentException("attributes come in name/value pairs");
    }
    for (int i = 0; i < attributes.length; i += 2) {
      if (attributes[i + 1] == null) {
        continue;
      }
      sb.append(' ').append(attributes[i]).append("=\"");
      escape(attributes[i + 1]);
      sb.append('"');
    }
  }

  /** Closes an element. */
  public Html close(String tag) {
    sb.append("</").append(tag).append('>');
    return this;
  }

  /** An element holding only escaped text. */
  public Html element(String tag, Object text, String... attributes) {
    return open(tag, attributes).text(text).close(tag);
  }

  /** Escaped text; null writes nothing. */
  public Html text(Object text) {
    if (text != null) {
      escape(text.toString());
    }
    return this;
  }

  /** Markup written by this package (never text from a dump). */
  Html raw(String markup) {
    sb.append(markup);
    return this;
  }

  /** Appends another fragment built the same way. */
  public Html append(Html other) {
    sb.append(other.sb);
    return this;
  }

  private void escape(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&':
          sb.append("&amp;");
          break;
        case '<':
          sb.append("&lt;");
          break;
        case '>':
          sb.append("&gt;");
          break;
        case '"':
          sb.append("&quot;");
          break;
        case '\'':
          sb.append("&#39;");
          break;
        default:
          if (c < 0x20 && c != '\n' && c != '\t') {
            // Control characters are not allowed in HTML text; show them as a replacement.
            sb.append('\uFFFD');
          } else if (Character.isSurrogate(c)) {
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
              sb.append(c).append(s.charAt(++i));
            } else {
              sb.append('\uFFFD');
            }
          } else {
            sb.append(c);
          }
      }
    }
  }

  /** Length of the markup so far. */
  public int length() {
    return sb.length();
  }

  @Override
  public String toString() {
    return sb.toString();
  }
}
