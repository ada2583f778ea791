package dev.traceguard.commands;

/**
 * Whether output goes to a person at a terminal. Off unless the real entry point turns it on, so
 * commands run in tests or pipes never write colours or progress lines.
 */
public final class Terminal {
  private static volatile boolean interactive;

  private Terminal() {}

  /** Called once by {@code main} when standard output and error are a terminal. */
  public static void interactive(boolean on) {
    interactive = on;
  }

  /** Whether a person is watching (progress lines make sense). */
  public static boolean interactive() {
    return interactive;
  }

  /** Whether colours may be used: interactive and {@code NO_COLOR} unset (https://no-color.org). */
  public static boolean colorAllowed() {
    String noColor = System.getenv("NO_COLOR");
    return interactive && (noColor == null || noColor.isEmpty());
  }
}
