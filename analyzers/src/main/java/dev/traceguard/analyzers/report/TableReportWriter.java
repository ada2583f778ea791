package dev.traceguard.analyzers.report;

import dev.traceguard.analyzers.model.InputSummary;
import dev.traceguard.analyzers.model.ReadError;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link Report} for people: inputs with their errors, then findings grouped by rule,
 * worst first, each group with its count, one example and the hint.
 */
public final class TableReportWriter {
  private final boolean color;

  /** A writer; {@code color} adds ANSI colours to severities. */
  public TableReportWriter(boolean color) {
    this.color = color;
  }

  /** Writes {@code report} to {@code out}. */
  public void write(Report report, PrintWriter out) {
    out.println("Inputs");
    for (InputSummary in : report.inputs()) {
      StringBuilder counts = new StringBuilder();
      append(counts, in.spans(), "span");
      append(counts, in.metricSeries(), "series");
      append(counts, in.samples(), "sample");
      append(counts, in.logs(), "log");
      append(counts, in.gpuActivities(), "GPU record");
      if (in.duplicateSpans() > 0) {
        append(counts, in.duplicateSpans(), "exact duplicate");
      }
      if (counts.length() == 0) {
        counts.append("nothing read");
      }
      out.printf("  %s  [%s]  %s%s%n", in.path(), in.format(), counts,
          in.skipped() > 0 ? paint(Severity.WARNING, ", " + in.skipped() + " skipped") : "");
      for (ReadError e : in.errors()) {
        String at = e.where();
        out.printf("    %s%s: %s%n", in.path(), at.isEmpty() ? "" : ":" + at, e.message());
      }
      if (in.skipped() > in.errors().size()) {
        out.printf("    … and %d more%n", in.skipped() - in.errors().size());
      }
      for (String n : in.notes()) {
        out.printf("    note: %s%n", n);
      }
    }
    out.println();

    Map<String, List<Finding>> groups = new LinkedHashMap<>();
    for (Finding f : report.findings()) {
      groups.computeIfAbsent(f.severity().ordinal() + "\u0000" + f.analyzer() + "\u0000" + f.rule(),
          k -> new ArrayList<>()).add(f);
    }
    List<List<Finding>> ordered = new ArrayList<>(groups.values());
    ordered.sort((a, b) -> {
      int c = a.get(0).severity().compareTo(b.get(0).severity());
      return c != 0 ? c : Integer.compare(b.size(), a.size());
    });
    if (ordered.isEmpty()) {
      out.println("No findings.");
    } else {
      out.println("Findings");
      for (List<Finding> g : ordered) {
        Finding first = g.get(0);
        long more = report.suppressed().getOrDefault(first.rule(), 0L);
        out.printf("  %s %-26s %6d  (%s)%n", paint(first.severity(), String.format("%-8s", first.severity().id())),
            first.rule(), g.size() + more, first.analyzer());
        out.printf("           e.g. %s%n", first.message());
        String where = subjectLine(first.subject());
        if (!where.isEmpty()) {
          out.printf("                %s%n", where);
        }
        if (!first.hint().isEmpty()) {
          out.printf("           fix: %s%n", first.hint());
        }
      }
    }
    out.println();
    out.printf("Summary: %d findings (%d error, %d warning, %d info)%n",
        report.findings().size() + report.suppressed().values().stream().mapToLong(Long::longValue).sum(),
        report.count(Severity.ERROR), report.count(Severity.WARNING), report.count(Severity.INFO));
    if (!report.stats().isEmpty()) {
      StringBuilder sb = new StringBuilder();
      for (Map.Entry<String, Object> e : report.stats().entrySet()) {
        if (sb.length() > 0) {
          sb.append(", ");
        }
        sb.append(e.getKey()).append(' ').append(e.getValue());
      }
      out.println("Analyzed: " + sb);
    }
    out.flush();
  }

  private static void append(StringBuilder sb, long n, String what) {
    if (n == 0) {
      return;
    }
    if (sb.length() > 0) {
      sb.append(", ");
    }
    sb.append(n).append(' ').append(what);
    if (n != 1 && !what.endsWith("s")) {
      sb.append('s');
    }
  }

  private static String subjectLine(Map<String, Object> subject) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Object> e : subject.entrySet()) {
      if (sb.length() > 0) {
        sb.append("  ");
      }
      sb.append(e.getKey()).append('=').append(e.getValue());
    }
    return sb.toString();
  }

  private String paint(Severity s, String text) {
    if (!color) {
      return text;
    }
    String code = s == Severity.ERROR ? "31;1" : s == Severity.WARNING ? "33" : "36";
    return "\u001b[" + code + "m" + text + "\u001b[0m";
  }
}
