package dev.traceguard.commands;

/** How {@code analyze} writes its report. */
public enum ReportFormat {
  /** Grouped, counted, worst first: for people at a terminal. */
  table,
  /** The findings JSON document: for machines. */
  json,
  /** One self-contained page with charts and trace waterfalls: for people, in a browser. */
  html
}
