package dev.traceguard.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Headless Chromium (Debian package {@code chromium}), each run with a fresh profile. */
final class Chromium {
  private final Path binary;
  private final Path work;
  private int runs;

  private Chromium(Path binary, Path work) {
    this.binary = binary;
    this.work = work;
  }

  /** The browser, or the test is skipped with the reason. */
  static Chromium require(Path work) {
    Path found = Tools.onPath("chromium", "chromium-browser", "google-chrome");
    assumeTrue(found != null, "chromium not installed (Debian package chromium): HTML report browser tests skipped");
    return new Chromium(found, work);
  }

  /** The DOM after the page loaded and any script ran, serialized. */
  String dumpDom(Path page) throws IOException, InterruptedException {
    return run(page, "--dump-dom");
  }

  /** A PNG screenshot of the page at 1280 by {@code height} pixels. */
  Path screenshot(Path page, int height) throws IOException, InterruptedException {
    Path png = work.resolve("shot-" + runs + ".png");
    run(page, "--screenshot=" + png, "--window-size=1280," + height);
    return png;
  }

  private String run(Path page, String... extra) throws IOException, InterruptedException {
    Path profile = work.resolve("profile-" + runs++);
    List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--user-data-dir=" + profile));
    cmd.addAll(List.of(extra));
    cmd.add(page.toUri().toString());
    Path out = work.resolve("stdout-" + runs);
    Path err = work.resolve("stderr-" + runs);
    Process p = new ProcessBuilder(cmd).directory(work.toFile()).redirectOutput(out.toFile())
        .redirectError(err.toFile()).start();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("chromium did not finish in 90 s: " + cmd);
    }
    if (p.exitValue() != 0) {
      throw new IOException("chromium exited " + p.exitValue() + ": " + Files.readString(err, StandardCharsets.UTF_8));
    }
    return Files.readString(out, StandardCharsets.UTF_8);
  }
}
