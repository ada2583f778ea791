package dev.traceguard.commands;

/** How {@code slo baseline} writes its report. */
public enum SloFormat {
  /** One row per SLO, then findings and problems: for people at a terminal. */
  table,
  /** The JSON document: for machines. */
  json,
  /** One self-contained page charting each SLO's series over its learned band: for people, in a browser. */
  html
}
