package dev.traceguard.analyzers.gpu;

import dev.traceguard.analyzers.AnalysisOptions;
import dev.traceguard.analyzers.Analyzer;
import dev.traceguard.analyzers.FindingSink;
import dev.traceguard.analyzers.model.GpuActivityStore;
import dev.traceguard.analyzers.model.GpuActivityStore.Kind;
import dev.traceguard.analyzers.model.GpuActivityStore.KernelSummary;
import dev.traceguard.analyzers.model.Telemetry;
import dev.traceguard.analyzers.report.Finding;
import dev.traceguard.analyzers.report.Severity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * How well GPU work keeps the device busy, from Nsight Systems exports: the device idling between
 * kernels ({@code gpu-idle-gaps}), kernels shorter than their launch ({@code kernel-launch-bound}),
 * and all work on one stream while independent work exists ({@code stream-serialization}). Every
 * rule is described in docs/rules.md.
 */
public final class GpuAnalyzer implements Analyzer {
  /** This analyzer's name. */
  public static final String NAME = "gpu";

  /** The analyzer. */
  public GpuAnalyzer() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "GPU utilisation from Nsight Systems exports and profile --gpu samples: idle gaps between kernels,"
        + " launch-bound kernels, work serialised on one stream";
  }

  @Override
  public void analyze(Telemetry telemetry, AnalysisOptions options, FindingSink out) {
    GpuActivityStore g = telemetry.gpu();
    List<KernelSummary> agent = GpuAgentMetrics.summaries(telemetry.metrics());
    if (g.isEmpty() && agent.isEmpty()) {
      return;
    }
    GpuOptions o = options.get(GpuOptions.class, GpuOptions::defaults);
    // Each input is its own capture (its own clock and process): judge (input, device) pairs.
    Map<Integer, Capture> captures = new TreeMap<>();
    long kernels = 0;
    for (int i = 0; i < g.size(); i++) {
      Capture c = captures.computeIfAbsent(g.input(i), k -> new Capture());
      Kind k = g.kind(i);
      switch (k) {
        case KERNEL, MEMCPY, MEMSET -> c.byDevice.computeIfAbsent(g.device(i), d -> new ArrayList<>()).add(i);
        case NVTX -> c.nvtx.add(i);
        case LAUNCH_API -> c.launchApi.add(g.end(i) - g.start(i));
        default -> { }
      }
      if (k == Kind.KERNEL) {
        kernels++;
        c.kernels++;
      }
    }
    for (KernelSummary s : g.summaries()) {
      captures.computeIfAbsent(s.input(), k -> new Capture()).summaries.add(s);
    }
    for (KernelSummary s : agent) {
      Capture c = captures.computeIfAbsent(s.input(), k -> new Capture());
      c.summaries.add(s);
      c.fromAgent = true;
    }
    int devices = 0;
    for (Map.Entry<Integer, Capture> ce : captures.entrySet()) {
      Capture c = ce.getValue();
      String input = ce.getKey() < telemetry.inputs().size() ? telemetry.inputs().get(ce.getKey()).path() : null;
      long overhead = o.launchOverheadNanos();
      String overheadSource = "default (no launch API calls in the export)";
      if (!c.launchApi.isEmpty()) {
        overhead = median(c.launchApi.stream().mapToLong(Long::longValue).toArray());
        overheadSource = "median of " + c.launchApi.size() + " kernel launch API calls";
      }
      for (Map.Entry<Integer, List<Integer>> e : c.byDevice.entrySet()) {
        devices++;
        int[] idx = e.getValue().stream().mapToInt(Integer::intValue).toArray();
        idleGaps(g, e.getKey(), idx, c.nvtx, o, out, input);
        launchBound(g, e.getKey(), idx, overhead, overheadSource, o, out, input);
        serialization(g, e.getKey(), idx, c.nvtx, o, out, input);
      }
      if (c.kernels == 0 && !c.summaries.isEmpty()) {
        launchBoundFromSummaries(c.summaries, overhead, overheadSource, o, out, input, c.fromAgent);
      }
    }
    out.stat("gpuDevices", devices);
    out.stat("gpuKernels", kernels);
    // Summaries from Nsight Systems kernel reports and from profile --gpu samples alike.
    out.stat("gpuKernelSummaries", g.summaries().size() + agent.size());
  }

  /** One input's GPU records. */
  private static final class Capture {
    final Map<Integer, List<Integer>> byDevice = new TreeMap<>();
    final List<Integer> nvtx = new ArrayList<>();
    final List<Long> launchApi = new ArrayList<>();
    final List<KernelSummary> summaries = new ArrayList<>();
    long kernels;
    boolean fromAgent;
  }

  private static void idleGaps(GpuActivityStore g, int device, int[] idx, List<Integer> nvtx, GpuOptions o,
      FindingSink out, String input) {
    long kernels = Arrays.stream(idx).filter(i -> g.kind(i) == Kind.KERNEL).count();
    if (kernels < o.minKernels() || idx.length == 0) {
      return;
    }
    long[][] iv = new long[idx.length][];
    for (int j = 0; j < idx.length; j++) {
      iv[j] = new long[] {g.start(idx[j]), g.end(idx[j])};
    }
    Arrays.sort(iv, (a, b) -> Long.compare(a[0], b[0]));
    long first = iv[0][0];
    long curEnd = iv[0][1];
    long busy = 0;
    long curStart = first;
    List<long[]> gaps = new ArrayList<>();
    for (int j = 1; j < iv.length; j++) {
      if (iv[j][0] > curEnd) {
        busy += curEnd - curStart;
        gaps.add(new long[] {curEnd, iv[j][0] - curEnd});
        curStart = iv[j][0];
        curEnd = iv[j][1];
      } else {
        curEnd = Math.max(curEnd, iv[j][1]);
      }
    }
    busy += curEnd - curStart;
    long window = curEnd - first;
    if (window < o.minWindowNanos()) {
      return;
    }
    long idle = 0;
    List<long[]> longGaps = new ArrayList<>();
    for (long[] gap : gaps) {
      if (gap[1] >= o.minGapNanos()) {
        idle += gap[1];
        longGaps.add(gap);
      }
    }
    double share = (double) idle / window;
    if (share <= o.idleShare()) {
      return;
    }
    longGaps.sort((a, b) -> Long.compare(b[1], a[1]));
    long[] lens = longGaps.stream().mapToLong(x -> x[1]).toArray();
    List<Map<String, Object>> top = new ArrayList<>();
    for (int j = 0; j < Math.min(3, longGaps.size()); j++) {
      long[] gap = longGaps.get(j);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("startNs", gap[0]);
      m.put("durationNs", gap[1]);
      String range = overlappingRange(g, nvtx, gap[0], gap[0] + gap[1]);
      if (range != null) {
        m.put("nvtxRange", range);
      }
      top.add(m);
    }
    out.add(Finding.builder(NAME, "gpu-idle-gaps", Severity.WARNING)
        .message(String.format(Locale.ROOT, "device %d was idle %.0f%% of %s between kernels (%d gaps of %s or more,"
            + " longest %s)", device, 100 * share, human(window), longGaps.size(), human(o.minGapNanos()),
            human(lens[0])))
        .subject("device", Integer.toString(device))
        .evidence("input", input)
        .evidence("windowNs", window)
        .evidence("busyNs", busy)
        .evidence("idleInLongGapsNs", idle)
        .evidence("idleShare", round(share))
        .evidence("threshold", o.idleShare())
        .evidence("minGapNs", o.minGapNanos())
        .evidence("longGaps", longGaps.size())
        .evidence("medianLongGapNs", median(lens))
        .evidence("longestGaps", top)
        .hint("The device waits for the host: see what the host does in the longest gaps (NVTX ranges in the"
            + " evidence), batch more work per launch, overlap host work and copies with compute (pinned memory,"
            + " async copies on another stream), or capture the launch sequence in a CUDA graph.")
        .build());
  }

  private static String overlappingRange(GpuActivityStore g, List<Integer> nvtx, long from, long to) {
    String best = null;
    long bestOverlap = 0;
    for (int i : nvtx) {
      long ov = Math.min(to, g.end(i)) - Math.max(from, g.start(i));
      if (ov > bestOverlap) {
        bestOverlap = ov;
        best = g.name(i);
      }
    }
    return best;
  }

  private static void launchBound(GpuActivityStore g, int device, int[] idx, long overhead, String source,
      GpuOptions o, FindingSink out, String input) {
    List<Long> durations = new ArrayList<>();
    Map<String, List<Long>> shortByName = new HashMap<>();
    long shortCount = 0;
    for (int i : idx) {
      if (g.kind(i) != Kind.KERNEL) {
        continue;
      }
      long d = g.end(i) - g.start(i);
      durations.add(d);
      if (d < overhead) {
        shortCount++;
        shortByName.computeIfAbsent(g.name(i), n -> new ArrayList<>()).add(d);
      }
    }
    if (durations.isEmpty()) {
      return;
    }
    double share = (double) shortCount / durations.size();
    if (shortCount < o.minShortKernels() || share < o.shortShare()) {
      return;
    }
    List<Map<String, Object>> top = new ArrayList<>();
    shortByName.entrySet().stream()
        .sorted((a, b) -> a.getValue().size() != b.getValue().size()
            ? Integer.compare(b.getValue().size(), a.getValue().size()) : a.getKey().compareTo(b.getKey()))
        .limit(5)
        .forEach(en -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("kernel", en.getKey());
          m.put("count", en.getValue().size());
          m.put("medianNs", median(en.getValue().stream().mapToLong(Long::longValue).toArray()));
          top.add(m);
        });
    out.add(Finding.builder(NAME, "kernel-launch-bound", Severity.WARNING)
        .message(String.format(Locale.ROOT, "device %d: %d of %d kernels (%.0f%%) ran shorter than a launch takes"
            + " (%s, %s)", device, shortCount, durations.size(), 100 * share, human(overhead),
            source.startsWith("median") ? "measured" : "assumed"))
        .subject("device", Integer.toString(device))
        .evidence("input", input)
        .evidence("kernels", durations.size())
        .evidence("shortKernels", shortCount)
        .evidence("shortShare", round(share))
        .evidence("threshold", o.shortShare())
        .evidence("launchOverheadNs", overhead)
        .evidence("launchOverheadSource", source)
        .evidence("kernelMedianNs", median(durations.stream().mapToLong(Long::longValue).toArray()))
        .evidence("topShortKernels", top)
        .hint(LAUNCH_HINT)
        .build());
  }

  private static final String LAUNCH_HINT = "Each launch costs more host time than its kernel runs: fuse small"
      + " kernels, give each launch more work (larger batches), or capture the sequence in a CUDA graph so one"
      + " launch runs many kernels.";

  private static void launchBoundFromSummaries(List<KernelSummary> sums, long overhead, String source, GpuOptions o,
      FindingSink out, String input, boolean fromAgent) {
    long total = 0;
    long shortCount = 0;
    List<KernelSummary> shortOnes = new ArrayList<>();
    for (KernelSummary s : sums) {
      total += s.instances();
      if (s.medianNanos() < overhead) {
        shortCount += s.instances();
        shortOnes.add(s);
      }
    }
    if (total == 0) {
      return;
    }
    double share = (double) shortCount / total;
    if (shortCount < o.minShortKernels() || share < o.shortShare()) {
      return;
    }
    shortOnes.sort((a, b) -> Long.compare(b.instances(), a.instances()));
    List<Map<String, Object>> top = new ArrayList<>();
    for (KernelSummary s : shortOnes.subList(0, Math.min(5, shortOnes.size()))) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kernel", s.name());
      m.put("count", s.instances());
      m.put("medianNs", s.medianNanos());
      top.add(m);
    }
    out.add(Finding.builder(NAME, "kernel-launch-bound", Severity.WARNING)
        .message(String.format(Locale.ROOT, "%d of %d kernel launches (%.0f%%) belong to kernels whose median is"
            + " shorter than a launch takes (%s, assumed)", shortCount, total, 100 * share, human(overhead)))
        .evidence("input", input)
        .evidence("kernels", total)
        .evidence("shortKernels", shortCount)
        .evidence("shortShare", round(share))
        .evidence("threshold", o.shortShare())
        .evidence("launchOverheadNs", overhead)
        .evidence("launchOverheadSource", source)
        .evidence("basis", fromAgent
            ? "per-kernel medians timed in the JVM by traceguard's agent (profile --gpu)"
            : "per-kernel medians of a kernel summary (nsys stats cuda_gpu_kern_sum)")
        .evidence("topShortKernels", top)
        .hint(LAUNCH_HINT)
        .build());
  }

  private static void serialization(GpuActivityStore g, int device, int[] idx, List<Integer> nvtx, GpuOptions o,
      FindingSink out, String input) {
    Set<Long> kernelStreams = new HashSet<>();
    long kernels = 0;
    long copies = 0;
    long copyTime = 0;
    long busy = 0;
    long copiesElsewhere = 0;
    for (int i : idx) {
      if (g.kind(i) == Kind.KERNEL) {
        kernelStreams.add(g.stream(i));
        kernels++;
      }
    }
    if (kernelStreams.size() != 1 || kernels < o.minSerialKernels()) {
      return;
    }
    long stream = kernelStreams.iterator().next();
    for (int i : idx) {
      long d = g.end(i) - g.start(i);
      if (g.stream(i) != stream) {
        copiesElsewhere++;
        continue;
      }
      busy += d;
      if (g.kind(i) != Kind.KERNEL) {
        copies++;
        copyTime += d;
      }
    }
    double copyShare = busy == 0 ? 0 : (double) copyTime / busy;
    int threads = concurrentThreads(g, nvtx);
    boolean copiesIndependent = copies > 0 && copyShare >= o.copyShare();
    if (!copiesIndependent && threads < 2) {
      return;
    }
    List<String> why = new ArrayList<>();
    if (threads >= 2) {
      why.add(threads + " host threads had overlapping NVTX ranges");
    }
    if (copiesIndependent) {
      why.add(String.format(Locale.ROOT, "copies on the same stream took %.0f%% of its time", 100 * copyShare));
    }
    out.add(Finding.builder(NAME, "stream-serialization", Severity.WARNING)
        .message(String.format(Locale.ROOT, "device %d: all %d kernels%s ran on stream %d, while %s", device, kernels,
            copies > 0 ? " and " + copies + " copies" : "", stream, String.join(" and ", why)))
        .subject("device", Integer.toString(device))
        .evidence("input", input)
        .evidence("stream", stream)
        .evidence("kernels", kernels)
        .evidence("copiesOnStream", copies)
        .evidence("copiesOnOtherStreams", copiesElsewhere)
        .evidence("copyShare", round(copyShare))
        .evidence("copyShareThreshold", o.copyShare())
        .evidence("concurrentHostThreads", threads)
        .hint("Give independent work its own stream (per request or pipeline stage, created non-blocking) and"
            + " issue copies on a separate stream from pinned host memory so they overlap compute; the legacy"
            + " default stream serialises everything.")
        .build());
  }

  /** The most distinct host threads whose NVTX ranges are open at one moment. */
  private static int concurrentThreads(GpuActivityStore g, List<Integer> nvtx) {
    if (nvtx.size() < 2) {
      return nvtx.size();
    }
    long[][] ev = new long[nvtx.size() * 2][];
    int n = 0;
    for (int i : nvtx) {
      ev[n++] = new long[] {g.start(i), 1, g.stream(i)};
      ev[n++] = new long[] {g.end(i), -1, g.stream(i)};
    }
    Arrays.sort(ev, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    Map<Long, Integer> open = new HashMap<>();
    int best = 0;
    for (long[] e : ev) {
      open.merge(e[2], (int) e[1], Integer::sum);
      if (open.get(e[2]) <= 0) {
        open.remove(e[2]);
      }
      best = Math.max(best, open.size());
    }
    return best;
  }

  static long median(long[] v) {
    if (v.length == 0) {
      return 0;
    }
    long[] c = v.clone();
    Arrays.sort(c);
    return c[(c.length - 1) / 2];
  }

  private static double round(double d) {
    return Math.round(d * 1000) / 1000.0;
  }

  /** A duration for a sentence: "1.2 ms", "40 µs", "800 ns". */
  static String human(long nanos) {
    if (nanos >= 1_000_000_000L) {
      return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }
    if (nanos >= 1_000_000L) {
      return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }
    if (nanos >= 1_000L) {
      return String.format(Locale.ROOT, "%.1f µs", nanos / 1e3);
    }
    return nanos + " ns";
  }
}
