package dev.traceguard.commands;

/** Exit codes of traceguard commands; listed in every command's help. */
public enum ExitCode {
  /** No finding at or above --fail-on, and every input was read whole. */
  OK(0, "no finding at or above --fail-on; every input read whole"),
  /** Findings at or above --fail-on. */
  FINDINGS(1, "findings at or above --fail-on"),
  /** Usage error, or no input could be read at all. */
  USAGE(2, "usage error, or no input readable at all"),
  /** Some records could not be read (and no finding at or above --fail-on). */
  PARTIAL(3, "input partly unreadable: records skipped (see inputs[].errors)"),
  /** replay: some records read were not delivered (rejected, spilled or not convertible). */
  NOT_DELIVERED(4, "replay: not everything read was delivered (rejected or spilled)"),
  /** A bug in traceguard. */
  INTERNAL(70, "internal error (a bug: please report it with --verbose output)");

  private final int code;
  private final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  /** The process exit status. */
  public int code() {
    return code;
  }

  /** What it means, for help texts. */
  public String meaning() {
    return meaning;
  }

  /** Lines for picocli's {@code exitCodeList}: "0:meaning". */
  public static String[] helpList() {
    ExitCode[] v = values();
    String[] out = new String[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i].code + ":" + v[i].meaning;
    }
    return out;
  }
}
