package dev.traceguard.analyzers.io.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traceguard.analyzers.io.ReadContext;
import dev.traceguard.analyzers.model.InputSummary;
import dev.traceguard.analyzers.model.SpanStore;
import dev.traceguard.analyzers.model.Telemetry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** JSON lines parsed on worker threads give exactly what one thread gives. */
class ParallelLinesTest {
  private static final Path TESTDATA = Path.of("..", "testdata");

  @Test
  void everyTestdataFileReadsTheSameOnOneAndOnFourThreads() throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.walk(TESTDATA)) {
      s.filter(p -> p.toString().endsWith(".jsonl") || p.toString().endsWith(".log")).sorted().forEach(files::add);
    }
    assertThat(files).hasSizeGreaterThan(10);
    long spans = 0;
    for (Path f : files) {
      byte[] bytes = Files.readAllBytes(f);
      String one = describe(read(bytes, 1));
      String four = describe(read(bytes, 4));
      assertThat(four).as(f.toString()).isEqualTo(one);
      spans += read(bytes, 1).spans().size();
    }
    assertThat(spans).isGreaterThan(1000);
  }

  @Test
  void errorsNotesAndMetricsLinesKeepFileOrder() throws IOException {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      if (i % 7 == 3) {
        b.append("{\"resourceMetrics\":[{\"resource\":{},\"scopeMetrics\":[{\"metrics\":[{\"name\":\"m").append(i)
            .append("\",\"gauge\":{\"dataPoints\":[{\"timeUnixNano\":\"1\",\"asDouble\":").append(i).append("}]}}]}]}]}\n");
      } else if (i % 11 == 5) {
        b.append("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"xyz\"}]}]}]}\n");
      } else if (i % 13 == 6) {
        b.append("{\"resourceSpans\":[ truncated\n");
      } else {
        b.append(line(i, i % 17 == 9));
      }
    }
    byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
    Telemetry one = read(bytes, 1);
    Telemetry four = read(bytes, 4);
    assertThat(describe(four)).isEqualTo(describe(one));
    InputSummary in = one.inputs().get(0);
    assertThat(in.errors()).hasSize(12).allMatch(e -> e.message().contains("truncated"));
    assertThat(in.notes()).anyMatch(n -> n.contains("upper-case") && n.contains("line 10)"));
    assertThat(one.metrics().seriesCount()).isEqualTo(29);
    assertThat(one.spans().size()).isGreaterThan(100);
  }

  @Test
  void aLineLongerThanTheCopyLimitIsReadAsAStream() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(line(0, false).getBytes(StandardCharsets.UTF_8));
    StringBuilder big = new StringBuilder("{\"resourceSpans\":[{\"resource\":{},\"scopeSpans\":[{\"spans\":[");
    int n = 0;
    while (big.length() <= ParallelLines.MAX_COPIED_LINE) {
      if (n > 0) {
        big.append(',');
      }
      big.append(span(1_000_000 + n, false, "x".repeat(200)));
      n++;
    }
    big.append("]}]}]}\n");
    out.write(big.toString().getBytes(StandardCharsets.UTF_8));
    out.write(line(1, false).getBytes(StandardCharsets.UTF_8));
    Telemetry t = read(out.toByteArray(), 4);
    assertThat(t.inputs().get(0).errors()).isEmpty();
    assertThat(t.spans().size()).isEqualTo(n + 2 * 3);
    assertThat(describe(t)).isEqualTo(describe(read(out.toByteArray(), 1)));
  }

  private static String line(int i, boolean upperCase) {
    return "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"svc"
        + (i % 3) + "\"}}]},\"scopeSpans\":[{\"scope\":{\"name\":\"s\"},\"spans\":["
        + span(i * 10, upperCase, "a") + "," + span(i * 10 + 1, false, "b") + "," + span(i * 10 + 2, false, "c")
        + "]}]}]}\n";
  }

  private static String span(int id, boolean upperCase, String value) {
    String trace = String.format("%032x", id / 10 + 1);
    String spanId = String.format("%016x", id + 1);
    if (upperCase) {
      trace = trace.substring(0, 31) + "A";
    }
    return "{\"traceId\":\"" + trace + "\",\"spanId\":\"" + spanId + "\",\"name\":\"op" + (id % 5)
        + "\",\"kind\":2,\"startTimeUnixNano\":\"" + (1000 + id) + "\",\"endTimeUnixNano\":\"" + (2000 + id)
        + "\",\"attributes\":[{\"key\":\"k\",\"value\":{\"stringValue\":\"" + value + "\"}}],"
        + "\"events\":[{\"name\":\"e\",\"timeUnixNano\":\"1500\"}]}";
  }

  private static Telemetry read(byte[] bytes, int threads) throws IOException {
    Telemetry t = new Telemetry();
    t.addInput("input");
    new OtlpJsonReader(threads).read(new ByteArrayInputStream(bytes), new ReadContext(t, 0));
    return t;
  }

  private static String describe(Telemetry t) {
    StringBuilder b = new StringBuilder();
    SpanStore s = t.spans();
    for (int i = 0; i < s.size(); i++) {
      b.append(s.traceIdHex(i)).append(' ').append(s.spanIdHex(i)).append(' ').append(s.parentSpanIdHex(i))
          .append(' ').append(s.name(i)).append(' ').append(s.kind(i)).append(' ').append(s.start(i)).append(' ')
          .append(s.end(i)).append(' ').append(s.status(i)).append(' ').append(s.resource(i)).append(' ')
          .append(s.scopeName(i)).append(' ').append(s.attributes(i)).append(' ').append(s.events(i)).append(' ')
          .append(s.links(i)).append(' ').append(s.line(i)).append(' ').append(s.traceIdState(i)).append('\n');
    }
    b.append("duplicates ").append(s.exactDuplicates()).append(" conflicts ").append(s.idConflicts().size())
        .append('\n');
    InputSummary in = t.inputs().get(0);
    b.append("spans ").append(in.spans()).append(" series ").append(in.metricSeries()).append(" samples ")
        .append(in.samples()).append(" logs ").append(in.logs()).append('\n');
    in.errors().forEach(e -> b.append("error ").append(e).append('\n'));
    in.notes().forEach(n -> b.append("note ").append(n).append('\n'));
    t.metrics().series().forEach(m -> b.append("series ").append(m.name()).append(' ').append(m.labels()).append('\n'));
    return b.toString();
  }
}
