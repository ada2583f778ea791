package dev.traceguard.analyzers.report.html;

import dev.traceguard.analyzers.model.Ids;
import dev.traceguard.analyzers.model.SpanStore;
import dev.traceguard.analyzers.model.Telemetry;
import dev.traceguard.analyzers.report.Finding;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Waterfalls of example broken traces for the {@code context} analyzer: each span a bar on a
 * shared time axis, indented under its parent, with the broken link marked: the missing parent of
 * an orphan, both sides of a split hop, the span that lost its context (and its probable parent),
 * a child that overhangs its parent's bounds.
 */
final class TraceWaterfallSection implements HtmlSection {
  /** Rules drawn, in this order. */
  static final Set<String> RULES = Set.of("orphan-span", "trace-split", "context-lost", "clock-skew");
  static final int EXAMPLES_PER_RULE = 3;
  static final int MAX_ROWS = 120;

  private static final String[] PALETTE = {
    "#4e79a7", "#59a14f", "#9c755f", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#bab0ac"
  };
  private static final int LABEL_W = 300;
  private static final int CHART_W = 520;
  private static final int NOTE_W = 300;
  private static final int ROW_H = 20;
  private static final int AXIS_H = 26;

  /** One trace to draw and what to mark in it. */
  private record Panel(String traceId, String title, Map<String, String> marks, String missingParentOf,
      String missingParentId, String boundsOf) {}

  @Override
  public void render(List<Finding> findings, Telemetry telemetry, Html out) {
    SpanStore s = telemetry.spans();
    if (s.size() == 0) {
      return;
    }
    Map<String, Integer> perRule = new HashMap<>();
    Map<Finding, List<Panel>> examples = new LinkedHashMap<>();
    for (String rule : List.of("orphan-span", "trace-split", "context-lost", "clock-skew")) {
      for (Finding f : findings) {
        if (!f.rule().equals(rule) || perRule.getOrDefault(rule, 0) >= EXAMPLES_PER_RULE) {
          continue;
        }
        List<Panel> panels = panels(f);
        if (!panels.isEmpty()) {
          examples.put(f, panels);
          perRule.merge(rule, 1, Integer::sum);
        }
      }
    }
    if (examples.isEmpty()) {
      return;
    }
    Map<String, List<Integer>> traces = new HashMap<>();
    for (List<Panel> ps : examples.values()) {
      for (Panel p : ps) {
        traces.put(p.traceId(), new ArrayList<>());
      }
    }
    collect(s, traces);
    out.element("h3", "Example traces, broken link marked");
    // One colour per service across all the waterfalls, so a service looks the same everywhere.
    Map<String, String> colors = new HashMap<>();
    for (Map.Entry<Finding, List<Panel>> e : examples.entrySet()) {
      Finding f = e.getKey();
      out.open("figure", "class", "waterfall", "data-rule", f.rule());
      out.open("figcaption").element("span", f.severity().id(), "class", "badge sev-" + f.severity().id())
          .text(" ").element("code", f.rule()).text(" " + f.message()).close("figcaption");
      for (Panel p : e.getValue()) {
        List<Integer> spans = traces.get(p.traceId());
        if (spans == null || spans.isEmpty()) {
          out.element("p", p.title() + ": no spans of this trace in the dump", "class", "more");
          continue;
        }
        draw(s, spans, p, colors, out);
      }
      out.close("figure");
    }
  }

  private static List<Panel> panels(Finding f) {
    String traceId = str(f.subject().get("traceId"));
    String spanId = str(f.subject().get("spanId"));
    if (traceId == null || spanId == null) {
      return List.of();
    }
    List<Panel> out = new ArrayList<>();
    Map<String, Object> ev = f.evidence();
    switch (f.rule()) {
      case "orphan-span": {
        String parent = str(ev.get("parentSpanId"));
        out.add(new Panel(traceId, "trace " + traceId, Map.of(spanId, "orphan: its parent is not in the dump"),
            spanId, parent == null ? "?" : parent, null));
        break;
      }
      case "trace-split": {
        String serverTrace = str(ev.get("serverTraceId"));
        String serverSpan = str(ev.get("serverSpanId"));
        out.add(new Panel(traceId, "caller's trace " + traceId,
            Map.of(spanId, "call leaves the trace here"), null, null, null));
        if (serverTrace != null && serverSpan != null) {
          out.add(new Panel(serverTrace, "callee's trace " + serverTrace,
              Map.of(serverSpan, "call arrives in a new trace"), null, null, null));
        }
        break;
      }
      case "context-lost": {
        out.add(new Panel(traceId, "trace " + traceId, Map.of(spanId, "new root: context lost"), null, null, null));
        Object enc = ev.get("enclosingSpan");
        if (enc instanceof Map) {
          String encTrace = str(((Map<?, ?>) enc).get("traceId"));
          String encSpan = str(((Map<?, ?>) enc).get("spanId"));
          if (encTrace != null && encSpan != null && !encTrace.equals(traceId)) {
            out.add(new Panel(encTrace, "trace it probably belongs to, " + encTrace,
                Map.of(encSpan, "probable parent"), null, null, null));
          }
        }
        break;
      }
      case "clock-skew": {
        String parent = str(ev.get("parentSpanId"));
        String dir = str(ev.get("direction"));
        Object offset = ev.get("offsetMs");
        String label = (dir == null ? "outside its parent" : dir.replace('-', ' '))
            + (offset instanceof Number ? " by " + EvidenceView.number((Number) offset) + " ms" : "");
        Map<String, String> marks = new LinkedHashMap<>();
        marks.put(spanId, label);
        if (parent != null && !parent.equals(spanId)) {
          marks.put(parent, "parent");
        }
        out.add(new Panel(traceId, "trace " + traceId, marks, null, null, parent));
        break;
      }
      default:
        break;
    }
    return out;
  }

  private static String str(Object o) {
    return o == null ? null : o.toString();
  }

  /** One pass over the store: the span indexes of each wanted trace. */
  private static void collect(SpanStore s, Map<String, List<Integer>> traces) {
    int n = traces.size();
    long[] hi = new long[n];
    long[] lo = new long[n];
    List<List<Integer>> lists = new ArrayList<>();
    int k = 0;
    for (Map.Entry<String, List<Integer>> e : traces.entrySet()) {
      String id = e.getKey();
      if (id.length() != 32 || !isHex(id)) {
        continue;
      }
      hi[k] = Ids.parseHex(id, 0, 16);
      lo[k] = Ids.parseHex(id, 16, 32);
      lists.add(e.getValue());
      k++;
    }
    for (int i = 0; i < s.size(); i++) {
      long l = s.traceIdLo(i);
      for (int j = 0; j < k; j++) {
        if (lo[j] == l && hi[j] == s.traceIdHi(i)) {
          lists.get(j).add(i);
        }
      }
    }
  }

  private static boolean isHex(String id) {
    for (int i = 0; i < id.length(); i++) {
      if (Ids.hexValue(id.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }

  /** Draws one trace: spans in tree order (parents before children, siblings by start). */
  private static void draw(SpanStore s, List<Integer> spans, Panel p, Map<String, String> colors, Html out) {
    Map<String, Integer> byId = new HashMap<>();
    for (int i : spans) {
      byId.putIfAbsent(s.spanIdHex(i), i);
    }
    Map<Integer, List<Integer>> children = new HashMap<>();
    List<Integer> roots = new ArrayList<>();
    for (int i : spans) {
      Integer parent = s.hasParent(i) ? byId.get(s.parentSpanIdHex(i)) : null;
      if (parent == null || parent == i) {
        roots.add(i);
      } else {
        children.computeIfAbsent(parent, x -> new ArrayList<>()).add(i);
      }
    }
    roots.sort((a, b) -> Long.compare(s.start(a), s.start(b)));
    children.values().forEach(l -> l.sort((a, b) -> Long.compare(s.start(a), s.start(b))));
    List<int[]> rows = new ArrayList<>();
    BitSet seen = new BitSet();
    Map<Integer, Integer> pos = new HashMap<>();
    for (int r : roots) {
      Deque<int[]> stack = new ArrayDeque<>();
      stack.push(new int[] {r, 0});
      while (!stack.isEmpty()) {
        int[] top = stack.pop();
        if (seen.get(pos.computeIfAbsent(top[0], x -> pos.size()))) {
          continue;
        }
        seen.set(pos.get(top[0]));
        rows.add(top);
        List<Integer> cs = children.getOrDefault(top[0], List.of());
        for (int c = cs.size() - 1; c >= 0; c--) {
          stack.push(new int[] {cs.get(c), top[1] + 1});
        }
      }
    }
    for (int i : spans) {
      // Spans in a parent cycle are reachable from no root: still draw them.
      if (!pos.containsKey(i) || !seen.get(pos.get(i))) {
        pos.computeIfAbsent(i, x -> pos.size());
        seen.set(pos.get(i));
        rows.add(new int[] {i, 0});
      }
    }
    int hidden = 0;
    if (rows.size() > MAX_ROWS) {
      List<int[]> kept = new ArrayList<>();
      for (int[] r : rows) {
        if (kept.size() < MAX_ROWS - p.marks().size() || p.marks().containsKey(s.spanIdHex(r[0]))
            || (p.boundsOf() != null && p.boundsOf().equals(s.spanIdHex(r[0])))) {
          kept.add(r);
        }
      }
      hidden = rows.size() - kept.size();
      rows = kept;
    }

    long t0 = Long.MAX_VALUE;
    long t1 = Long.MIN_VALUE;
    for (int[] r : rows) {
      long st = s.start(r[0]);
      long en = s.end(r[0]);
      if (st > 0) {
        t0 = Math.min(t0, st);
        t1 = Math.max(t1, st);
      }
      if (en > 0) {
        t0 = Math.min(t0, en);
        t1 = Math.max(t1, en);
      }
    }
    if (t0 == Long.MAX_VALUE) {
      t0 = 0;
      t1 = 1;
    }
    if (t1 <= t0) {
      t1 = t0 + 1;
    }
    int extra = p.missingParentOf() != null ? 1 : 0;
    int height = AXIS_H + (rows.size() + extra) * ROW_H + 6;
    int width = LABEL_W + CHART_W + NOTE_W;
    out.element("p", p.title() + " · " + (rows.size() + hidden) + " span" + (rows.size() + hidden == 1 ? "" : "s")
        + " · " + tick((t1 - t0) / 1e6) + " ms" + (hidden > 0 ? " · " + hidden + " not drawn" : ""),
        "class", "trace-title");
    out.open("svg", "xmlns", "http://www.w3.org/2000/svg", "class", "waterfall", "width", Integer.toString(width),
        "height", Integer.toString(height), "role", "img", "aria-label", "waterfall of " + p.title(),
        "data-trace-id", p.traceId());
    axis(t0, t1, height, out);

    long boundStart = 0;
    long boundEnd = 0;
    Integer boundsIndex = p.boundsOf() == null ? null : byId.get(p.boundsOf());
    if (boundsIndex != null) {
      boundStart = s.start(boundsIndex);
      boundEnd = s.end(boundsIndex);
    }
    int y = AXIS_H;
    for (int[] r : rows) {
      int i = r[0];
      String sid = s.spanIdHex(i);
      int depth = Math.min(r[1], 12);
      if (p.missingParentOf() != null && p.missingParentOf().equals(sid)) {
        double x0 = x(s.start(i), t0, t1);
        double x1 = Math.max(x0 + 2, x(s.end(i), t0, t1));
        out.open("g", "class", "missing-parent");
        out.element("text", "? missing parent " + p.missingParentId(), "x", Integer.toString(8 + depth * 10),
            "y", Integer.toString(y + 14), "class", "mark");
        out.empty("rect", "class", "missing", "x", Charts.fmt(Math.max(LABEL_W, x0 - 6)), "y",
            Integer.toString(y + 3), "width", Charts.fmt(x1 - x0 + 12), "height", Integer.toString(ROW_H - 6));
        out.element("text", "◀ not in the dump", "x",
            Integer.toString(LABEL_W + CHART_W + 8), "y", Integer.toString(y + 14), "class", "mark");
        out.close("g");
        y += ROW_H;
        depth++;
      }
      String service = s.serviceName(i);
      String color = colors.computeIfAbsent(service == null ? "" : service,
          k -> PALETTE[colors.size() % PALETTE.length]);
      String label = (service == null || service.isEmpty() ? "" : service + " · ") + s.name(i);
      String shortLabel = label.length() > 44 - depth ? label.substring(0, Math.max(8, 43 - depth)) + "…" : label;
      String mark = p.marks().get(sid);
      long st = s.start(i);
      long en = s.end(i);
      double x0 = x(st > 0 ? st : t0, t0, t1);
      double x1 = en >= st && en > 0 ? x(en, t0, t1) : x0;
      double w = Math.max(2, x1 - x0);
      out.open("g", "class", mark != null ? "row marked" : "row", "data-span-id", sid);
      out.open("text", "x", Integer.toString(8 + depth * 10), "y", Integer.toString(y + 14),
          "class", mark != null ? "mark" : null).text(shortLabel).element("title", label).close("text");
      out.open("rect", "class", mark != null ? "span broken" : "span", "x", Charts.fmt(x0), "y",
          Integer.toString(y + 3), "width", Charts.fmt(w), "height", Integer.toString(ROW_H - 6), "rx", "2",
          "fill", color)
          .element("title", label + "\nspan " + sid + "\n" + EvidenceView.number((en - st) / 1e6) + " ms, starts at +"
              + EvidenceView.number((st - t0) / 1e6) + " ms")
          .close("rect");
      if (mark != null) {
        out.element("text", "◀ " + mark, "x", Integer.toString(LABEL_W + CHART_W + 8), "y",
            Integer.toString(y + 14), "class", "mark");
      }
      if (boundsIndex != null && p.marks().containsKey(sid) && i != boundsIndex) {
        for (long b : new long[] {boundStart, boundEnd}) {
          if (b > 0) {
            String bx = Charts.fmt(x(b, t0, t1));
            out.empty("line", "class", "bound", "x1", bx, "x2", bx, "y1", Integer.toString(y),
                "y2", Integer.toString(y + ROW_H));
          }
        }
      }
      out.close("g");
      y += ROW_H;
    }
    out.close("svg");
  }

  private static double x(long t, long t0, long t1) {
    double f = (double) (t - t0) / (double) (t1 - t0);
    f = Math.max(0, Math.min(1, f));
    return LABEL_W + f * (CHART_W - 4);
  }

  /** A tick label with about three significant digits. */
  static String tick(double ms) {
    double r = ms >= 100 ? Math.round(ms) : ms >= 1 ? Math.round(ms * 10) / 10.0 : Math.round(ms * 1000) / 1000.0;
    return EvidenceView.number(r);
  }

  private static void axis(long t0, long t1, int height, Html out) {
    double ms = (t1 - t0) / 1e6;
    out.empty("line", "class", "axis", "x1", Integer.toString(LABEL_W), "x2", Integer.toString(LABEL_W + CHART_W),
        "y1", Integer.toString(AXIS_H - 4), "y2", Integer.toString(AXIS_H - 4));
    for (int k = 0; k <= 4; k++) {
      double x = LABEL_W + k * (CHART_W - 4) / 4.0;
      out.empty("line", "class", "axis", "x1", Charts.fmt(x), "x2", Charts.fmt(x), "y1", Integer.toString(AXIS_H - 8),
          "y2", Integer.toString(height));
      out.element("text", tick(ms * k / 4) + " ms", "x", Charts.fmt(x),
          "y", Integer.toString(AXIS_H - 10), "class", "tick", "text-anchor", k == 4 ? "end" : k == 0 ? "start" : "middle");
    }
    out.element("text", "service · span", "x", "8", "y", Integer.toString(AXIS_H - 10), "class", "tick");
  }
}
