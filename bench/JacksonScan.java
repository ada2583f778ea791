import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.FileInputStream;
import java.io.InputStream;

/**
 * The parse floor: a bare Jackson token scan of a JSON or JSON-lines file, with no model built.
 * An analysis of the same file cannot be faster than this.
 *
 * <pre>
 * java -cp cli/target/traceguard.jar bench/JacksonScan.java bench/out/dump.jsonl [runs]
 * </pre>
 *
 * JSON lines are a sequence of root values, which the parser reads one after another. Prints
 * the token count, bytes, wall time and throughput of each run; with more than one run the
 * later ones show the warmed-up JIT.
 */
public final class JacksonScan {
    private JacksonScan() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: JacksonScan FILE [runs]");
            System.exit(2);
        }
        String path = args[0];
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        JsonFactory factory = JsonFactory.builder().build();
        long bytes = new java.io.File(path).length();
        for (int run = 1; run <= runs; run++) {
            long t0 = System.nanoTime();
            long tokens = 0;
            long roots = 0;
            int depth = 0;
            try (InputStream in = new FileInputStream(path);
                    JsonParser p = factory.createParser(in)) {
                JsonToken t;
                while ((t = p.nextToken()) != null) {
                    tokens++;
                    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                        if (depth++ == 0) {
                            roots++;
                        }
                    } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                        depth--;
                    }
                }
            }
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("run %d: %d tokens, %d root values, %d bytes in %.2f s (%.0f MiB/s)%n",
                    run, tokens, roots, bytes, s, bytes / s / (1 << 20));
            System.out.printf("SCAN_SECONDS=%.3f%n", s);
        }
    }
}
