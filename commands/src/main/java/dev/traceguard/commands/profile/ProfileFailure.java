package dev.traceguard.commands.profile;

import dev.traceguard.commands.ExitCode;

/** A failure the user can act on: one line saying what and what to do, and its exit code. */
final class ProfileFailure extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient ExitCode code;

  ProfileFailure(ExitCode code, String message) {
    super(message);
    this.code = code;
  }

  ProfileFailure(ExitCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** The exit code. */
  ExitCode code() {
    return code;
  }
}
