import dev.traceguard.analyzers.AnalysisOptions;
import dev.traceguard.analyzers.FindingSink;
import dev.traceguard.analyzers.io.DumpReader;
import dev.traceguard.analyzers.model.Telemetry;
import dev.traceguard.analyzers.oom.OomAnalyzer;
import java.nio.file.Path;

/**
 * In one JVM: reads a dump, then runs the oom analyzer on it several times. Prints the read time,
 * the first (cold) analysis and the best warm one, and their ratios to the read time. Run with the
 * shaded jar on the class path: {@code java -cp cli/target/traceguard.jar bench/OomBench.java FILE [RUNS]}.
 */
public class OomBench {
  public static void main(String[] args) {
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Telemetry t = new Telemetry();
    long r0 = System.nanoTime();
    DumpReader.read(Path.of(args[0]), t);
    double readMs = (System.nanoTime() - r0) / 1e6;
    double cold = 0;
    double best = Double.MAX_VALUE;
    int findings = 0;
    for (int k = 0; k < runs; k++) {
      long a0 = System.nanoTime();
      FindingSink sink = new FindingSink(1000);
      new OomAnalyzer().analyze(t, AnalysisOptions.defaults(), sink);
      double ms = (System.nanoTime() - a0) / 1e6;
      findings = sink.findings().size();
      if (k == 0) {
        cold = ms;
      } else {
        best = Math.min(best, ms);
      }
    }
    System.out.printf("in-process: %d series, %d samples read in %.0f ms; oom cold %.0f ms (%.1f%% of reading),"
            + " warm best %.0f ms (%.1f%%); %d findings%n",
        t.metrics().seriesCount(), t.metrics().sampleCount(), readMs, cold, 100 * cold / readMs,
        runs > 1 ? best : cold, 100 * (runs > 1 ? best : cold) / readMs, findings);
  }
}
