import dev.traceguard.analyzers.AnalysisOptions;
import dev.traceguard.analyzers.FindingSink;
import dev.traceguard.analyzers.io.DumpReader;
import dev.traceguard.analyzers.metrics.MetricsAnalyzer;
import dev.traceguard.analyzers.model.Telemetry;
import java.nio.file.Path;

/**
 * In-process timing for bench/metrics-bench.sh: reads the dumps given, then runs the metrics
 * analyzer three times, printing READ_SECONDS, ANALYZE_SECONDS (best run), the first (cold) run
 * and the heap in use.
 * Run as a single-file program: java -cp cli/target/traceguard.jar bench/MetricsTiming.java FILE...
 */
public final class MetricsTiming {
  public static void main(String[] args) {
    long t0 = System.nanoTime();
    Telemetry t = new Telemetry();
    for (String a : args) {
      DumpReader.read(Path.of(a), t);
    }
    long t1 = System.nanoTime();
    Runtime rt = Runtime.getRuntime();
    System.gc();
    long heapAfterRead = rt.totalMemory() - rt.freeMemory();
    long best = Long.MAX_VALUE;
    long first = 0;
    int findings = 0;
    for (int i = 0; i < 3; i++) {
      long s = System.nanoTime();
      FindingSink sink = new FindingSink(1000);
      new MetricsAnalyzer().analyze(t, AnalysisOptions.defaults(), sink);
      long d = System.nanoTime() - s;
      first = i == 0 ? d : first;
      best = Math.min(best, d);
      findings = sink.findings().size();
    }
    System.out.printf("SERIES=%d SAMPLES=%d SPANS=%d LOGS=%d FINDINGS=%d%n", t.metrics().seriesCount(),
        t.metrics().sampleCount(), t.spans().size(), t.logs().size(), findings);
    System.out.printf("READ_SECONDS=%.3f%nANALYZE_SECONDS=%.3f%nANALYZE_FIRST_RUN_SECONDS=%.3f%n"
        + "HEAP_AFTER_READ_MIB=%d%n", (t1 - t0) / 1e9, best / 1e9, first / 1e9, heapAfterRead >> 20);
  }
}
