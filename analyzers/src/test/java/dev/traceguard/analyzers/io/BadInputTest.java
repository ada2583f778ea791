package dev.traceguard.analyzers.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traceguard.analyzers.SpanJson;
import dev.traceguard.analyzers.model.InputSummary;
import dev.traceguard.analyzers.model.Telemetry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile and broken input: each gives a clear error with a position, no hang, no
 * OutOfMemoryError (the module's tests run with a 512 MiB heap), and the valid rest is read.
 */
@Timeout(120)
class BadInputTest {
  private static String good(int n) {
    return SpanJson.service("s").span(SpanJson.trace(n), SpanJson.span(n), null, "ok" + n, 2, 0, 1).line() + "\n";
  }

  private static InputSummary read(Telemetry t, InputStream in) {
    return DumpReader.read("bad", in, t, null);
  }

  private static InputStream bytes(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void truncatedGzipKeepsWhatCameBefore() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      sb.append(good(i));
    }
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bo)) {
      gz.write(sb.toString().getBytes(StandardCharsets.UTF_8));
    }
    byte[] whole = bo.toByteArray();
    Telemetry t = new Telemetry();
    InputSummary s = read(t, new ByteArrayInputStream(Arrays.copyOf(whole, whole.length / 2)));
    assertThat(s.format()).isEqualTo("otlp-json+gzip");
    assertThat(t.spans().size()).isBetween(100, 1999);
    assertThat(s.errors()).last().satisfies(e -> {
      assertThat(e.message()).contains("gzip");
      assertThat(e.offset()).isPositive();
    });
  }

  private static byte[] zstd(byte[] plain) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (io.airlift.compress.zstd.ZstdOutputStream z = new io.airlift.compress.zstd.ZstdOutputStream(bo)) {
      z.write(plain);
    }
    return bo.toByteArray();
  }

  @Test
  void zstdStreamIsReadLikeThePlainOne() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      sb.append(good(i));
    }
    byte[] whole = zstd(sb.toString().getBytes(StandardCharsets.UTF_8));
    Telemetry t = new Telemetry();
    InputSummary s = read(t, new ByteArrayInputStream(whole));
    assertThat(s.format()).isEqualTo("otlp-json+zstd");
    assertThat(s.errors()).isEmpty();
    assertThat(t.spans().size()).isEqualTo(2000);
  }

  @Test
  void truncatedZstdKeepsWhatCameBefore() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 20000; i++) {
      sb.append(good(i));
    }
    byte[] whole = zstd(sb.toString().getBytes(StandardCharsets.UTF_8));
    Telemetry t = new Telemetry();
    InputSummary s = read(t, new ByteArrayInputStream(Arrays.copyOf(whole, whole.length / 2)));
    assertThat(s.format()).isEqualTo("otlp-json+zstd");
    assertThat(t.spans().size()).isBetween(100, 19999);
    assertThat(s.errors()).last().satisfies(e -> {
      assertThat(e.message()).contains("zstd");
      assertThat(e.offset()).isPositive();
    });
  }

  @Test
  void binaryGarbageIsNamedAsUnknownFormat() {
    byte[] junk = new byte[4096];
    new java.util.Random(1).nextBytes(junk);
    junk[0] = 0;
    junk[1] = (byte) 0xff;
    Telemetry t = new Telemetry();
    InputSummary s = read(t, new ByteArrayInputStream(junk));
    assertThat(s.format()).isEqualTo("unknown");
    assertThat(s.errors()).singleElement().satisfies(e -> assertThat(e.message()).contains("not a known dump format").contains("00 ff"));
  }

  @Test
  void garbageLinesInsideAJsonDumpAreSkippedWithTheirLine() {
    byte[] bad = {(byte) 0xc3, (byte) 0x28, (byte) 0xa0, (byte) 0xa1};
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    bo.writeBytes(good(1).getBytes(StandardCharsets.UTF_8));
    bo.writeBytes(("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"name\":\"").getBytes(StandardCharsets.UTF_8));
    bo.writeBytes(bad);
    bo.writeBytes("\"}]}]}]}\n".getBytes(StandardCharsets.UTF_8));
    bo.writeBytes(new byte[] {0, 1, 2, '{', (byte) 0xff, '\n'});
    bo.writeBytes(good(2).getBytes(StandardCharsets.UTF_8));
    Telemetry t = new Telemetry();
    InputSummary s = read(t, new ByteArrayInputStream(bo.toByteArray()));
    assertThat(t.spans().size()).isEqualTo(2);
    assertThat(s.errors()).hasSize(2);
    assertThat(s.errors().get(0).line()).isEqualTo(2);
    assertThat(s.errors().get(0).message()).contains("UTF-8");
    assertThat(s.errors().get(1).line()).isEqualTo(3);
  }

  @Test
  void deepNestingIsRejectedWithoutStackOverflow() {
    String deep = "{\"resourceSpans\":[{\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}]}\n";
    Telemetry t = new Telemetry();
    InputSummary s = read(t, bytes(good(1) + deep + good(2)));
    assertThat(t.spans().size()).isEqualTo(2);
    assertThat(s.errors()).singleElement().satisfies(e -> {
      assertThat(e.line()).isEqualTo(2);
      assertThat(e.message()).contains("nesting depth");
    });
  }

  /** A 500 MB line, generated on the fly, is never held in memory (the heap is 512 MiB). */
  @Test
  void fiveHundredMegabyteLineIsSkippedAndTheNextLineRead() {
    long size = 500L << 20;
    InputStream head = bytes(good(1) + "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"name\":\"");
    InputStream huge = new InputStream() {
      long left = size;

      @Override
      public int read() {
        return left-- > 0 ? 'a' : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (left <= 0) {
          return -1;
        }
        int n = (int) Math.min(len, left);
        Arrays.fill(b, off, off + n, (byte) 'a');
        left -= n;
        return n;
      }
    };
    InputStream tail = bytes("\"}]}]}]}\n" + good(2));
    Telemetry t = new Telemetry();
    InputSummary s = read(t, new SequenceInputStream(head, new SequenceInputStream(huge, tail)));
    assertThat(t.spans().size()).isEqualTo(2);
    assertThat(s.errors()).singleElement().satisfies(e -> {
      assertThat(e.line()).isEqualTo(2);
      assertThat(e.message()).contains("safety limit");
    });
  }

  @Test
  void emptyInputIsReadableAndEmpty() {
    Telemetry t = new Telemetry();
    InputSummary s = read(t, bytes(""));
    assertThat(s.errors()).isEmpty();
    assertThat(t.spans().size()).isZero();
  }

  @Test
  void wrongTypesAreReportedPerSpan() {
    String line = SpanJson.service("s").span(SpanJson.trace(1), SpanJson.span(1), null, "x", 2, 0, 1).line()
        .replace("\"kind\":2", "\"kind\":\"SPAN_KIND_NONSENSE\"");
    Telemetry t = new Telemetry();
    InputSummary s = read(t, bytes(line + "\n" + good(2) + "[1,2]\n"));
    assertThat(t.spans().size()).isEqualTo(1);
    assertThat(s.errors()).hasSize(3);
    assertThat(s.errors().get(0).message()).contains("SPAN_KIND_NONSENSE");
    assertThat(s.errors().get(1).line()).isEqualTo(3);
  }
}
