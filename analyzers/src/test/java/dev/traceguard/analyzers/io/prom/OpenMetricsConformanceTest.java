package dev.traceguard.analyzers.io.prom;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.traceguard.analyzers.io.ReadContext;
import dev.traceguard.analyzers.model.InputSummary;
import dev.traceguard.analyzers.model.MetricSeries;
import dev.traceguard.analyzers.model.ReadError;
import dev.traceguard.analyzers.model.Telemetry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The OpenMetrics parser suite (OpenObservability/OpenMetrics {@code tests/testdata/parsers}):
 * strict mode must accept exactly the cases that must parse and reject the others, and lenient
 * mode must read the same samples from the valid ones. The suite lives outside the project, at
 * {@code ../shared/conformance/openmetrics} from the project root, or where the system property
 * {@code traceguard.conformance} says.
 */
class OpenMetricsConformanceTest {
  private record Case(String name, Path file, boolean shouldParse) {}

  static Path suite() {
    String prop = System.getProperty("traceguard.conformance");
    if (prop != null && !prop.isBlank()) {
      Path p = Paths.get(prop);
      return Files.isDirectory(p.resolve("openmetrics")) ? p.resolve("openmetrics") : p;
    }
    // Surefire runs in the module directory; the project root is its parent.
    Path root = Paths.get("").toAbsolutePath().getParent();
    return root.resolve("../shared/conformance/openmetrics").normalize();
  }

  private static List<Case> cases() throws IOException {
    Path dir = suite();
    Path index = dir.resolve("parsers-index.json");
    Assumptions.assumeTrue(Files.isRegularFile(index), "OpenMetrics conformance suite not found at " + dir
        + "; set -Dtraceguard.conformance=DIR to point at it");
    List<Case> out = new ArrayList<>();
    try (JsonParser p = new JsonFactory().createParser(index.toFile())) {
      assertThat(p.nextToken()).isEqualTo(JsonToken.START_ARRAY);
      while (p.nextToken() == JsonToken.START_OBJECT) {
        String name = null;
        String file = "metrics";
        String type = "text";
        boolean shouldParse = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          p.nextToken();
          switch (field) {
            case "name" -> name = p.getText();
            case "file" -> file = p.getText();
            case "type" -> type = p.getText();
            case "shouldParse" -> shouldParse = p.getBooleanValue();
            default -> p.skipChildren();
          }
        }
        if (type.equals("text")) {
          out.add(new Case(name, dir.resolve("parsers").resolve(name).resolve(file), shouldParse));
        }
      }
    }
    return out;
  }

  private static byte[] bytes(Path file) throws IOException {
    byte[] b = Files.readAllBytes(file);
    if (file.toString().endsWith(".gz")) {
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(b))) {
        return in.readAllBytes();
      }
    }
    return b;
  }

  static Telemetry read(byte[] input, boolean strict) throws IOException {
    Telemetry t = new Telemetry();
    t.addInput("case");
    new PrometheusTextReader(strict).read(new ByteArrayInputStream(input), new ReadContext(t, 0));
    return t;
  }

  private static String errors(InputSummary s) {
    return s.errors().stream().map(e -> e.position() + ": " + e.message()).collect(Collectors.joining("; "));
  }

  @TestFactory
  List<DynamicTest> strictModeMatchesTheSuite() throws IOException {
    List<Case> cases = cases();
    AtomicInteger matched = new AtomicInteger();
    AtomicInteger valid = new AtomicInteger();
    List<String> failed = new ArrayList<>();
    List<DynamicTest> tests = new ArrayList<>();
    for (Case c : cases) {
      tests.add(DynamicTest.dynamicTest((c.shouldParse ? "parses " : "rejects ") + c.name, () -> {
        InputSummary s = read(bytes(c.file), true).inputs().get(0);
        boolean ok = c.shouldParse ? s.skipped() == 0 : s.skipped() > 0;
        if (ok) {
          matched.incrementAndGet();
        } else {
          failed.add(c.name);
        }
        if (c.shouldParse) {
          valid.incrementAndGet();
          assertThat(s.errors()).as("errors in %s: %s", c.name, errors(s)).isEmpty();
        } else {
          assertThat(s.skipped()).as("%s must be rejected", c.name).isPositive();
        }
      }));
    }
    tests.add(DynamicTest.dynamicTest("all cases match", () -> {
      System.out.printf("OpenMetrics conformance (strict): %d/%d cases match (%d must parse, %d must be"
          + " rejected); not matching: %s%n", matched.get(), cases.size(), valid.get(), cases.size() - valid.get(),
          failed);
      assertThat(cases).hasSize(211);
      assertThat(failed).isEmpty();
    }));
    return tests;
  }

  @TestFactory
  List<DynamicTest> lenientModeReadsTheSameSamples() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (Case c : cases()) {
      if (!c.shouldParse) {
        continue;
      }
      tests.add(DynamicTest.dynamicTest(c.name, () -> {
        byte[] b = bytes(c.file);
        Telemetry strict = read(b, true);
        Telemetry lenient = read(b, false);
        InputSummary s = lenient.inputs().get(0);
        assertThat(s.errors()).as(errors(s)).isEmpty();
        assertThat(s.format()).isEqualTo(strict.metrics().sampleCount() == 0 && !containsEof(b)
            ? "prometheus-text" : "openmetrics");
        assertThat(dump(lenient)).isEqualTo(dump(strict));
      }));
    }
    return tests;
  }

  private static boolean containsEof(byte[] b) {
    return new String(b, java.nio.charset.StandardCharsets.ISO_8859_1).contains("# EOF");
  }

  /** Every series with its family, type and points, as text, for comparing two reads. */
  static List<String> dump(Telemetry t) {
    List<String> out = new ArrayList<>();
    for (MetricSeries s : t.metrics().series()) {
      StringBuilder sb = new StringBuilder();
      sb.append(s.family().name()).append('/').append(s.family().type()).append(' ').append(s);
      for (int i = 0; i < s.size(); i++) {
        sb.append(' ').append(s.value(i)).append('@').append(s.time(i));
      }
      out.add(sb.toString());
    }
    return out;
  }

  static List<ReadError> errorsOf(Telemetry t) {
    return t.inputs().get(0).errors();
  }
}
