package dev.traceguard.analyzers.slo;

import dev.traceguard.analyzers.model.Labels;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Label matchers as PromQL writes them: {@code {job="inference",model=~"llama.*",code!~"4.."}}.
 * Regular expressions match the whole value, as Prometheus anchors them. {@code __name__} matches
 * the sample name.
 */
public final class Selector {
  /** One matcher. */
  public record Matcher(String label, String op, String value, Pattern pattern) {
    /** Whether a label value (empty when absent) satisfies this matcher. */
    public boolean matches(String actual) {
      String a = actual == null ? "" : actual;
      switch (op) {
        case "=":
          return a.equals(value);
        case "!=":
          return !a.equals(value);
        case "=~":
          return pattern.matcher(a).matches();
        default:
          return !pattern.matcher(a).matches();
      }
    }

    /** As PromQL writes it, e.g. {@code code=~"5.."}. */
    @Override
    public String toString() {
      return label + op + quote(value);
    }
  }

  private static final Selector ALL = new Selector(List.of());
  private final List<Matcher> matchers;

  private Selector(List<Matcher> matchers) {
    this.matchers = Collections.unmodifiableList(matchers);
  }

  /** The selector that matches everything. */
  public static Selector all() {
    return ALL;
  }

  /** The matchers. */
  public List<Matcher> matchers() {
    return matchers;
  }

  /** A selector with one more matcher. */
  public Selector and(String label, String op, String value) {
    List<Matcher> m = new ArrayList<>(matchers);
    m.add(matcher(label, op, value));
    return new Selector(m);
  }

  private static Matcher matcher(String label, String op, String value) {
    Pattern p = null;
    if (op.endsWith("~")) {
      p = Pattern.compile(value);
    }
    return new Matcher(label, op, value, p);
  }

  /**
   * Parses {@code {a="b", c=~"d"}} (the braces are optional).
   *
   * @throws IllegalArgumentException naming the column and what was expected
   */
  public static Selector parse(String text) {
    String s = text.trim();
    if (s.startsWith("{")) {
      if (!s.endsWith("}")) {
        throw new IllegalArgumentException("column " + text.length() + ": expected '}' at the end");
      }
      s = s.substring(1, s.length() - 1);
    }
    List<Matcher> out = new ArrayList<>();
    int i = 0;
    int n = s.length();
    while (true) {
      while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == ',')) {
        i++;
      }
      if (i >= n) {
        break;
      }
      int start = i;
      while (i < n && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
        i++;
      }
      if (i == start) {
        throw new IllegalArgumentException("at '" + s.substring(start) + "': expected a label name");
      }
      String label = s.substring(start, i);
      while (i < n && s.charAt(i) == ' ') {
        i++;
      }
      String op;
      if (s.startsWith("=~", i) || s.startsWith("!=", i) || s.startsWith("!~", i)) {
        op = s.substring(i, i + 2);
      } else if (s.startsWith("=", i)) {
        op = "=";
      } else {
        throw new IllegalArgumentException("after label " + label + ": expected =, !=, =~ or !~");
      }
      i += op.length();
      while (i < n && s.charAt(i) == ' ') {
        i++;
      }
      if (i >= n || s.charAt(i) != '"') {
        throw new IllegalArgumentException("after " + label + op + ": expected a double-quoted value");
      }
      StringBuilder v = new StringBuilder();
      i++;
      boolean closed = false;
      while (i < n) {
        char c = s.charAt(i++);
        if (c == '\\' && i < n) {
          char e = s.charAt(i++);
          v.append(e == 'n' ? '\n' : e);
        } else if (c == '"') {
          closed = true;
          break;
        } else {
          v.append(c);
        }
      }
      if (!closed) {
        throw new IllegalArgumentException("value of " + label + " has no closing quote");
      }
      try {
        out.add(matcher(label, op, v.toString()));
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("bad regular expression for " + label + ": " + e.getDescription());
      }
    }
    return new Selector(out);
  }

  /** Whether a series with this sample name and labels is selected. */
  public boolean matches(String name, Labels labels) {
    for (Matcher m : matchers) {
      if (!m.matches(m.label().equals("__name__") ? name : labels.get(m.label()))) {
        return false;
      }
    }
    return true;
  }

  /** The matchers without braces, comma-separated; empty when none. */
  public String inner() {
    StringBuilder sb = new StringBuilder();
    for (Matcher m : matchers) {
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(m);
    }
    return sb.toString();
  }

  /** A series selector for PromQL: {@code name{matchers}}, or just the name. */
  public String promql(String name) {
    String in = inner();
    return in.isEmpty() ? name : name + "{" + in + "}";
  }

  /** A PromQL string literal: double quotes, backslash, quote and newline escaped. */
  public static String quote(String v) {
    StringBuilder sb = new StringBuilder("\"");
    for (int k = 0; k < v.length(); k++) {
      char c = v.charAt(k);
      if (c == '\\' || c == '"') {
        sb.append('\\').append(c);
      } else if (c == '\n') {
        sb.append("\\n");
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  @Override
  public String toString() {
    return "{" + inner() + "}";
  }
}
