package dev.traceguard.analyzers.io.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traceguard.analyzers.model.Attributes;
import dev.traceguard.analyzers.model.MutableSpan;
import dev.traceguard.analyzers.model.SpanEvent;
import dev.traceguard.analyzers.model.SpanId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The fast reader of common traces lines either gives up or passes on exactly what the general
 * reader ({@link OtlpJsonReader}) passes on for the same line, value types included.
 */
class FastSpanLineTest {
  private static final Path TESTDATA = Path.of("..", "testdata");

  /** What a reader passed on: one line per span, error and note. */
  private static final class Record implements OtlpJsonReader.Sink {
    final List<String> events = new ArrayList<>();
    final MutableSpan own = new MutableSpan();
    boolean problems;

    @Override
    public MutableSpan spanToFill(MutableSpan reusable) {
      return own;
    }

    @Override
    public void span(MutableSpan s) {
      events.add(describe(s));
    }

    @Override
    public void error(long line, long column, String message) {
      problems = true;
      events.add("error " + line + ":" + column + " " + message);
    }

    @Override
    public void note(int kind, String text) {
      problems = true;
      events.add("note " + text);
    }
  }

  private static String describe(MutableSpan s) {
    return id(s.traceId) + " " + id(s.spanId) + " " + id(s.parentSpanId) + " name=" + s.name + " kind=" + s.kind
        + " start=" + s.startUnixNano + " end=" + s.endUnixNano + " flags=" + s.flags + " state=" + s.traceState
        + " status=" + s.status + " message=" + s.statusMessage + " attrs=" + typed(s.attributes.build())
        + " events=" + events(s.events) + " links=" + s.links.size() + " resource=" + typed(s.resource.attributes())
        + " scope=" + s.scopeName + " line=" + s.line;
  }

  private static String id(SpanId id) {
    return id.state() + ":" + Long.toHexString(id.hi()) + "/" + Long.toHexString(id.lo()) + "/" + id.raw();
  }

  private static String typed(Attributes a) {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < a.size(); i++) {
      Object v = a.value(i);
      b.append(a.key(i)).append('=').append(v.getClass().getSimpleName()).append(':').append(v).append(';');
    }
    return b.append('}').toString();
  }

  private static String events(List<SpanEvent> events) {
    StringBuilder b = new StringBuilder("[");
    for (SpanEvent e : events) {
      b.append(e.name()).append('@').append(e.timeUnixNano()).append(typed(e.attributes())).append(';');
    }
    return b.append(']').toString();
  }

  /** What the fast reader passes on, or null when it gives up. */
  private static List<String> fast(FastSpanLine f, String line) {
    return fast(f, line.getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> fast(FastSpanLine f, byte[] b) {
    Record r = new Record();
    return f.parse(7, b, b.length, r) ? r.events : null;
  }

  private static Record general(String line) throws IOException {
    return general(line.getBytes(StandardCharsets.UTF_8));
  }

  private static Record general(byte[] b) throws IOException {
    Record r = new Record();
    OtlpJsonReader.forWorker().parseLine(7, b, b.length, r);
    return r;
  }

  private static void assertSame(FastSpanLine f, String line) throws IOException {
    List<String> fast = fast(f, line);
    assertThat(fast).as("accepted: %s", line).isNotNull();
    Record general = general(line);
    assertThat(general.problems).as("the general reader has no complaint: %s", line).isFalse();
    assertThat(fast).as(line).isEqualTo(general.events);
  }

  @Test
  void everyTestdataLineItAcceptsReadsAsTheGeneralReaderReadsIt() throws IOException {
    FastSpanLine f = new FastSpanLine();
    int accepted = 0;
    int lines = 0;
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.walk(TESTDATA)) {
      s.filter(p -> p.toString().endsWith(".jsonl")).sorted().forEach(files::add);
    }
    assertThat(files).hasSizeGreaterThan(10);
    for (Path file : files) {
      // As bytes: some files hold invalid UTF-8 on purpose.
      byte[] all = Files.readAllBytes(file);
      int from = 0;
      while (from < all.length) {
        int to = from;
        while (to < all.length && all[to] != '\n') {
          to++;
        }
        byte[] line = Arrays.copyOfRange(all, from, to);
        from = to + 1;
        if (!new String(line, StandardCharsets.ISO_8859_1).contains("\"resourceSpans\"")) {
          continue;
        }
        lines++;
        List<String> fast = fast(f, line);
        if (fast == null) {
          continue;
        }
        accepted++;
        Record general = general(line);
        assertThat(general.problems).as("%s: a line with errors or notes is left to the general reader", file)
            .isFalse();
        assertThat(fast).as(file.toString()).isEqualTo(general.events);
      }
    }
    // The broken files give up (bad ids, wrong types); the clean ones are read here.
    assertThat(accepted).isGreaterThan(lines / 2);
  }

  private static final String RESOURCE = "{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"api\"}},"
      + "{\"key\":\"process.pid\",\"value\":{\"intValue\":\"42\"}}],\"droppedAttributesCount\":0}";

  private static String line(String spans) {
    return "{\"resourceSpans\":[{\"resource\":" + RESOURCE + ",\"scopeSpans\":[{\"scope\":{\"name\":\"io.x\","
        + "\"version\":\"1.0\"},\"spans\":[" + spans + "],\"schemaUrl\":\"s\"}],\"schemaUrl\":\"u\"}]}";
  }

  private static final String SPAN = "{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\","
      + "\"parentSpanId\":\"eee19b7ec3c1b173\",\"name\":\"chat gpt-4o\",\"kind\":3,\"flags\":769,"
      + "\"startTimeUnixNano\":\"1544712660000000000\",\"endTimeUnixNano\":\"1544712661000000000\","
      + "\"attributes\":[{\"key\":\"gen_ai.operation.name\",\"value\":{\"stringValue\":\"chat\"}}],\"status\":{}}";

  @Test
  void theShapesItAcceptsReadAsTheGeneralReaderReadsThem() throws IOException {
    FastSpanLine f = new FastSpanLine();
    String[] spans = {
      SPAN,
      SPAN.replace("\"kind\":3", "\"kind\":0").replace("\"status\":{}", "\"status\":{\"code\":2,\"message\":\"boom\"}"),
      // times as numbers, no parent, trace state, dropped counts, empty links, unknown fields
      "{\"traceId\":\"00000000000000000000000000000000\",\"spanId\":\"0000000000000001\",\"parentSpanId\":\"\","
          + "\"traceState\":\"a=b\",\"name\":\"x\",\"startTimeUnixNano\":1,\"endTimeUnixNano\":9223372036854775807,"
          + "\"droppedAttributesCount\":3,\"droppedEventsCount\":0,\"droppedLinksCount\":0,\"links\":[],"
          + "\"future\":{\"a\":[1,-2.5e3,true,false,null,\"s\",{}]}}",
      // every AnyValue kind, nested lists, escapes and numbers
      "{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b175\",\"name\":\"tab\\there \\\"q\\\" \\u00e9\","
          + "\"attributes\":[{\"key\":\"i\",\"value\":{\"intValue\":\"-12\"}},{\"key\":\"n\",\"value\":{\"intValue\":7}},"
          + "{\"key\":\"d\",\"value\":{\"doubleValue\":0.25}},{\"key\":\"d2\",\"value\":{\"doubleValue\":3}},"
          + "{\"key\":\"d3\",\"value\":{\"doubleValue\":1e-7}},"
          + "{\"key\":\"b\",\"value\":{\"boolValue\":true}},{\"key\":\"e\",\"value\":{}},"
          + "{\"value\":{\"stringValue\":\"no key\"}},{\"key\":\"s\",\"value\":{\"stringValue\":\"\"}},"
          + "{\"key\":\"a\",\"value\":{\"arrayValue\":{\"values\":[{\"stringValue\":\"x\\\"y\\\\z\\n\"},{\"intValue\":\"1\"},"
          + "{\"doubleValue\":2.5},{\"boolValue\":false},{},{\"arrayValue\":{\"values\":[]}}]}}},"
          + "{\"key\":\"kv\",\"value\":{\"kvlistValue\":{\"values\":[{\"key\":\"k\",\"value\":{\"stringValue\":\"v\"}},"
          + "{\"key\":\"n\",\"value\":{\"kvlistValue\":{\"values\":[{\"key\":\"z\"}]}}}]}}},"
          + "{\"key\":\"i\",\"value\":{\"intValue\":\"13\"}}]}",
      // events, white space between tokens
      "{ \"traceId\" : \"5b8efff798038103d269b633813fc60c\" ,\t\"spanId\":\"eee19b7ec3c1b176\", \"events\" : [ "
          + "{\"timeUnixNano\":\"5\",\"name\":\"exception\",\"attributes\":[{\"key\":\"exception.stacktrace\","
          + "\"value\":{\"stringValue\":\"java.lang.X\\n\\tat a.b(C.java:1)\"}}],\"droppedAttributesCount\":0},"
          + "{\"name\":\"e2\"} ] , \"name\" : \"dup\" , \"name\":\"last wins\" }",
    };
    for (String s : spans) {
      assertSame(f, line(s));
    }
    assertSame(f, line(String.join(",", spans)));
    // several resources and scopes, spans before their scope name
    assertSame(f, "{\"resourceSpans\":[{\"resource\":{},\"scopeSpans\":[{\"spans\":[" + SPAN + "],\"scope\":{\"name\":\"late\"}},"
        + "{\"scope\":{\"name\":\"s2\"},\"spans\":[]}]},{\"resource\":" + RESOURCE + ",\"scopeSpans\":[]}]} \r");
    assertSame(f, "{\"resourceSpans\":[]}");
    // an unknown field nested 100 levels deep: within the general reader's limit, so read and skipped
    assertSame(f, line(SPAN.replace("\"status\":{}", "\"x\":" + "[".repeat(100) + "]".repeat(100))));
    // UTF-8 of two, three and four bytes, and mixed with escapes
    assertSame(f, line(SPAN.replace("chat gpt-4o", "chat ünïcode 日本語 \uD83D\uDE80 \\u00e9\\n€")));
  }

  @Test
  void itKeepsToTheGeneralReadersNumbersAndLimits() throws IOException {
    FastSpanLine f = new FastSpanLine();
    String pre = "{\"resourceSpans\":[{\"resource\":{},\"scopeSpans\":[{\"spans\":[{";
    String post = "}]}]}]}";
    // -0 is an integer to JSON parsers, so 0.0 without its sign.
    assertSame(f, pre + "\"attributes\":[{\"key\":\"k\",\"value\":{\"doubleValue\":-0}},"
        + "{\"key\":\"a\",\"value\":{\"arrayValue\":{\"values\":[{\"doubleValue\":-0},{\"doubleValue\":-0.0}]}}}]" + post);
    // Nesting: every kvlist level is four JSON levels; the general reader stops past 256.
    for (int levels : new int[] {40, 62}) {
      String kv = "{}";
      for (int k = 0; k < levels; k++) {
        kv = "{\"kvlistValue\":{\"values\":[{\"value\":" + kv + "}]}}";
      }
      String l = pre + "\"attributes\":[{\"key\":\"k\",\"value\":" + kv + "}]" + post;
      if (levels == 40) {
        assertSame(f, l);
      } else {
        assertThat(general(l).problems).isTrue();
        assertThat(fast(f, l)).isNull();
      }
    }
    // Names up to 50 000 characters, strings up to 16 MiB.
    assertSame(f, pre + "\"" + "a".repeat(50_000) + "\":1" + post);
    assertThat(fast(f, pre + "\"" + "a".repeat(50_001) + "\":1" + post)).isNull();
    assertThat(fast(f, pre + "\"name\":\"" + "a".repeat(16 * 1024 * 1024 + 1) + "\"" + post)).isNull();
  }

  @Test
  void itGivesUpOnUtf8ThatIsNotWellFormed() throws IOException {
    FastSpanLine f = new FastSpanLine();
    byte[][] bad = {
      {(byte) 0xC0, (byte) 0xAF},                          // overlong '/'
      {(byte) 0xE0, (byte) 0x80, (byte) 0xAF},             // overlong, three bytes
      {(byte) 0xE2, (byte) 0x82},                          // cut short
      {(byte) 0x80},                                       // a continuation byte alone
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80},             // a surrogate
      {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // past U+10FFFF
      {(byte) 0xFF},
    };
    String[] parts = line(SPAN.replace("chat gpt-4o", "@@")).split("@@");
    for (byte[] b : bad) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      out.write(parts[0].getBytes(StandardCharsets.UTF_8));
      out.write(b);
      out.write(parts[1].getBytes(StandardCharsets.UTF_8));
      assertThat(fast(f, out.toByteArray())).as(Arrays.toString(b)).isNull();
    }
  }

  @Test
  void itGivesUpOnWhatTheGeneralReaderReportsOrReadsDifferently() {
    FastSpanLine f = new FastSpanLine();
    String[] lines = {
      line(SPAN.replace("5b8efff798038103d269b633813fc60c", "5B8EFFF798038103D269B633813FC60C")),
      line(SPAN.replace("\"eee19b7ec3c1b174\"", "\"7uGbfsPBsXQ=\"")),
      line(SPAN.replace("\"eee19b7ec3c1b174\"", "\"xyz\"")),
      line(SPAN.replace("\"traceId\"", "\"trace_id\"")),
      line(SPAN.replace("\"kind\":3", "\"kind\":\"SPAN_KIND_CLIENT\"")),
      line(SPAN.replace("\"kind\":3", "\"kind\":-1")),
      line(SPAN.replace("\"status\":{}", "\"links\":[{\"traceId\":\"5b8efff798038103d269b633813fc60c\"}]")),
      line(SPAN.replace("{\"stringValue\":\"chat\"}", "{\"bytesValue\":\"AAE=\"}")),
      line(SPAN.replace("{\"stringValue\":\"chat\"}", "{\"doubleValue\":\"NaN\"}")),
      line(SPAN.replace("{\"stringValue\":\"chat\"}", "{\"intValue\":\"12345678901234567890\"}")),
      line(SPAN.replace("\"1544712660000000000\"", "\"15447126600000000000\"")),
      line(SPAN.replace("\"1544712660000000000\"", "1.5e18")),
      line(SPAN.replace("\"1544712660000000000\"", "null")),
      line(SPAN.replace("\"flags\":769", "\"flags\":0769")),
      line(SPAN.replace("\"parentSpanId\":\"eee19b7ec3c1b173\"", "\"parentSpanId\":null")),
      line(SPAN.replace("\"name\":\"chat gpt-4o\"", "\"name\":\"bad \\q escape\"")),
      "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[" + SPAN + "]}],\"resource\":" + RESOURCE + "}]}",
      "{\"resourceSpans\":[{\"resource\":{},\"instrumentationLibrarySpans\":[]}]}",
      "{\"resourceSpans\":[{\"resource\":{},\"scope_spans\":[]}]}",
      "{\"resourceMetrics\":[]}",
      "[" + line(SPAN) + "]",
      line(SPAN) + " x",
      line(SPAN).substring(0, 200),
      "{\"batches\":[]}",
      "{}",
      line(SPAN.replace("{\"stringValue\":\"chat\"}", "{\"arrayValue\":{\"values\":[1]}}")),
      // nested past the general reader's limit of 256 levels
      line(SPAN.replace("\"status\":{}", "\"x\":" + "[".repeat(300) + "]".repeat(300))),
      line(SPAN.replace("\"status\":{}", "\"x\":1" + "0".repeat(150))),
    };
    for (String l : lines) {
      assertThat(fast(f, l)).as(l).isNull();
    }
  }

  @Test
  void anyDamagedLineItAcceptsReadsAsTheGeneralReaderReadsIt() throws IOException {
    FastSpanLine f = new FastSpanLine();
    String good = line(SPAN + "," + SPAN.replace("eee19b7ec3c1b174", "eee19b7ec3c1b177"));
    Random random = new Random(20261126);
    int accepted = 0;
    for (int n = 0; n < 3_000; n++) {
      StringBuilder b = new StringBuilder(good);
      int at = random.nextInt(b.length());
      switch (n % 3) {
        case 0:
          b.setLength(at);
          break;
        case 1:
          b.deleteCharAt(at);
          break;
        default:
          b.setCharAt(at, "{}[]\",:0a-. \\tfnu9".charAt(random.nextInt(18)));
      }
      String line = b.toString();
      List<String> fast = fast(f, line);
      if (fast == null) {
        continue;
      }
      accepted++;
      Record general = general(line);
      assertThat(general.problems).as("a damaged line the general reader complains of was accepted: %s", line)
          .isFalse();
      assertThat(fast).as(line).isEqualTo(general.events);
    }
    // Some damage leaves valid OTLP (a changed digit or letter in a value, say).
    assertThat(accepted).isGreaterThan(100);
    // Bytes of multi-byte UTF-8 characters changed at random.
    byte[] utf8 = line(SPAN.replace("chat gpt-4o", "日本語 ü € \uD83D\uDE80")).getBytes(StandardCharsets.UTF_8);
    int accepted8 = 0;
    for (int n = 0; n < 2_000; n++) {
      byte[] b = utf8.clone();
      int at;
      do {
        at = random.nextInt(b.length);
      } while (b[at] >= 0);
      b[at] = (byte) (0x80 + random.nextInt(0x80));
      List<String> fast = fast(f, b);
      if (fast == null) {
        continue;
      }
      accepted8++;
      Record general = general(b);
      assertThat(general.problems).as("damaged UTF-8 the general reader complains of was accepted").isFalse();
      assertThat(fast).isEqualTo(general.events);
    }
    assertThat(accepted8).isGreaterThan(50);
  }
}
