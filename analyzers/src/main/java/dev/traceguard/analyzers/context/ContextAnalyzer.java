package dev.traceguard.analyzers.context;

import dev.traceguard.analyzers.AnalysisOptions;
import dev.traceguard.analyzers.Analyzer;
import dev.traceguard.analyzers.FindingSink;
import dev.traceguard.analyzers.Parallelism;
import dev.traceguard.analyzers.SideBySide;
import dev.traceguard.analyzers.model.IdState;
import dev.traceguard.analyzers.model.SpanKind;
import dev.traceguard.analyzers.model.SpanLink;
import dev.traceguard.analyzers.model.SpanStore;
import dev.traceguard.analyzers.model.Telemetry;
import dev.traceguard.analyzers.report.Finding;
import dev.traceguard.analyzers.report.Severity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Broken trace context: invalid ids, duplicate span ids, impossible durations, orphans, traces
 * split across a hop, context lost across an async boundary, clock skew, several roots, and
 * GenAI spans missing the attributes that make them useful. Every rule is described in
 * docs/rules.md.
 */
public final class ContextAnalyzer implements Analyzer {
  /** This analyzer's name. */
  public static final String NAME = "context";

  private static final int FLAG_HAS_IS_REMOTE = 0x100;
  private static final int FLAG_IS_REMOTE = 0x200;
  private static final String[] PEER_KEYS = {"peer.service", "server.address", "rpc.service", "net.peer.name"};
  private static final String[] GENAI_OPERATIONS = {
    "chat", "text_completion", "generate_content", "embeddings", "execute_tool", "invoke_agent"
  };
  private static final Map<String, String> DEPRECATED_GENAI = new LinkedHashMap<>();

  static {
    DEPRECATED_GENAI.put("gen_ai.system", "gen_ai.provider.name");
    DEPRECATED_GENAI.put("gen_ai.usage.prompt_tokens", "gen_ai.usage.input_tokens");
    DEPRECATED_GENAI.put("gen_ai.usage.completion_tokens", "gen_ai.usage.output_tokens");
    DEPRECATED_GENAI.put("gen_ai.prompt", "gen_ai.input.messages");
    DEPRECATED_GENAI.put("gen_ai.completion", "gen_ai.output.messages");
  }

  /** The analyzer. */
  public ContextAnalyzer() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "broken trace context: invalid or duplicate ids, orphans, split traces, lost async context,"
        + " clock skew, missing GenAI attributes";
  }

  @Override
  public void analyze(Telemetry telemetry, AnalysisOptions options, FindingSink out) {
    SpanStore s = telemetry.spans();
    if (s.size() == 0) {
      return;
    }
    new Run(s, telemetry.inputs(), options, out).run();
  }

  private static Finding.Builder finding(String rule, Severity sev) {
    return Finding.builder(NAME, rule, sev);
  }

  private static double ms(long nanos) {
    return Math.round(nanos / 1e3) / 1e3;
  }

  /** A duration for a sentence: "40 ms", "250 µs", "12 ns". */
  private static String human(long nanos) {
    long a = Math.abs(nanos);
    if (a >= 1_000_000_000L) {
      return Math.round(nanos / 1e7) / 100.0 + " s";
    }
    if (a >= 1_000_000L) {
      return Math.round(nanos / 1e4) / 100.0 + " ms";
    }
    if (a >= 1_000L) {
      return Math.round(nanos / 10.0) / 100.0 + " µs";
    }
    return nanos + " ns";
  }

  /** The state of one analysis. */
  private static final class Run {
    private final SpanStore s;
    private final List<dev.traceguard.analyzers.model.InputSummary> inputs;
    private final AnalysisOptions o;
    private final FindingSink out;
    private final TraceIndex ix;
    private final String[] serviceOfResource;
    private final BitSet hasServerChild;
    private final BitSet hasChild;
    private final Map<String, Integer> sharedIdSpans = new HashMap<>();
    private long edgeSpans;

    Run(SpanStore s, List<dev.traceguard.analyzers.model.InputSummary> inputs, AnalysisOptions o, FindingSink out) {
      this.s = s;
      this.inputs = inputs;
      this.o = o;
      this.out = out;
      this.ix = TraceIndex.build(s);
      serviceOfResource = new String[s.resourceCount()];
      for (int r = 0; r < serviceOfResource.length; r++) {
        serviceOfResource[r] = s.resourceAt(r).serviceName();
      }
      hasServerChild = new BitSet(s.size());
      hasChild = new BitSet(s.size());
      for (int i = 0; i < s.size(); i++) {
        int p = ix.parent[i];
        if (p >= 0) {
          hasChild.set(p);
          SpanKind k = s.kind(i);
          if (k == SpanKind.SERVER || k == SpanKind.CONSUMER) {
            hasServerChild.set(p);
          }
        }
      }
    }

    String service(int i) {
      return serviceOfResource[s.resourceId(i)];
    }

    Finding.Builder about(Finding.Builder b, int i) {
      return b.subject("service", service(i))
          .subject("traceId", s.traceIdHex(i))
          .subject("spanId", s.spanIdHex(i))
          .subject("spanName", s.name(i));
    }

    String input(int i) {
      return inputs.get(s.input(i)).path();
    }

    /** A part of {@code base}'s analysis: the same model and index, its own findings and counts. */
    private Run(Run base, FindingSink out) {
      this.s = base.s;
      this.inputs = base.inputs;
      this.o = base.o;
      this.out = out;
      this.ix = base.ix;
      this.serviceOfResource = base.serviceOfResource;
      this.hasServerChild = base.hasServerChild;
      this.hasChild = base.hasChild;
    }

    void run() {
      // The rules only read the model and the index, so they run in three parts side by side;
      // each part's findings are added in rule order, as from one thread.
      Run ids = new Run(this, new FindingSink(o.maxFindingsPerRule()));
      Run calls = new Run(this, new FindingSink(o.maxFindingsPerRule()));
      Run timing = new Run(this, new FindingSink(o.maxFindingsPerRule()));
      SideBySide.run(List.of(
          () -> {
            ids.invalidIds();
            ids.duplicateIds();
            ids.durations();
            ids.orphansAndRoots(ids.topAncestors());
          },
          () -> {
            calls.traceSplits();
            calls.contextLost();
          },
          () -> {
            timing.clockSkew();
            timing.genAi();
          }), Parallelism.threads());
      for (Run part : List.of(ids, calls, timing)) {
        out.addAll(part.out);
        edgeSpans += part.edgeSpans;
        part.sharedIdSpans.forEach((k, v) -> sharedIdSpans.merge(k, v, Integer::sum));
      }
      out.stat("spans", s.size());
      out.stat("traces", ix.traceCount);
      out.stat("exactDuplicatesMerged", s.exactDuplicates());
      out.stat("edgeOfDumpSpans", edgeSpans);
      int shared = sharedIdSpans.values().stream().mapToInt(Integer::intValue).sum();
      if (shared > 0) {
        out.stat("sharedClientServerIds", shared);
      }
    }

    // ---- invalid-id

    void invalidIds() {
      for (int i = 0; i < s.size(); i++) {
        IdState t = s.traceIdState(i);
        IdState sp = s.spanIdState(i);
        IdState p = s.parentIdState(i);
        if (t != IdState.VALID) {
          invalidId(i, "traceId", s.traceIdHex(i), t, 16);
        }
        if (sp != IdState.VALID) {
          invalidId(i, "spanId", s.spanIdHex(i), sp, 8);
        }
        if (p != IdState.VALID && p != IdState.EMPTY) {
          invalidId(i, "parentSpanId", s.parentSpanIdHex(i), p, 8);
        }
      }
    }

    void invalidId(int i, String field, String value, IdState st, int bytes) {
      out.add(about(finding("invalid-id", Severity.ERROR), i)
          .message("span '" + s.name(i) + "' in service " + service(i) + " has a " + field + " that "
              + st.describe(bytes) + (value.isEmpty() ? "" : ": '" + value + "'"))
          .evidence("field", field)
          .evidence("value", value)
          .evidence("problem", st.name().toLowerCase(Locale.ROOT).replace('_', '-'))
          .evidence("input", input(i))
          .evidence("line", s.line(i))
          .hint("ids must be " + bytes * 2 + " lower-case hex digits and not all zero; a tracer or"
              + " propagator that truncates, pads or zeroes ids breaks every lookup by id")
          .build());
    }

    // ---- duplicate-span-id

    void duplicateIds() {
      Map<Integer, List<Integer>> groups = new LinkedHashMap<>();
      for (int[] pair : s.idConflicts()) {
        groups.computeIfAbsent(pair[0], k -> new ArrayList<>(List.of(pair[0]))).add(pair[1]);
      }
      for (List<Integer> g : groups.values()) {
        int first = g.get(0);
        if (s.spanIdState(first) != IdState.VALID) {
          continue;
        }
        if (g.size() == 2) {
          SpanKind a = s.kind(g.get(0));
          SpanKind b = s.kind(g.get(1));
          if ((a == SpanKind.CLIENT && b == SpanKind.SERVER) || (a == SpanKind.SERVER && b == SpanKind.CLIENT)) {
            sharedIdSpans.merge(service(first), 1, Integer::sum);
            continue;
          }
        }
        List<Map<String, Object>> copies = new ArrayList<>();
        for (int i : g) {
          Map<String, Object> c = new LinkedHashMap<>();
          c.put("service", service(i));
          c.put("spanName", s.name(i));
          c.put("kind", s.kind(i).name());
          c.put("startUnixNano", s.start(i));
          c.put("endUnixNano", s.end(i));
          c.put("input", input(i));
          c.put("line", s.line(i));
          copies.add(c);
        }
        out.add(about(finding("duplicate-span-id", Severity.ERROR), first)
            .message(g.size() + " different spans share span id " + s.spanIdHex(first) + " in trace "
                + s.traceIdHex(first))
            .evidence("copies", g.size())
            .evidence("spans", copies)
            .hint("span ids must be unique within a trace; look for an id generator with too little"
                + " randomness or a span exported twice after being changed")
            .build());
      }
    }

    // ---- negative-duration

    void durations() {
      for (int i = 0; i < s.size(); i++) {
        long st = s.start(i);
        long en = s.end(i);
        if (st != 0 && en != 0 && en >= st) {
          continue;
        }
        String problem = st == 0 || en == 0 ? (st == 0 ? "start time is zero" : "end time is zero")
            : "ends " + human(st - en) + " before it starts";
        out.add(about(finding("negative-duration", Severity.ERROR), i)
            .message("span '" + s.name(i) + "' in service " + service(i) + ": " + problem)
            .evidence("startUnixNano", st)
            .evidence("endUnixNano", en)
            .evidence("durationMs", st != 0 && en != 0 ? ms(en - st) : null)
            .evidence("input", input(i))
            .evidence("line", s.line(i))
            .hint("a span must be ended after it is started, with timestamps from the same clock;"
                + " a zero timestamp usually means a span was never started or ended properly")
            .build());
      }
    }

    // ---- orphan-span and multiple-roots

    /** For each span, the top of its chain of parents present in the dump. */
    int[] topAncestors() {
      int n = s.size();
      int[] top = new int[n];
      Arrays.fill(top, -1);
      int[] path = new int[64];
      for (int i = 0; i < n; i++) {
        if (top[i] >= 0) {
          continue;
        }
        int len = 0;
        int cur = i;
        int limit = ix.traceSize(ix.traceOf[i]) + 1;
        while (top[cur] < 0 && ix.parent[cur] >= 0 && len < limit) {
          if (len == path.length) {
            path = Arrays.copyOf(path, len * 2);
          }
          path[len++] = cur;
          cur = ix.parent[cur];
        }
        int root = top[cur] >= 0 ? top[cur] : cur;
        top[cur] = root;
        for (int k = 0; k < len; k++) {
          top[path[k]] = root;
        }
      }
      return top;
    }

    void orphansAndRoots(int[] top) {
      int[] subtreeSize = new int[s.size()];
      for (int i = 0; i < s.size(); i++) {
        subtreeSize[top[i]]++;
      }
      for (int t = 0; t < ix.traceCount; t++) {
        int from = ix.traceStart[t];
        int to = ix.traceStart[t + 1];
        int size = to - from;
        List<Integer> roots = new ArrayList<>();
        for (int k = from; k < to; k++) {
          int i = ix.order[k];
          if (!s.hasParent(i)) {
            roots.add(i);
            continue;
          }
          if (ix.parent[i] >= 0 || s.parentIdState(i) != IdState.VALID) {
            continue;
          }
          SpanKind kind = s.kind(i);
          int flags = s.flags(i);
          boolean flagsSayLocal = (flags & FLAG_HAS_IS_REMOTE) != 0 && (flags & FLAG_IS_REMOTE) == 0;
          boolean mayBeRemote = kind.acceptsRemoteParent() && !flagsSayLocal;
          boolean othersInTrace = subtreeSize[i] < size;
          if (mayBeRemote && !othersInTrace) {
            edgeSpans++;
            continue;
          }
          String why = !mayBeRemote
              ? (flagsSayLocal ? "its flags say the parent is in the same process"
                  : "a " + kind.name() + " span's parent is in the same process")
              : "the trace has " + (size - subtreeSize[i]) + " other spans in the dump";
          out.add(about(finding("orphan-span", Severity.ERROR), i)
              .message("span '" + s.name(i) + "' in service " + service(i) + " names parent "
                  + s.parentSpanIdHex(i) + ", which is not in the dump")
              .evidence("parentSpanId", s.parentSpanIdHex(i))
              .evidence("kind", kind.name())
              .evidence("flags", flags == 0 ? null : String.format("0x%x", flags))
              .evidence("reason", why)
              .evidence("spansInTrace", size)
              .evidence("input", input(i))
            .evidence("line", s.line(i))
              .hint(mayBeRemote
                  ? "the caller did not export its span, or propagation headers were forwarded"
                      + " without a span; check the caller's sampler and exporter"
                  : "the parent span was dropped or never ended in the same process: check that"
                      + " every span is ended (try/finally) and that the exporter queue did not drop spans")
              .build());
        }
        if (roots.size() > 1) {
          List<Map<String, Object>> list = new ArrayList<>();
          for (int r : roots.subList(0, Math.min(10, roots.size()))) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("service", service(r));
            m.put("spanName", s.name(r));
            m.put("spanId", s.spanIdHex(r));
            m.put("kind", s.kind(r).name());
            list.add(m);
          }
          int r0 = roots.get(0);
          out.add(finding("multiple-roots", Severity.WARNING)
              .subject("service", service(r0))
              .subject("traceId", s.traceIdHex(r0))
              .message("trace " + s.traceIdHex(r0) + " has " + roots.size() + " spans without a parent")
              .evidence("roots", roots.size())
              .evidence("rootSpans", list)
              .evidence("spansInTrace", size)
              .hint("one request should have one root; a second root means a span was started without"
                  + " the current context (a new trace was forced, or context was not passed)")
              .build());
        }
      }
    }

    // ---- trace-split

    void traceSplits() {
      // Candidate callees: SERVER/CONSUMER spans at the top of their trace in the dump.
      Map<String, List<Integer>> byService = new HashMap<>();
      List<Integer> all = new ArrayList<>();
      for (int i = 0; i < s.size(); i++) {
        SpanKind k = s.kind(i);
        if ((k == SpanKind.SERVER || k == SpanKind.CONSUMER) && ix.parent[i] < 0) {
          byService.computeIfAbsent(service(i).toLowerCase(Locale.ROOT), x -> new ArrayList<>()).add(i);
          all.add(i);
        }
      }
      if (all.isEmpty()) {
        return;
      }
      byService.values().forEach(l -> l.sort((a, b) -> Long.compare(s.start(a), s.start(b))));
      all.sort((a, b) -> Long.compare(s.start(a), s.start(b)));
      long tol = o.splitTolerance().toNanos();
      for (int c = 0; c < s.size(); c++) {
        if (!s.kind(c).isOutgoing() || hasServerChild.get(c) || hasChild.get(c)) {
          continue;
        }
        String peer = null;
        for (String key : PEER_KEYS) {
          Object v = s.attribute(c, key);
          if (v != null) {
            peer = v.toString();
            break;
          }
        }
        List<Integer> candidates;
        String matchedBy;
        if (peer != null) {
          candidates = candidatesFor(byService, peer);
          matchedBy = "peer";
          if (candidates == null) {
            continue;
          }
        } else {
          candidates = all;
          matchedBy = "time";
        }
        int match = -1;
        int matches = 0;
        long lo = s.start(c) - tol;
        long hi = s.end(c) + tol;
        int k = lowerBound(candidates, lo);
        for (; k < candidates.size() && s.start(candidates.get(k)) <= hi; k++) {
          int cand = candidates.get(k);
          if (ix.traceOf[cand] == ix.traceOf[c] || s.end(cand) > hi
              || (matchedBy.equals("time") && service(cand).equals(service(c)))
              || linksTo(cand, c)) {
            continue;
          }
          matches++;
          if (match < 0 || Math.abs(s.start(cand) - s.start(c)) < Math.abs(s.start(match) - s.start(c))) {
            match = cand;
          }
        }
        if (match < 0 || (matchedBy.equals("time") && matches != 1)) {
          continue;
        }
        out.add(about(finding("trace-split", Severity.ERROR), c)
            .subject("serverTraceId", s.traceIdHex(match))
            .message(service(c) + " called " + service(match) + " ('" + s.name(c) + "') in trace "
                + s.traceIdHex(c) + ", but " + service(match) + " recorded the call as '" + s.name(match)
                + "' in another trace, " + s.traceIdHex(match))
            .evidence("clientTraceId", s.traceIdHex(c))
            .evidence("serverTraceId", s.traceIdHex(match))
            .evidence("serverService", service(match))
            .evidence("serverSpanId", s.spanIdHex(match))
            .evidence("serverSpanName", s.name(match))
            .evidence("serverStartOffsetMs", ms(s.start(match) - s.start(c)))
            .evidence("matchedBy", matchedBy.equals("peer") ? "peer attribute '" + peer + "' and time" : "time alone")
            .evidence("serverHasParent", s.hasParent(match))
            .hint("the trace id changed across the hop: the traceparent header was not sent or not"
                + " accepted (missing instrumentation on the HTTP client, a proxy dropping headers, or"
                + " a propagator mismatch such as B3 on one side and W3C on the other)")
            .build());
      }
    }

    private boolean linksTo(int span, int other) {
      if (!s.hasLinks(span)) {
        return false;
      }
      for (SpanLink l : s.links(span)) {
        if (l.traceIdHi() == s.traceIdHi(other) && l.traceIdLo() == s.traceIdLo(other)) {
          return true;
        }
      }
      return false;
    }

    private List<Integer> candidatesFor(Map<String, List<Integer>> byService, String peer) {
      String p = peer.toLowerCase(Locale.ROOT).trim();
      List<Integer> exact = byService.get(p);
      if (exact != null) {
        return exact;
      }
      int cut = p.length();
      for (char ch : new char[] {':', '.', '/'}) {
        int at = p.indexOf(ch);
        if (at > 0) {
          cut = Math.min(cut, at);
        }
      }
      return byService.get(p.substring(0, cut));
    }

    private int lowerBound(List<Integer> spans, long start) {
      int lo = 0;
      int hi = spans.size();
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (s.start(spans.get(mid)) < start) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo;
    }

    /** Dense numbers for long keys, in order of first sight; an open-addressing table. */
    private static final class LongIntMap {
      private long[] keys = new long[64];
      private int[] ids = new int[64];
      private boolean[] used = new boolean[64];
      private long[] order = new long[16];
      private int size;

      int idOf(long key) {
        int mask = keys.length - 1;
        long x = key * 0x9E3779B97F4A7C15L;
        int h = (int) (x ^ (x >>> 32)) & mask;
        while (used[h]) {
          if (keys[h] == key) {
            return ids[h];
          }
          h = (h + 1) & mask;
        }
        used[h] = true;
        keys[h] = key;
        ids[h] = size;
        if (size == order.length) {
          order = java.util.Arrays.copyOf(order, size * 2);
        }
        order[size] = key;
        int id = size++;
        if (size * 2 > keys.length) {
          grow();
        }
        return id;
      }

      private void grow() {
        long[] k = order;
        keys = new long[keys.length * 2];
        ids = new int[keys.length];
        used = new boolean[keys.length];
        int mask = keys.length - 1;
        for (int id = 0; id < size; id++) {
          long x = k[id] * 0x9E3779B97F4A7C15L;
          int h = (int) (x ^ (x >>> 32)) & mask;
          while (used[h]) {
            h = (h + 1) & mask;
          }
          used[h] = true;
          keys[h] = k[id];
          ids[h] = id;
        }
      }

      int size() {
        return size;
      }

      /** The keys by their number. */
      long[] keys() {
        return java.util.Arrays.copyOf(order, size);
      }
    }

    // ---- context-lost

    /**
     * A map key for (service, span name). The multiplier is odd, so keys stay distinct; it spreads
     * the bits, as Long's hash of small packed ids would put many keys in one bucket.
     */
    private long serviceNameKey(int service, int name) {
      return (((long) service << 32) | (name & 0xffffffffL)) * 0x9E3779B97F4A7C15L;
    }

    void contextLost() {
      int n = s.size();
      int[] serviceIds = new int[serviceOfResource.length];
      Map<String, Integer> ids = new HashMap<>();
      for (int r = 0; r < serviceIds.length; r++) {
        serviceIds[r] = ids.computeIfAbsent(serviceOfResource[r], x -> ids.size());
      }
      // Each span's (service, span name) as a dense group number; counts per group in arrays.
      LongIntMap groupIds = new LongIntMap();
      int[] group = new int[n];
      for (int i = 0; i < n; i++) {
        group[i] = groupIds.idOf(serviceNameKey(serviceIds[s.resourceId(i)], s.nameId(i)));
      }
      int groups = groupIds.size();
      int[] total = new int[groups];
      int[] asChild = new int[groups];
      // How often group g had a span of group pg as its parent: key (g, pg), value a count.
      LongIntMap parentPairs = new LongIntMap();
      int[] pairCount = new int[16];
      for (int i = 0; i < n; i++) {
        int g = group[i];
        total[g]++;
        if (s.hasParent(i)) {
          asChild[g]++;
          int p = ix.parent[i];
          if (p >= 0) {
            int pair = parentPairs.idOf(((long) g << 32) | group[p]);
            if (pair >= pairCount.length) {
              pairCount = java.util.Arrays.copyOf(pairCount, pairCount.length * 2);
            }
            pairCount[pair]++;
          }
        }
      }
      // The usual parent group of each group: the most frequent, the lowest group on a tie.
      int[] usualParent = new int[groups];
      int[] usualCount = new int[groups];
      java.util.Arrays.fill(usualParent, -1);
      long[] pairKeys = parentPairs.keys();
      for (int pair = 0; pair < pairKeys.length; pair++) {
        int g = (int) (pairKeys[pair] >>> 32);
        int pg = (int) pairKeys[pair];
        int c = pairCount[pair];
        if (c > usualCount[g] || (c == usualCount[g] && pg < usualParent[g])) {
          usualCount[g] = c;
          usualParent[g] = pg;
        }
      }
      Map<Integer, List<Integer>> spansOfGroup = new HashMap<>();
      for (int i = 0; i < n; i++) {
        if (s.hasParent(i)) {
          continue;
        }
        SpanKind kind = s.kind(i);
        if (kind == SpanKind.SERVER || kind == SpanKind.CONSUMER || s.hasLinks(i)) {
          continue;
        }
        int g = group[i];
        int children = asChild[g];
        int others = total[g] - 1;
        if (others < o.contextLostMinOccurrences() || children < o.contextLostChildShare() * others) {
          continue;
        }
        // The usual parent, and a live span of it at this moment: the context that was lost.
        int enclosing = -1;
        int usual = usualParent[g];
        if (usual >= 0) {
          List<Integer> live = spansOfGroup.computeIfAbsent(usual, u -> {
            List<Integer> l = new ArrayList<>();
            for (int j = 0; j < n; j++) {
              if (group[j] == u) {
                l.add(j);
              }
            }
            l.sort((a, b) -> Long.compare(s.start(a), s.start(b)));
            return l;
          });
          int k = lowerBound(live, s.start(i) + 1) - 1;
          for (int steps = 0; k >= 0 && steps < 1000; k--, steps++) {
            int cand = live.get(k);
            if (s.end(cand) >= s.start(i) && service(cand).equals(service(i))) {
              enclosing = cand;
              break;
            }
          }
        }
        double share = others == 0 ? 0 : (double) children / others;
        Finding.Builder b = about(finding("context-lost", Severity.WARNING), i)
            .message("span '" + s.name(i) + "' in service " + service(i) + " started a new trace, but is"
                + " a child in " + children + " of its " + others + " other occurrences ("
                + Math.round(share * 1000) / 10.0 + "%)")
            .evidence("childOccurrences", children)
            .evidence("otherOccurrences", others)
            .evidence("childShare", Math.round(share * 10000) / 10000.0)
            .evidence("threadName", s.attribute(i, "thread.name"));
        if (enclosing >= 0) {
          Map<String, Object> enc = new LinkedHashMap<>();
          enc.put("traceId", s.traceIdHex(enclosing));
          enc.put("spanId", s.spanIdHex(enclosing));
          enc.put("spanName", s.name(enclosing));
          Object thread = s.attribute(enclosing, "thread.name");
          if (thread != null) {
            enc.put("threadName", thread);
          }
          b.evidence("enclosingSpan", enc);
        }
        out.add(b.hint("context was lost across an async boundary (thread pool, CompletableFuture,"
                + " reactive scheduler): wrap the executor with Context.taskWrapping(executor), or the"
                + " task with Context.current().wrap(...), so the new span gets its parent")
            .build());
      }
    }

    // ---- clock-skew

    void clockSkew() {
      long tol = o.clockSkewTolerance().toNanos();
      for (int i = 0; i < s.size(); i++) {
        int p = ix.parent[i];
        if (p < 0) {
          continue;
        }
        SpanKind ck = s.kind(i);
        SpanKind pk = s.kind(p);
        if (ck == SpanKind.PRODUCER || ck == SpanKind.CONSUMER || pk == SpanKind.PRODUCER || pk == SpanKind.CONSUMER) {
          continue;
        }
        long cs = s.start(i);
        long ce = s.end(i);
        long ps = s.start(p);
        long pe = s.end(p);
        if (cs == 0 || ce < cs || ps == 0 || pe < ps) {
          continue;
        }
        long early = ps - cs;
        long late = (ce - cs) <= (pe - ps) ? ce - pe : 0;
        if (early <= tol && late <= tol) {
          continue;
        }
        boolean startsEarly = early > tol;
        long offset = startsEarly ? early : late;
        out.add(about(finding("clock-skew", Severity.WARNING), i)
            .message("span '" + s.name(i) + "' in service " + service(i)
                + (startsEarly ? " starts " + human(offset) + " before" : " ends " + human(offset) + " after")
                + " its parent '" + s.name(p) + "' in service " + service(p))
            .evidence("offsetMs", ms(offset))
            .evidence("direction", startsEarly ? "starts-before-parent" : "ends-after-parent")
            .evidence("toleranceMs", ms(tol))
            .evidence("parentService", service(p))
            .evidence("parentSpanId", s.spanIdHex(p))
            .evidence("parentSpanName", s.name(p))
            .evidence("sameService", service(p).equals(service(i)))
            .hint(service(p).equals(service(i))
                ? "within one process this means spans were timed with different clocks or ended"
                    + " out of order; use the tracer's clock for both"
                : "the hosts' clocks disagree: check NTP/chrony on both hosts; the trace view will be"
                    + " misleading until they agree")
            .build());
      }
    }

    // ---- missing-ai-attributes and deprecated-ai-attributes

    void genAi() {
      Map<String, int[]> missing = new TreeMap<>();
      Map<String, Integer> totals = new HashMap<>();
      Map<String, Map<String, Integer>> deprecated = new TreeMap<>();
      Map<String, Integer> exampleMissing = new HashMap<>();
      Map<String, Integer> exampleDeprecated = new HashMap<>();
      // "service NUL span name" per (resource, name id): built once, not per span.
      Map<Long, String> groups = new HashMap<>();
      // Bits 0..4: the deprecated names in DEPRECATED_GENAI order; then the current ones.
      List<String> deprecatedKeys = new ArrayList<>(DEPRECATED_GENAI.keySet());
      int nd = deprecatedKeys.size();
      int[] keys = new int[nd + 3];
      for (int k = 0; k < nd; k++) {
        keys[k] = s.keyId(deprecatedKeys.get(k));
      }
      int opBit = nd;
      int modelBit = nd + 1;
      int providerBit = nd + 2;
      keys[opBit] = s.keyId("gen_ai.operation.name");
      keys[modelBit] = s.keyId("gen_ai.request.model");
      keys[providerBit] = s.keyId("gen_ai.provider.name");
      long systemBit = 1L << deprecatedKeys.indexOf("gen_ai.system");
      boolean anyKey = false;
      for (int k : keys) {
        anyKey |= k >= 0;
      }
      // The operation a span name implies, per name id: computed once per distinct name.
      Map<Integer, String> fromName = new HashMap<>();
      for (int i = 0; i < s.size(); i++) {
        long mask = anyKey ? s.attributeMask(i, keys) : 0L;
        String operation;
        boolean noOp = (mask & (1L << opBit)) == 0;
        if (!noOp) {
          Object op = s.attribute(i, "gen_ai.operation.name");
          operation = op == null ? null : op.toString();
          noOp = op == null;
        } else {
          int nameId = s.nameId(i);
          operation = fromName.get(nameId);
          if (operation == null) {
            operation = operationFromNameOrEmpty(s.name(i));
            fromName.put(nameId, operation);
          }
          if (operation.isEmpty()) {
            operation = null;
          }
        }
        if (operation == null && (mask & ((1L << nd) - 1)) == 0) {
          continue;
        }
        int span = i;
        String group = groups.computeIfAbsent(serviceNameKey(s.resourceId(i), s.nameId(i)),
            k -> service(span) + "\u0000" + s.name(span));
        for (int k = 0; k < nd; k++) {
          if ((mask & (1L << k)) != 0) {
            deprecated.computeIfAbsent(group, x -> new TreeMap<>()).merge(deprecatedKeys.get(k), 1, Integer::sum);
            exampleDeprecated.putIfAbsent(group, i);
          }
        }
        if (operation == null) {
          continue;
        }
        totals.merge(group, 1, Integer::sum);
        boolean noModel = isInference(operation) && (mask & (1L << modelBit)) == 0;
        boolean noProvider = (mask & (1L << providerBit)) == 0 && (mask & systemBit) == 0;
        if (noOp || noModel || noProvider) {
          int[] c = missing.computeIfAbsent(group, x -> new int[4]);
          c[0]++;
          c[1] += noOp ? 1 : 0;
          c[2] += noModel ? 1 : 0;
          c[3] += noProvider ? 1 : 0;
          exampleMissing.putIfAbsent(group, i);
        }
      }
      for (Map.Entry<String, int[]> e : missing.entrySet()) {
        int[] c = e.getValue();
        int total = totals.get(e.getKey());
        int i = exampleMissing.get(e.getKey());
        Map<String, Object> counts = new LinkedHashMap<>();
        if (c[1] > 0) {
          counts.put("gen_ai.operation.name", c[1]);
        }
        if (c[2] > 0) {
          counts.put("gen_ai.request.model", c[2]);
        }
        if (c[3] > 0) {
          counts.put("gen_ai.provider.name", c[3]);
        }
        out.add(finding("missing-ai-attributes", Severity.WARNING)
            .subject("service", service(i))
            .subject("spanName", s.name(i))
            .message(c[0] + " of " + total + " GenAI spans '" + s.name(i) + "' in service " + service(i)
                + " lack " + String.join(", ", counts.keySet()))
            .evidence("affected", c[0])
            .evidence("genAiSpans", total)
            .evidence("share", Math.round(10000.0 * c[0] / total) / 10000.0)
            .evidence("missing", counts)
            .evidence("exampleTraceId", s.traceIdHex(i))
            .evidence("exampleSpanId", s.spanIdHex(i))
            .hint("set gen_ai.operation.name, gen_ai.provider.name and gen_ai.request.model when the"
                + " span starts (OpenTelemetry GenAI semantic conventions), so cost, latency and drift"
                + " can be broken down by model")
            .build());
      }
      for (Map.Entry<String, Map<String, Integer>> e : deprecated.entrySet()) {
        int i = exampleDeprecated.get(e.getKey());
        Map<String, Object> replace = new LinkedHashMap<>();
        for (String k : e.getValue().keySet()) {
          replace.put(k, DEPRECATED_GENAI.get(k));
        }
        out.add(finding("deprecated-ai-attributes", Severity.INFO)
            .subject("service", service(i))
            .subject("spanName", s.name(i))
            .message("spans '" + s.name(i) + "' in service " + service(i) + " use deprecated GenAI attributes: "
                + String.join(", ", e.getValue().keySet()))
            .evidence("counts", new LinkedHashMap<String, Object>(e.getValue()))
            .evidence("replacements", replace)
            .hint("rename to the current GenAI semantic conventions: " + replace.entrySet().stream()
                .map(x -> x.getKey() + " → " + x.getValue()).reduce((a, b) -> a + ", " + b).orElse(""))
            .build());
      }
    }

    private static boolean isInference(String op) {
      return op.equals("chat") || op.equals("text_completion") || op.equals("generate_content")
          || op.equals("embeddings");
    }

    private static String operationFromNameOrEmpty(String name) {
      String op = operationFromName(name);
      return op == null ? "" : op;
    }

    private static String operationFromName(String name) {
      for (String op : GENAI_OPERATIONS) {
        if (name.equals(op) || name.startsWith(op + " ")) {
          return op;
        }
      }
      return null;
    }
  }
}
