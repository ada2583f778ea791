import dev.traceguard.analyzers.AnalysisOptions;
import dev.traceguard.analyzers.FindingSink;
import dev.traceguard.analyzers.drift.DriftAnalyzer;
import dev.traceguard.analyzers.io.DumpReader;
import dev.traceguard.analyzers.model.Telemetry;
import java.nio.file.Path;

/**
 * Times reading the inputs and then the drift analyzer alone, in one JVM, so the ratio does not
 * depend on JVM start-up or on load that differs between two processes.
 *
 *   java -cp cli/target/traceguard.jar bench/DriftTime.java DUMP [MORE...]
 *
 * Prints READ_SECONDS, DRIFT_SECONDS (best of 3 runs) and DRIFT_OVER_READ.
 */
public class DriftTime {
  public static void main(String[] args) {
    Telemetry t = new Telemetry();
    long t0 = System.nanoTime();
    for (String a : args) {
      DumpReader.read(Path.of(a), t);
    }
    double read = (System.nanoTime() - t0) / 1e9;
    double best = Double.MAX_VALUE;
    int findings = 0;
    for (int run = 0; run < 3; run++) {
      FindingSink sink = new FindingSink(1000);
      long s = System.nanoTime();
      new DriftAnalyzer().analyze(t, AnalysisOptions.defaults(), sink);
      best = Math.min(best, (System.nanoTime() - s) / 1e9);
      findings = sink.findings().size();
    }
    System.out.printf("spans %d, series %d, drift findings %d%n", t.spans().size(), t.metrics().seriesCount(), findings);
    System.out.printf("READ_SECONDS=%.2f%nDRIFT_SECONDS=%.2f%nDRIFT_OVER_READ=%.3f%n", read, best, best / read);
  }
}
