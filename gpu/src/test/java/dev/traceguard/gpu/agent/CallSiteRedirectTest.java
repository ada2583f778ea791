package dev.traceguard.gpu.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CallSiteRedirect} in a real JVM with real instrumentation: {@link RedirectMain} runs in a
 * JVM of its own started with a {@code -javaagent} jar (a manifest only) that allows
 * retransformation, redirects the calls of an already loaded class and takes the redirect out again.
 */
class CallSiteRedirectTest {
  @TempDir Path dir;

  @Test
  void loadedClassesAreRedirectedAndRestored() throws Exception {
    Path agent = dir.resolve("redirect-test-agent.jar");
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes().putValue("Premain-Class", RedirectMain.class.getName());
    m.getMainAttributes().putValue("Can-Retransform-Classes", "true");
    try (OutputStream o = Files.newOutputStream(agent); JarOutputStream j = new JarOutputStream(o, m)) {
      j.flush();
    }
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-javaagent:" + agent, "-cp", System.getProperty("java.class.path"), RedirectMain.class.getName())
        .redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    List<String> lines = out.lines().toList();
    assertThat(lines).as(out).containsSubsequence(
        "before=449",
        "rewritten=1",
        "during=4449",
        "hooks=4",
        "removed=0",
        "after=449",
        "hooks=4",
        "failures=0");
  }
}
