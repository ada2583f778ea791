package dev.traceguard.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real pseudo-terminal: a private tmux server, driven with send-keys and read with capture-pane. */
final class Tmux implements AutoCloseable {
  private final Path tmux;
  private final Path socket;

  private Tmux(Path tmux, Path socket) {
    this.tmux = tmux;
    this.socket = socket;
  }

  /** Starts {@code command} (run by sh) in a {@code width} by {@code height} terminal; skips without tmux. */
  static Tmux start(Path dir, int width, int height, String command) throws IOException, InterruptedException {
    Path found = Tools.onPath("tmux");
    assumeTrue(found != null, "tmux not installed (Debian package tmux): terminal tests skipped");
    Tmux t = new Tmux(found, dir.resolve("tmux.sock"));
    t.run("new-session", "-d", "-s", "t", "-x", Integer.toString(width), "-y", Integer.toString(height), command);
    return t;
  }

  /** Types {@code text} literally. */
  void type(String text) throws IOException, InterruptedException {
    run("send-keys", "-t", "t", "-l", "--", text);
  }

  /** Presses keys by tmux name: Tab, Enter, C-c, C-d, C-u. */
  void press(String... keys) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("send-keys", "-t", "t"));
    args.addAll(List.of(keys));
    run(args.toArray(new String[0]));
  }

  /** The screen and its scrollback. */
  String screen() throws IOException, InterruptedException {
    return run("capture-pane", "-p", "-J", "-t", "t", "-S", "-300");
  }

  /** Waits until the screen shows {@code text} and returns the screen; fails with the screen when it does not. */
  String waitFor(String text, Duration timeout) throws IOException, InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    String s = screen();
    while (!s.contains(text)) {
      if (System.nanoTime() > end) {
        throw new AssertionError("terminal did not show '" + text + "' within " + timeout + "; screen:\n" + s);
      }
      Thread.sleep(200);
      s = screen();
    }
    return s;
  }

  private String run(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(tmux.toString(), "-S", socket.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("tmux hung: " + cmd);
    }
    String text = new String(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IOException("tmux " + String.join(" ", args) + " failed: " + text);
    }
    return text;
  }

  @Override
  public void close() throws IOException {
    try {
      run("kill-server");
    } catch (IOException e) {
      // Already gone with its last session.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
