package dev.traceguard.analyzers.io.otlp;

import dev.traceguard.analyzers.SideBySide;
import dev.traceguard.analyzers.io.LineSource;
import dev.traceguard.analyzers.model.MutableSpan;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.SequenceInputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Parses JSON lines on worker threads while the reading thread splits the input into lines and
 * stores what the workers found, line by line in file order, so the model, the errors and the
 * notes are the same as from one thread. Bounded: at most {@value #MAX_BYTES_IN_FLIGHT} bytes of
 * lines wait or are parsed at once; a line longer than {@value #MAX_COPIED_LINE} bytes is parsed
 * as a stream on the reading thread, as are metrics and logs lines (their model is not
 * thread-safe).
 */
final class ParallelLines implements AutoCloseable {
  static final int MAX_COPIED_LINE = 16 << 20;
  static final long MAX_BYTES_IN_FLIGHT = 64L << 20;
  private static final AtomicInteger POOLS = new AtomicInteger();
  /** A recording keeps at most this many span copies for its next line. */
  private static final int MAX_KEPT_SPANS = 1 << 10;

  private final OtlpJsonReader owner;
  private final ExecutorService pool;
  private final ThreadLocal<OtlpJsonReader> workers = ThreadLocal.withInitial(OtlpJsonReader::forWorker);
  private final ThreadLocal<FastSpanLine> fast = ThreadLocal.withInitial(FastSpanLine::new);
  /**
   * Whether lines go to {@link FastSpanLine} first. On unless the system property {@value
   * #GENERAL_ONLY} is true (to compare the two readers).
   */
  private static final boolean FAST = !Boolean.getBoolean(ParallelLines.GENERAL_ONLY);
  /** The system property that sends every line to the general reader. */
  static final String GENERAL_ONLY = "traceguard.otlp.generalReaderOnly";
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private final int maxPending;
  private long bytesInFlight;
  /** Line buffers back from stored lines, for the next lines to be copied into. */
  private final ArrayDeque<byte[]> freeBuffers = new ArrayDeque<>();
  private long freeBytes;
  /** Recordings of stored lines, with their span copies, for the next lines. */
  private final ArrayDeque<Recording> freeRecordings = new ArrayDeque<>();

  /** A line handed to a worker. */
  private record Pending(long lineNumber, byte[] bytes, int length, Future<Recording> result) {}

  /** What a worker found in one line, in order. */
  private static final class Recording implements OtlpJsonReader.Sink {
    private final List<Object> events = new ArrayList<>();
    /** Span copies owned by this recording; the first {@code used} hold this line's spans. */
    private List<MutableSpan> spans = new ArrayList<>();
    private int used;
    private boolean needsReadingThread;
    /** Sum of the hashes, kept so computing them cannot be optimised away. */
    private int hashes;

    private record Error(long line, long column, String message) {}

    private record Note(int kind, String text) {}

    @Override
    public MutableSpan spanToFill(MutableSpan reusable) {
      if (used == spans.size()) {
        spans.add(new MutableSpan());
      }
      return spans.get(used);
    }

    @Override
    public void span(MutableSpan s) {
      if (used == spans.size()) {
        spans.add(new MutableSpan());
      }
      MutableSpan own = spans.get(used);
      if (own != s) {
        // Spans read before their resource come from the parser's own list: copy those.
        own.copyFrom(s);
      }
      used++;
      prehash(own);
      events.add(own);
    }

    @Override
    public void error(long line, long column, String message) {
      events.add(new Error(line, column, message));
    }

    @Override
    public void note(int kind, String text) {
      events.add(new Note(kind, text));
    }

    /**
     * Computes (and so caches in each string) the hashes the store's lookups need, here on the
     * worker rather than on the thread that stores.
     */
    private void prehash(MutableSpan s) {
      int h = s.name.hashCode() + s.scopeName.hashCode();
      for (int i = 0; i < s.attributes.size(); i++) {
        h += s.attributes.key(i).hashCode();
        h += s.attributes.value(i).hashCode();
      }
      hashes += h;
    }

    /**
     * Empties the recording for another line. Its span copies are cleared by the readers that fill
     * them (and a recording waiting for reuse keeps at most one line's values).
     */
    void reset() {
      events.clear();
      used = 0;
      needsReadingThread = false;
      if (spans.size() > MAX_KEPT_SPANS) {
        spans = new ArrayList<>();
      }
    }

    void replay(OtlpJsonReader.Sink to) {
      // Touch every span's index slot first: the misses overlap instead of coming one per span.
      long touched = 0;
      for (int i = 0; i < used; i++) {
        touched += to.prepare(spans.get(i));
      }
      hashes += (int) touched;
      for (Object e : events) {
        if (e instanceof MutableSpan) {
          to.span((MutableSpan) e);
        } else if (e instanceof Error) {
          Error r = (Error) e;
          to.error(r.line(), r.column(), r.message());
        } else {
          Note n = (Note) e;
          to.note(n.kind(), n.text());
        }
      }
    }
  }

  ParallelLines(OtlpJsonReader owner, int threads) {
    this.owner = owner;
    this.maxPending = threads * 4;
    int id = POOLS.incrementAndGet();
    AtomicInteger n = new AtomicInteger();
    this.pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "traceguard-json-" + id + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** Takes the current line of {@code src} (its log prefix already skipped). */
  void submit(LineSource src) throws IOException {
    long lineNumber = src.lineNumber();
    byte[] reuse = freeBuffers.poll();
    if (reuse != null) {
      freeBytes -= reuse.length;
    }
    LineSource.LineCopy copy = src.copyLine(reuse, MAX_COPIED_LINE);
    if (!copy.complete()) {
      finish();
      owner.readLineHere(lineNumber, new SequenceInputStream(
          new ByteArrayInputStream(copy.bytes(), 0, copy.length()), src.line()));
      return;
    }
    if (!spansFirst(copy.bytes(), copy.length())) {
      finish();
      owner.readLineHere(lineNumber, new ByteArrayInputStream(copy.bytes(), 0, copy.length()));
      return;
    }
    byte[] bytes = copy.bytes();
    int length = copy.length();
    Recording recording = freeRecordings.isEmpty() ? new Recording() : freeRecordings.pop();
    Future<Recording> f = pool.submit(() -> parse(lineNumber, bytes, length, recording));
    pending.add(new Pending(lineNumber, bytes, length, f));
    bytesInFlight += bytes.length;
    while (pending.size() > maxPending || bytesInFlight > MAX_BYTES_IN_FLIGHT) {
      storeOldest();
    }
  }

  /** Stores every line handed out so far. */
  void finish() throws IOException {
    while (!pending.isEmpty()) {
      storeOldest();
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }

  private Recording parse(long lineNumber, byte[] bytes, int length, Recording r) throws IOException {
    // Emptied here rather than when stored: the storing thread bounds the pace.
    r.reset();
    if (FAST) {
      if (fast.get().parse(lineNumber, bytes, length, r)) {
        return r;
      }
      r.reset();
    }
    try {
      workers.get().parseLine(lineNumber, bytes, length, r);
    } catch (OtlpJsonReader.NeedsReadingThread e) {
      r.needsReadingThread = true;
    }
    return r;
  }

  private void storeOldest() throws IOException {
    Pending p = pending.poll();
    bytesInFlight -= p.bytes().length;
    Recording r;
    try {
      r = p.result().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException) {
        throw (IOException) e.getCause();
      }
      throw SideBySide.unchecked(e);
    }
    if (r.needsReadingThread) {
      owner.readLineHere(p.lineNumber(), new ByteArrayInputStream(p.bytes(), 0, p.length()));
    } else {
      r.replay(owner.directSink());
    }
    freeRecordings.push(r);
    if (freeBytes + p.bytes().length <= MAX_BYTES_IN_FLIGHT / 2) {
      freeBytes += p.bytes().length;
      freeBuffers.push(p.bytes());
    }
  }

  /**
   * Whether a line is worth a worker: its first field is not a metrics or logs one. Lines that
   * turn out to hold metrics or logs later on are parsed again on the reading thread.
   */
  static boolean spansFirst(byte[] b, int length) {
    int i = 0;
    while (i < length && (b[i] == '{' || b[i] == '[' || b[i] == ' ' || b[i] == '\t' || b[i] == '\r')) {
      i++;
    }
    if (i >= length || b[i] != '"') {
      return true;
    }
    int end = Math.min(length, i + 24);
    String start = new String(b, i + 1, end - i - 1, java.nio.charset.StandardCharsets.ISO_8859_1);
    return !(start.startsWith("resourceMetrics") || start.startsWith("resource_metrics")
        || start.startsWith("resourceLogs") || start.startsWith("resource_logs"));
  }
}
