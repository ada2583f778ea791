package dev.traceguard.commands;

import picocli.CommandLine;

/** The traceguard version, from the build. */
public final class VersionProvider implements CommandLine.IVersionProvider {
  /** Used by picocli. */
  public VersionProvider() {}

  /** The version, e.g. {@code 0.1.0}. */
  public static String version() {
    return Version.version();
  }

  @Override
  public String[] getVersion() {
    return Version.lines();
  }
}
