package dev.traceguard.commands;

/**
 * Whether output goes to a person at a terminal. Off unless the real entry point turns it on, so
 * commands run in tests or pipes never write colours or progress lines.
 */
public final class Terminal {
  private static volatile boolean interactive;
  private static volatile boolean stderrTerminal;
  private static volatile int columns;

  private Terminal() {}

  /** Called once by {@code main} when standard output and error are a terminal. */
  public static void interactive(boolean on) {
    interactive = on;
  }

  /** Whether a person is watching (progress lines make sense). */
  public static boolean interactive() {
    return interactive;
  }

  /** Called by {@code main} with whether standard error is a terminal (where progress bars go). */
  public static void stderrTerminal(boolean on) {
    stderrTerminal = on;
  }

  /**
   * Whether a progress bar may be drawn on standard error: it is a terminal. Standard output may
   * be redirected (a JSON report to a file): the bar never goes there.
   */
  public static boolean progressAllowed() {
    return stderrTerminal;
  }

  /** Sets the terminal width, when known (the shell knows it). */
  public static void columns(int n) {
    columns = n;
  }

  /** The terminal width: as set, else {@code $COLUMNS}, else 80. */
  public static int columns() {
    if (columns > 0) {
      return columns;
    }
    String env = System.getenv("COLUMNS");
    if (env != null) {
      try {
        return Math.max(20, Integer.parseInt(env.trim()));
      } catch (NumberFormatException e) {
        return 80;
      }
    }
    return 80;
  }

  /** Whether colours may be used: interactive and {@code NO_COLOR} unset (https://no-color.org). */
  public static boolean colorAllowed() {
    String noColor = System.getenv("NO_COLOR");
    return interactive && (noColor == null || noColor.isEmpty());
  }
}
