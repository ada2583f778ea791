package dev.traceguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A dump too big for the heap ends with one line that says what to do, not a stack trace. */
class OutOfMemoryTest {
  @Test
  void aHeapTooSmallForTheDumpGivesOneLineAndExit70(@TempDir Path dir) throws Exception {
    Path dump = dir.resolve("big.jsonl");
    try (BufferedWriter w = Files.newBufferedWriter(dump, StandardCharsets.UTF_8)) {
      for (int line = 0; line < 600; line++) {
        w.write("{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"s"
            + (line % 7) + "\"}}]},\"scopeSpans\":[{\"spans\":[");
        for (int i = 0; i < 200; i++) {
          long id = (long) line * 200 + i + 1;
          if (i > 0) {
            w.write(',');
          }
          w.write(String.format("{\"traceId\":\"%032x\",\"spanId\":\"%016x\",\"name\":\"op\",\"kind\":2,"
              + "\"startTimeUnixNano\":\"%d\",\"endTimeUnixNano\":\"%d\",\"attributes\":[{\"key\":\"u\","
              + "\"value\":{\"stringValue\":\"%x-%x\"}}]}", id / 4 + 1, id, 1000 + id, 2000 + id, id, id * 31));
        }
        w.write("]}]}]}\n");
      }
    }
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "-Xmx16m", "-XX:+UseSerialGC", "-cp",
        System.getProperty("java.class.path"), Main.class.getName(), "analyze", dump.toString())
        .redirectOutput(dir.resolve("out.txt").toFile())
        .redirectError(dir.resolve("err.txt").toFile())
        .start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    List<String> err = Files.readAllLines(dir.resolve("err.txt"));
    assertThat(p.exitValue()).as(String.join("\n", err)).isEqualTo(70);
    assertThat(err).anyMatch(l -> l.startsWith("traceguard: out of memory:") && l.contains("JAVA_OPTS=-Xmx"));
    assertThat(err).noneMatch(l -> l.contains("Exception in thread") || l.trim().startsWith("at "));
  }
}
