package dev.traceguard.analyzers.io.prom;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traceguard.analyzers.io.FormatReader;
import dev.traceguard.analyzers.io.ReadContext;
import dev.traceguard.analyzers.model.InputSummary;
import dev.traceguard.analyzers.model.Labels;
import dev.traceguard.analyzers.model.MetricSeries;
import dev.traceguard.analyzers.model.MetricStore;
import dev.traceguard.analyzers.model.MetricType;
import dev.traceguard.analyzers.model.ReadError;
import dev.traceguard.analyzers.model.Telemetry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrometheusTextReaderTest {
  static Telemetry read(FormatReader reader, String text) throws IOException {
    return read(reader, text.getBytes(StandardCharsets.UTF_8), new Telemetry());
  }

  static Telemetry read(FormatReader reader, byte[] bytes, Telemetry t) throws IOException {
    t.addInput("test");
    reader.read(new ByteArrayInputStream(bytes), new ReadContext(t, 0));
    return t;
  }

  static InputSummary summary(Telemetry t) {
    return t.inputs().get(0);
  }

  static MetricSeries series(Telemetry t, String name, String... labels) {
    for (MetricSeries s : t.metrics().seriesNamed(name)) {
      if (s.labels().equals(Labels.of(labels))) {
        return s;
      }
    }
    throw new AssertionError("no series " + name + Labels.of(labels) + " in " + t.metrics().series());
  }

  private static Telemetry lenient(String text) throws IOException {
    return read(PrometheusTextReader.lenient(), text);
  }

  private static Telemetry strict(String text) throws IOException {
    return read(PrometheusTextReader.strict(), text);
  }

  @Test
  void labelValuesAreUnescapedAndOtherBackslashesKept() throws IOException {
    Telemetry t = strict("a{x=\"q\\\"u\\\\o\\nte\\z\",y=\"} # {\"} 1\n# EOF\n");
    assertThat(summary(t).errors()).isEmpty();
    MetricSeries s = t.metrics().seriesNamed("a").get(0);
    assertThat(s.labels().get("x")).isEqualTo("q\"u\\o\nte\\z");
    assertThat(s.labels().get("y")).isEqualTo("} # {");
  }

  @Test
  void helpIsUnescapedAndDeclared() throws IOException {
    Telemetry t = strict("# HELP a first\\nsecond \\\\ \\\"q\\\"\n# TYPE a gauge\n# EOF\n");
    assertThat(t.metrics().family("a").help()).isEqualTo("first\nsecond \\ \"q\"");
    assertThat(t.metrics().family("a").type()).isEqualTo(MetricType.GAUGE);
  }

  @Test
  void nanAndInfinityInAnyCase() throws IOException {
    Telemetry t = lenient("a nan\nb +Inf\nc -infinity\nd Inf\ne NaN\n");
    assertThat(summary(t).errors()).isEmpty();
    assertThat(series(t, "a").value(0)).isNaN();
    assertThat(series(t, "b").value(0)).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(series(t, "c").value(0)).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(series(t, "d").value(0)).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(series(t, "e").value(0)).isNaN();
  }

  @Test
  void numberTrapsThatDoubleParseDoubleWouldLetThrough() throws IOException {
    Telemetry t = lenient("ok 1\nd 1d\nf 2f\nhex 0x1p-3\nunder 1_000\ninfinity_word Infinityx\nlast 3\n");
    assertThat(summary(t).errors()).extracting(ReadError::line).containsExactly(2L, 3L, 4L, 5L, 6L);
    assertThat(t.metrics().seriesNamed("d")).isEmpty();
    assertThat(series(t, "last").value(0)).isEqualTo(3.0);

    // Strict: a doubled space makes the value " 1", which is no number.
    assertThat(summary(strict("a  1\n# EOF\n")).errors()).hasSize(1);

    byte[] b = " 1".getBytes(StandardCharsets.US_ASCII);
    assertThat(PromNumber.isValue(b, 0, b.length)).isFalse();
    for (String ok : new String[] {"1", "-1.5", "1.", ".5", "1e3", "1E-3", "+Inf", "-inf", "INFINITY", "nan",
        "00001", "9223372036854775808"}) {
      assertThat(PromNumber.isValue(ok)).as(ok).isTrue();
    }
    for (String bad : new String[] {"", " 1", "1 ", "1d", "1f", "0x1p-3", "0x1", "1_2", "e3", "1e", ".", "+nan",
        "Infinit", "1.1.1", "--1"}) {
      assertThat(PromNumber.isValue(bad)).as(bad).isFalse();
    }
    assertThat(PromNumber.value("9223372036854775808")).isEqualTo(9.223372036854775808e18);
    assertThat(PromNumber.value("0.1")).isEqualTo(0.1);
  }

  @Test
  void textFormatTimestampsAreMilliseconds() throws IOException {
    Telemetry t = lenient("# TYPE a gauge\na 1 1700000000123\na 2 1700000001123\n");
    assertThat(summary(t).format()).isEqualTo("prometheus-text");
    MetricSeries s = series(t, "a");
    assertThat(s.size()).isEqualTo(2);
    assertThat(s.time(0)).isEqualTo(1_700_000_000_123_000_000L);
    assertThat(s.time(1)).isEqualTo(1_700_000_001_123_000_000L);
  }

  @Test
  void smallIntegerTimestampsWithoutAnyOpenMetricsSignAreMilliseconds() throws IOException {
    Telemetry t = lenient("a 1 1000\n");
    assertThat(series(t, "a").time(0)).isEqualTo(1_000_000_000L);
    assertThat(summary(t).notes()).anyMatch(n -> n.contains("milliseconds"));
  }

  @Test
  void openMetricsTimestampsAreSecondsEvenWhenTheEofComesLast() throws IOException {
    Telemetry t = lenient("a 1 1700000000\na 2 1700000000.5\nb 3 1.5e3\n# EOF\n");
    assertThat(summary(t).format()).isEqualTo("openmetrics");
    assertThat(series(t, "a").time(0)).isEqualTo(1_700_000_000_000_000_000L);
    assertThat(series(t, "a").time(1)).isEqualTo(1_700_000_000_500_000_000L);
    assertThat(series(t, "b").time(0)).isEqualTo(1_500_000_000_000L);

    // Integer seconds held back until # EOF decided the dialect.
    Telemetry u = lenient("a 1 1700000000\n# EOF\n");
    assertThat(series(u, "a").time(0)).isEqualTo(1_700_000_000_000_000_000L);
  }

  @Test
  void timestampsAreExactToTheNanosecondAndClampedOutOfRange() throws IOException {
    Telemetry t = strict("a 1 1700000000.123456789\nb 1 12345678901234567890.5\nc 1 -0.000000001\n# EOF\n");
    assertThat(summary(t).errors()).isEmpty();
    assertThat(series(t, "a").time(0)).isEqualTo(1_700_000_000_123_456_789L);
    assertThat(series(t, "b").time(0)).isEqualTo(Long.MAX_VALUE);
    assertThat(series(t, "c").time(0)).isEqualTo(-1L);
    assertThat(summary(t).notes()).anyMatch(n -> n.contains("clamped"));
  }

  @Test
  void samplesWithoutTimestampGetNoTimestamp() throws IOException {
    Telemetry t = lenient("a 1\n");
    assertThat(series(t, "a").time(0)).isEqualTo(MetricSeries.NO_TIMESTAMP);
  }

  @Test
  void manySamplesPerSeriesAsDumpOpenMetricsWritesThem() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (String job : new String[] {"a", "b"}) {
      for (int i = 0; i < 100; i++) {
        sb.append("vllm:num_requests_running{job=\"").append(job).append("\"} ").append(i % 7).append(' ')
            .append(1700000000 + 15 * i).append(".000\n");
      }
    }
    sb.append("# EOF\n");
    Telemetry t = strict(sb.toString());
    assertThat(summary(t).errors()).isEmpty();
    assertThat(t.metrics().seriesCount()).isEqualTo(2);
    MetricSeries b = series(t, "vllm:num_requests_running", "job", "b");
    assertThat(b.size()).isEqualTo(100);
    assertThat(b.time(99)).isEqualTo((1700000000L + 15 * 99) * 1_000_000_000L);
    assertThat(b.value(99)).isEqualTo(99 % 7);
    assertThat(summary(t).samples()).isEqualTo(200);
  }

  @Test
  void exemplarsAreParsedAndIgnored() throws IOException {
    String text = "# TYPE req counter\n"
        + "req_total{code=\"200\"} 5 # {trace_id=\"4bf92f3577b34da6\",span=\"a # b\"} 1.0 1700000000.5\n"
        + "req_created{code=\"200\"} 1700000000\n"
        + "# EOF\n";
    Telemetry t = strict(text);
    assertThat(summary(t).errors()).isEmpty();
    MetricSeries s = series(t, "req_total", "code", "200");
    assertThat(s.value(0)).isEqualTo(5.0);
    assertThat(s.family().name()).isEqualTo("req");
    assertThat(s.family().type()).isEqualTo(MetricType.COUNTER);
    assertThat(series(t, "req_created", "code", "200").family().name()).isEqualTo("req");
    assertThat(lenient(text).inputs().get(0).format()).isEqualTo("openmetrics");
  }

  @Test
  void histogramFamiliesInTheTextFormat() throws IOException {
    String text = "# HELP lat Request latency.\n"
        + "# TYPE lat histogram\n"
        + "lat_bucket{model=\"m\",le=\"0.1\"} 3\n"
        + "lat_bucket{model=\"m\",le=\"1\"} 7\n"
        + "lat_bucket{model=\"m\",le=\"+Inf\"} 9\n"
        + "lat_sum{model=\"m\"} 4.5\n"
        + "lat_count{model=\"m\"} 9\n";
    Telemetry t = lenient(text);
    assertThat(summary(t).errors()).isEmpty();
    assertThat(summary(t).notes()).isEmpty();
    assertThat(t.metrics().seriesNamed("lat_bucket")).hasSize(3)
        .allSatisfy(s -> assertThat(s.family().type()).isEqualTo(MetricType.HISTOGRAM));
    assertThat(series(t, "lat_bucket", "model", "m", "le", "+Inf").value(0)).isEqualTo(9.0);
    assertThat(series(t, "lat_count", "model", "m").family().name()).isEqualTo("lat");
    assertThat(t.metrics().family("lat").help()).isEqualTo("Request latency.");
  }

  @Test
  void histogramRulesAreErrorsWhenStrictAndNotesWhenLenient() throws IOException {
    String text = "# TYPE lat histogram\n"
        + "lat_bucket{le=\"1\"} 7\n"
        + "lat_bucket{le=\"0.1\"} 3\n"
        + "lat_bucket{le=\"+Inf\"} 2\n"
        + "lat_count 9\n"
        + "lat_sum 1\n"
        + "# EOF\n";
    assertThat(summary(strict(text)).errors()).extracting(ReadError::message)
        .anyMatch(m -> m.contains("increasing le"))
        .anyMatch(m -> m.contains("cumulative"))
        .anyMatch(m -> m.contains("+Inf bucket is 2.0"));
    InputSummary s = summary(lenient(text));
    assertThat(s.errors()).isEmpty();
    assertThat(s.samples()).isEqualTo(5);
    assertThat(s.notes()).hasSize(3);
  }

  @Test
  void aBadLineInTheMiddleIsSkippedWithItsLineNumber() throws IOException {
    Telemetry t = lenient("a 1\nb{x=\"1\" 2\nc 3\n");
    assertThat(series(t, "a").value(0)).isEqualTo(1.0);
    assertThat(series(t, "c").value(0)).isEqualTo(3.0);
    assertThat(series(t, "c").line()).isEqualTo(3);
    assertThat(summary(t).errors()).singleElement().satisfies(e -> {
      assertThat(e.line()).isEqualTo(2);
      assertThat(e.column()).isEqualTo(9);
      assertThat(e.message()).contains("expected ',' or '}'");
    });
  }

  @Test
  void anOverlongLineIsReportedAndSkipped() throws IOException {
    String big = "x".repeat(LineReader.MAX_LINE + 10);
    Telemetry t = lenient("a 1\nb{l=\"" + big + "\"} 1\nc 3\n");
    assertThat(summary(t).errors()).singleElement().satisfies(e -> {
      assertThat(e.line()).isEqualTo(2);
      assertThat(e.message()).contains("longer than");
    });
    assertThat(series(t, "c").line()).isEqualTo(3);
    assertThat(t.metrics().seriesNamed("b")).isEmpty();
  }

  @Test
  void invalidUtf8IsAnErrorButNulIsNot() throws IOException {
    byte[] bytes = "a{x=\"\u00e9\"} 1\nb{x=\"?\"} 2\nc{x=\"\u0000\"} 3\n".getBytes(StandardCharsets.UTF_8);
    int q = new String(bytes, StandardCharsets.ISO_8859_1).indexOf('?');
    bytes[q] = (byte) 0xff;
    Telemetry t = read(PrometheusTextReader.lenient(), bytes, new Telemetry());
    assertThat(summary(t).errors()).singleElement().satisfies(e -> assertThat(e.line()).isEqualTo(2));
    assertThat(series(t, "a", "x", "\u00e9").value(0)).isEqualTo(1.0);
    assertThat(series(t, "c", "x", "\u0000").value(0)).isEqualTo(3.0);
  }

  @Test
  void textFormatLeniencies() throws IOException {
    String text = "# Free comment\n"
        + "# TYPE up untyped\n"
        + "up{job=\"a\",} 1\n"
        + "\n"
        + "up { job = \"b\" }\t2\t1700000000000\r\n"
        + "{\"my.dotted.metric\", \"error.kind\"=\"x\"} 5\n"
        + "up 3\n"
        + "up {job=\"c\"} 4\n";
    Telemetry t = lenient(text);
    assertThat(summary(t).errors()).isEmpty();
    assertThat(series(t, "up", "job", "a").value(0)).isEqualTo(1.0);
    assertThat(series(t, "up", "job", "b").time(0)).isEqualTo(1_700_000_000_000_000_000L);
    assertThat(series(t, "my.dotted.metric", "error.kind", "x").value(0)).isEqualTo(5.0);
    assertThat(series(t, "up").value(0)).isEqualTo(3.0);
    assertThat(series(t, "up", "job", "c").value(0)).isEqualTo(4.0);
    assertThat(summary(strict(text)).errors()).hasSizeGreaterThanOrEqualTo(5);
  }

  @Test
  void strictRequiresEofAndNothingAfterIt() throws IOException {
    assertThat(summary(strict("a 1\n")).errors()).extracting(ReadError::message)
        .containsExactly("missing # EOF: an OpenMetrics exposition must end with a # EOF line");
    assertThat(summary(strict("a 1\n# EOF\na 2\n")).errors()).singleElement()
        .satisfies(e -> assertThat(e.line()).isEqualTo(3));
    assertThat(summary(strict("a 1\n# EOF")).errors()).isEmpty();
    // Lenient: two expositions one after the other are both read.
    Telemetry t = lenient("a 1 1\n# EOF\na 2 2\n# EOF\n");
    assertThat(series(t, "a").size()).isEqualTo(2);
    assertThat(summary(t).notes()).anyMatch(n -> n.contains("further exposition"));
  }

  @Test
  void theSeriesLimitIsHandled() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      sb.append("m{i=\"").append(i).append("\"} 1\n").append("m{i=\"").append(i).append("\"} 2\n");
    }
    Telemetry t = read(PrometheusTextReader.lenient(), sb.toString().getBytes(StandardCharsets.UTF_8),
        new Telemetry(new MetricStore(3)));
    assertThat(t.metrics().seriesCount()).isEqualTo(3);
    assertThat(summary(t).samples()).isEqualTo(6);
    assertThat(summary(t).errors()).isNotEmpty();
  }

  @Test
  void familiesAreFoundFromDeclaredBaseNames() throws IOException {
    Telemetry t = lenient("# TYPE tok counter\n# UNIT tok tokens\ntok_total 3\n# TYPE g gauge\ng 1\n"
        + "tok_total 4\n# EOF\n");
    MetricSeries s = series(t, "tok_total");
    assertThat(s.family().name()).isEqualTo("tok");
    assertThat(s.size()).isEqualTo(2);
    assertThat(summary(t).notes()).anyMatch(n -> n.contains("appears again"));
    assertThat(summary(t).notes()).anyMatch(n -> n.contains("unit tokens"));
  }

  @Test
  void hostileLinesDoNotBreakTheReader() throws IOException {
    String deep = "a{" + "b=\"\\".repeat(50_000) + "\n";
    String many = "m{" + "l=\"v\",".repeat(100_000) + "} 1\n";
    Telemetry t = lenient(deep + many + "\u0000\u0001\n{}\n#\n# TYPE\n# HELP x\nok 1\n");
    assertThat(series(t, "ok").line()).isEqualTo(8);
    List<ReadError> errors = summary(t).errors();
    assertThat(errors).extracting(ReadError::line).contains(1L, 2L, 3L, 4L, 6L);
  }
}
