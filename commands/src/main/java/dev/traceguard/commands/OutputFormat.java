package dev.traceguard.commands;

/** How a report is written. */
public enum OutputFormat {
  /** Grouped, counted, worst first: for people. */
  table,
  /** The findings JSON document: for machines. */
  json
}
