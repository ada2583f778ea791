package dev.traceguard.commands;

import picocli.CommandLine.Option;

/** {@code -v/--verbose}, shared by every command. */
public final class VerbosityMixin {
  @Option(
      names = {"-v", "--verbose"},
      description = "Say more: progress details, and a stack trace with any internal error.")
  boolean verbose;

  /** Sets what --verbose sets (for a command run without the parser). */
  public void verbose(boolean on) {
    verbose = on;
  }

  /** Whether --verbose was given. */
  public boolean verbose() {
    return verbose;
  }
}
