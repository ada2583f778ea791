package dev.traceguard.commands;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The traceguard version, from the build: the jar manifest's {@code Implementation-Version} (read
 * with the jar, so no file is opened for it), else {@code version.properties} (classes run from a
 * build directory). Free of the command-line parser; {@link VersionProvider} is picocli's view of it.
 */
public final class Version {
  private static final String VERSION = load();

  private Version() {}

  private static String load() {
    Package p = Version.class.getPackage();
    String v = p == null ? null : p.getImplementationVersion();
    if (v != null && !v.isEmpty()) {
      return v;
    }
    Properties props = new Properties();
    try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        props.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return props.getProperty("version", "dev");
  }

  /** The version, e.g. {@code 0.1.0}. */
  public static String version() {
    return VERSION;
  }

  /** What {@code traceguard --version} prints: traceguard's version and the Java running it. */
  public static String[] lines() {
    return new String[] {
      "traceguard " + VERSION,
      "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"
    };
  }
}
