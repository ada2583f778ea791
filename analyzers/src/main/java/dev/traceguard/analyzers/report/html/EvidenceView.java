package dev.traceguard.analyzers.report.html;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders any evidence value without knowing its shape: maps as key/value tables, lists of maps as
 * small tables with a column per key, lists of plain values inline, nested to a fixed depth. New
 * analyzers show up correctly without a line of HTML of their own.
 */
final class EvidenceView {
  static final int MAX_DEPTH = 6;
  static final int MAX_ROWS = 50;
  static final int MAX_TEXT = 2000;

  private EvidenceView() {}

  static void render(Object value, Html out) {
    render(value, out, 0);
  }

  static void render(Object value, Html out, int depth) {
    if (value == null) {
      out.element("span", "null", "class", "null");
      return;
    }
    if (depth >= MAX_DEPTH) {
      out.element("span", abbreviate(String.valueOf(value)), "class", "deep");
      return;
    }
    if (value instanceof Map) {
      map((Map<?, ?>) value, out, depth);
    } else if (value instanceof Collection || value.getClass().isArray()) {
      list(asList(value), out, depth);
    } else {
      scalar(value, out);
    }
  }

  static void map(Map<?, ?> m, Html out, int depth) {
    if (m.isEmpty()) {
      out.element("span", "{}", "class", "null");
      return;
    }
    out.open("table", "class", "kv");
    for (Map.Entry<?, ?> e : m.entrySet()) {
      out.open("tr").element("th", String.valueOf(e.getKey())).open("td");
      render(e.getValue(), out, depth + 1);
      out.close("td").close("tr");
    }
    out.close("table");
  }

  static void list(List<?> items, Html out, int depth) {
    if (items.isEmpty()) {
      out.element("span", "[]", "class", "null");
      return;
    }
    boolean allMaps = true;
    boolean allScalars = true;
    for (Object o : items) {
      boolean isMap = o instanceof Map;
      boolean isComposite = isMap || o instanceof Collection || (o != null && o.getClass().isArray());
      allMaps &= isMap;
      allScalars &= !isComposite;
    }
    int shown = Math.min(items.size(), MAX_ROWS);
    if (allMaps) {
      Set<String> columns = new LinkedHashSet<>();
      for (int i = 0; i < shown; i++) {
        for (Object k : ((Map<?, ?>) items.get(i)).keySet()) {
          columns.add(String.valueOf(k));
        }
      }
      out.open("table", "class", "grid").open("thead").open("tr");
      for (String c : columns) {
        out.element("th", c);
      }
      out.close("tr").close("thead").open("tbody");
      for (int i = 0; i < shown; i++) {
        Map<?, ?> row = (Map<?, ?>) items.get(i);
        out.open("tr");
        for (String c : columns) {
          out.open("td");
          Object v = lookup(row, c);
          if (v != null) {
            render(v, out, depth + 1);
          }
          out.close("td");
        }
        out.close("tr");
      }
      out.close("tbody").close("table");
    } else if (allScalars) {
      out.open("ul", "class", "inline");
      for (int i = 0; i < shown; i++) {
        out.open("li");
        scalar(items.get(i), out);
        out.close("li");
      }
      out.close("ul");
    } else {
      out.open("ol", "class", "nested");
      for (int i = 0; i < shown; i++) {
        out.open("li");
        render(items.get(i), out, depth + 1);
        out.close("li");
      }
      out.close("ol");
    }
    if (items.size() > shown) {
      out.element("p", "… and " + (items.size() - shown) + " more", "class", "more");
    }
  }

  private static Object lookup(Map<?, ?> row, String column) {
    for (Map.Entry<?, ?> e : row.entrySet()) {
      if (String.valueOf(e.getKey()).equals(column)) {
        return e.getValue();
      }
    }
    return null;
  }

  static void scalar(Object v, Html out) {
    if (v == null) {
      out.element("span", "null", "class", "null");
    } else if (v instanceof Number) {
      out.element("span", number((Number) v), "class", "num");
    } else if (v instanceof Boolean) {
      out.element("span", v, "class", "bool");
    } else {
      out.element("span", abbreviate(v.toString()), "class", "str");
    }
  }

  static String number(Number n) {
    if (n instanceof Double || n instanceof Float) {
      double d = n.doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        return Double.toString(d);
      }
      if (d == Math.rint(d) && Math.abs(d) < 1e15) {
        return Long.toString((long) d);
      }
      double a = Math.abs(d);
      if (a >= 1e-4 && a < 1e15) {
        String s = String.format(java.util.Locale.ROOT, "%.6f", d);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
      }
      return String.format(java.util.Locale.ROOT, "%.4g", d);
    }
    return n.toString();
  }

  static String abbreviate(String s) {
    return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT) + "… (" + s.length() + " characters)";
  }

  static List<?> asList(Object v) {
    if (v instanceof List) {
      return (List<?>) v;
    }
    if (v instanceof Collection) {
      return new ArrayList<>((Collection<?>) v);
    }
    int n = Array.getLength(v);
    List<Object> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(Array.get(v, i));
    }
    return out;
  }
}
