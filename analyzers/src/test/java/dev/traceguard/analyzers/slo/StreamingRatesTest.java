package dev.traceguard.analyzers.slo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traceguard.analyzers.io.DumpReader;
import dev.traceguard.analyzers.model.Telemetry;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Rates computed while reading equal those computed from the points kept in memory. */
class StreamingRatesTest {
  @Test
  void streamingEqualsInMemory() {
    SloOptions o = SloOptions.defaults();
    Path history = Path.of("..", "testdata", "slo", "history.om.gz");
    Telemetry kept = new Telemetry();
    DumpReader.read(history, kept);
    SloBaseline.Outcome a = SloBaseline.run(OfflineRates.compute(kept, o).groups(), java.util.List.of(), o);

    Telemetry streamed = new Telemetry();
    StreamingRates s = new StreamingRates(o, streamed);
    streamed.metrics().pointSink(s);
    DumpReader.read(history, streamed);
    streamed.metrics().pointSink(null);
    assertThat(s.unsorted()).isFalse();
    // No points were kept.
    assertThat(streamed.metrics().series()).allMatch(x -> x.size() == 0);
    assertThat(streamed.metrics().sampleCount()).isEqualTo(kept.metrics().sampleCount());
    SloBaseline.Outcome b = SloBaseline.run(s.result().groups(), java.util.List.of(), o);

    assertThat(b.results()).hasSize(a.results().size()).hasSize(6);
    for (int i = 0; i < a.results().size(); i++) {
      SliResult x = a.results().get(i);
      SliResult y = b.results().get(i);
      assertThat(y.group()).isEqualTo(x.group());
      assertThat(y.baselines()).isEqualTo(x.baselines());
      assertThat(y.events()).isEqualTo(x.events());
      assertThat(y.objective().suggested()).isEqualTo(x.objective().suggested());
    }
  }

  @Test
  void interleavedSeriesAreFlagged() {
    String text = "a_total{x=\"1\"} 1 1000\na_total{x=\"2\"} 1 1000\na_total{x=\"1\"} 2 1060\n";
    Telemetry t = new Telemetry();
    StreamingRates s = new StreamingRates(SloOptions.defaults(), t);
    t.metrics().pointSink(s);
    DumpReader.read("x", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), t, null);
    assertThat(s.unsorted()).isTrue();
  }

  @Test
  void timestampsDecadesApartAreLeftOutNotAllocated() {
    // Two samples 50 years apart (OpenMetrics: seconds) would need millions of 5-minute steps.
    String text = "a_total{code=\"200\"} 1 1000\na_total{code=\"200\"} 2 1578000000\na_total{code=\"200\"} 3 1578000060\n"
        + "b_total{code=\"500\"} 1 1577999940\nb_total{code=\"500\"} 2 1578000000\n# EOF\n";
    Telemetry t = new Telemetry();
    DumpReader.read("x", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), t, null);
    SloOptions o = SloOptions.defaults();
    OfflineRates.Result r = OfflineRates.compute(t, o);
    assertThat(r.problems()).anySatisfy(p -> assertThat(p.message()).contains("left out").contains("steps"));
    SloBaseline.Outcome out = SloBaseline.run(r.groups(), r.problems(), o);
    assertThat(out.results()).extracting(x -> x.sli().metric()).containsExactly("b_total");
  }
}
