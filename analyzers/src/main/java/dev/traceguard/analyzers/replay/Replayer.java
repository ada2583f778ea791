package dev.traceguard.analyzers.replay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.Message;
import dev.traceguard.analyzers.io.DumpFormat;
import dev.traceguard.analyzers.io.DumpReader;
import dev.traceguard.analyzers.io.otlp.OtlpJsonWriter;
import dev.traceguard.analyzers.io.otlp.OtlpMessageReader;
import dev.traceguard.analyzers.io.otlp.OtlpRecords;
import dev.traceguard.analyzers.model.InputSummary;
import dev.traceguard.analyzers.model.MetricSeries;
import dev.traceguard.analyzers.model.Telemetry;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Sends dumps to an OTLP receiver again, record for record.
 *
 * <p>OTLP inputs are read as protobuf messages ({@link OtlpMessageReader}), never through the
 * model, so what arrives is what was captured: ids (invalid ones too), flags, trace state, kinds,
 * status, attribute values of every type, events, links, resources and scopes. The only changes
 * are the ones asked for: a time shift and redaction. Prometheus-shaped inputs are read into the
 * model and converted to OTLP metrics ({@link PromToOtlp}).
 *
 * <p>Records are batched per signal ({@link ReplayOptions#batchSize()}), so memory holds one
 * resource entry being read plus one batch per signal. A batch that fails with a retryable error
 * is sent again after an exponential backoff (or the delay the receiver asked for); a batch that
 * still fails is appended to the spill file as OTLP/JSON, which replay reads again. After three
 * batches in a row failed every retry the receiver is taken as gone: the rest is spilled without
 * further tries, so an unreachable receiver costs seconds, not hours.
 *
 * <pre>{@code
 * ExporterConfig cfg = ExporterConfig.resolve(System.getenv(), new ExporterConfig.Flags());
 * try (OtlpTransport t = Replayer.transport(cfg)) {
 *   ReplaySummary s = new Replayer(ReplayOptions.defaults(), t).replay(List.of("dump.jsonl"));
 * }
 * }</pre>
 */
public final class Replayer {
  private static final JsonFactory JSON = new JsonFactory();
  private static final int GIVE_UP_AFTER = 3;
  private static final long NONE = Long.MAX_VALUE;

  /** Waits; tests pass one that only records. */
  @FunctionalInterface
  public interface Sleeper {
    /** Sleeps for {@code d}. */
    void sleep(Duration d) throws InterruptedException;
  }

  /** Receives progress after every batch. */
  @FunctionalInterface
  public interface Listener {
    /**
     * Progress so far.
     *
     * @param records records sent (or prepared, in a dry run)
     * @param bytes encoded bytes sent
     * @param inputRead input bytes read (compressed, as on disk)
     * @param inputTotal input bytes in all (0 when unknown)
     */
    void progress(long records, long bytes, long inputRead, long inputTotal);
  }

  private final ReplayOptions options;
  private final OtlpTransport transport;
  private Clock clock = Clock.systemUTC();
  private Sleeper sleeper = d -> Thread.sleep(d.toMillis(), (int) (d.toNanos() % 1_000_000));
  private Listener listener = (a, b, c, d) -> {};
  private java.util.function.LongSupplier ticker = System::nanoTime;
  private final SplittableRandom jitter = new SplittableRandom(42);

  private final Map<Signal, ReplaySummary.Counts> counts = new EnumMap<>(Signal.class);
  private final Map<Signal, Batch> batches = new EnumMap<>(Signal.class);
  private final List<String> notes = new ArrayList<>();
  private RecordTransform transform;
  private long shiftNanos;
  private long speedT0 = NONE;
  private long speedWall0;
  private long rateWall0 = NONE;
  private long rateRecords;
  private long totalRecords;
  private long totalBytes;
  private volatile long inputDone;
  private volatile long inputCurrent;
  private final java.util.concurrent.ArrayBlockingQueue<Job> queue =
      new java.util.concurrent.ArrayBlockingQueue<>(2);
  private List<Thread> senders;
  private int parallel = 1;
  private final Object books = new Object();
  private volatile RuntimeException senderFailure;
  private long inputTotal;
  private int failedInARow;
  private boolean gaveUp;
  private long gaveUpBatches;
  private Writer spill;
  private Path spillPath;
  private long stamped;

  /**
   * A replayer.
   *
   * @param options how to replay
   * @param transport where to send; may be null for a dry run
   */
  public Replayer(ReplayOptions options, OtlpTransport transport) {
    this.options = options;
    this.transport = transport;
    for (Signal s : Signal.values()) {
      counts.put(s, new ReplaySummary.Counts());
      batches.put(s, new Batch(s));
    }
  }

  /** The transport for a configuration (gRPC or HTTP). */
  public static OtlpTransport transport(ExporterConfig config, String userAgent) {
    return GrpcTransport.create(config, userAgent);
  }

  /** Uses {@code c} for "now" (shift to now, stamping points without time). */
  public Replayer clock(Clock c) {
    this.clock = c;
    return this;
  }

  /** Uses {@code s} for every wait (backoff and pacing). */
  public Replayer sleeper(Sleeper s) {
    this.sleeper = s;
    return this;
  }

  /** Uses {@code t} as the monotonic nanosecond clock for pacing (tests pass a fake one). */
  public Replayer ticker(java.util.function.LongSupplier t) {
    this.ticker = t;
    return this;
  }

  /**
   * Sends up to {@code n} requests at a time (default 1), which hides the round trip to a distant
   * receiver; records may then arrive in a different order across requests.
   */
  public Replayer parallel(int n) {
    this.parallel = Math.max(1, n);
    return this;
  }

  /** Reports progress to {@code l}. */
  public Replayer listener(Listener l) {
    this.listener = l;
    return this;
  }

  /**
   * Replays the inputs in order ({@code -} is standard input).
   *
   * @throws IOException when the spill file cannot be written
   */
  public ReplaySummary replay(List<String> inputs) throws IOException {
    List<InputSummary> summaries = new ArrayList<>();
    for (String in : inputs) {
      if (!in.equals("-")) {
        try {
          inputTotal += Files.size(Path.of(in));
        } catch (IOException e) {
          // unreadable files are reported by the reader
        }
      }
    }
    shiftNanos = options.shift().toNanos();
    if (options.shiftToNow()) {
      shiftNanos = shiftToNow(inputs);
    }
    transform = new RecordTransform(shiftNanos, options.redactor());
    try {
      for (String in : inputs) {
        summaries.add(read(in, sink()));
        inputDone += inputCurrent;
        inputCurrent = 0;
      }
      for (Batch b : batches.values()) {
        flush(b);
      }
      finishSending();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } catch (Interrupted e) {
      notes.add("interrupted: the replay stopped before the end of the inputs");
    } finally {
      if (senders != null) {
        // Left early: stop the senders before closing the spill file they may be writing.
        for (Thread t : senders) {
          t.interrupt();
        }
        try {
          for (Thread t : senders) {
            t.join(10_000);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (spill != null) {
        spill.close();
      }
    }
    return new ReplaySummary(counts, summaries, shiftNanos, notes(), spillPath, options.dryRun());
  }

  private List<String> notes() {
    List<String> out = new ArrayList<>();
    if (shiftNanos != 0) {
      out.add("every timestamp shifted by " + Duration.ofNanos(shiftNanos));
    }
    if (!options.redactor().active()) {
      out.add("redaction off: content attributes were sent as they are");
    } else {
      out.add("redacted " + options.redactor().redacted() + " attribute values (keys: "
          + String.join(", ", options.redactor().keys()) + ")");
    }
    if (stamped > 0) {
      out.add(stamped + " metric points had no timestamp (plain scrape); sent with the replay time");
    }
    if (gaveUp) {
      out.add("the receiver failed " + GIVE_UP_AFTER + " batches in a row after every retry; the"
          + " other " + gaveUpBatches + " batches went to the spill file without being sent");
    }
    out.addAll(notes);
    return out;
  }

  private InputSummary read(String name, OtlpMessageReader.Sink sink) {
    Telemetry t = new Telemetry();
    DumpReader.ReaderChoice choice =
        f -> f == DumpFormat.OTLP_JSON ? OtlpMessageReader.json(sink)
            : f == DumpFormat.OTLP_PROTO ? OtlpMessageReader.protobuf(sink) : null;
    InputSummary s;
    if (name.equals("-")) {
      s = DumpReader.read("-", System.in, t, null, choice);
    } else {
      s = DumpReader.read(Path.of(name), t, b -> inputCurrent = b, choice);
    }
    if (t.metrics().seriesCount() > 0) {
      PromToOtlp conv = new PromToOtlp(clock.instant().toEpochMilli() * 1_000_000L - shiftNanos,
          options.batchSize(), rm -> sink.resourceMetrics(rm, 0));
      conv.convert(t.metrics());
      stamped += conv.stamped;
      if (conv.skipped > 0) {
        counts.get(Signal.METRICS).read += conv.skipped;
        counts.get(Signal.METRICS).dropped += conv.skipped;
        notes.add(name + ": " + conv.skipped + " histogram points not sent, e.g. "
            + String.join("; ", conv.skippedWhy));
      }
    }
    return s;
  }

  private OtlpMessageReader.Sink sink() {
    return new OtlpMessageReader.Sink() {
      @Override
      public void resourceSpans(ResourceSpans rs, long line) {
        add(Signal.TRACES, transform.apply(rs), OtlpRecords.count(rs), options.speed() > 0 ? range(rs)[0] : NONE);
      }

      @Override
      public void resourceMetrics(ResourceMetrics rm, long line) {
        add(Signal.METRICS, transform.apply(rm), OtlpRecords.count(rm), options.speed() > 0 ? range(rm)[0] : NONE);
      }

      @Override
      public void resourceLogs(ResourceLogs rl, long line) {
        add(Signal.LOGS, transform.apply(rl), OtlpRecords.count(rl), options.speed() > 0 ? range(rl)[0] : NONE);
      }
    };
  }

  // ---------------------------------------------------------------- shift to now

  private long shiftToNow(List<String> inputs) {
    long[] minMax = {NONE, Long.MIN_VALUE};
    OtlpMessageReader.Sink scan = new OtlpMessageReader.Sink() {
      @Override
      public void resourceSpans(ResourceSpans rs, long line) {
        widen(minMax, range(rs));
      }

      @Override
      public void resourceMetrics(ResourceMetrics rm, long line) {
        widen(minMax, range(rm));
      }

      @Override
      public void resourceLogs(ResourceLogs rl, long line) {
        widen(minMax, range(rl));
      }
    };
    for (String in : inputs) {
      if (in.equals("-")) {
        throw new IllegalArgumentException("--shift-to-now reads the inputs twice and cannot take"
            + " standard input; give a file, or --shift DURATION");
      }
      Telemetry t = new Telemetry();
      DumpReader.read(Path.of(in), t, null,
          f -> f == DumpFormat.OTLP_JSON ? OtlpMessageReader.json(scan)
              : f == DumpFormat.OTLP_PROTO ? OtlpMessageReader.protobuf(scan) : null);
      for (MetricSeries s : t.metrics().series()) {
        for (int i = 0; i < s.size(); i++) {
          if (s.time(i) != MetricSeries.NO_TIMESTAMP) {
            widen(minMax, new long[] {s.time(i), s.time(i)});
          }
        }
      }
    }
    if (minMax[0] == NONE) {
      return 0;
    }
    Instant now = clock.instant();
    long nowNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    return nowNanos - (options.speed() > 0 ? minMax[0] : minMax[1]);
  }

  private static void widen(long[] minMax, long[] r) {
    if (r[0] != NONE) {
      minMax[0] = Math.min(minMax[0], r[0]);
      minMax[1] = Math.max(minMax[1], r[1]);
    }
  }

  /** Earliest and latest non-zero time in an entry; {NONE, MIN} when it has none. */
  static long[] range(ResourceSpans rs) {
    long[] r = {NONE, Long.MIN_VALUE};
    for (ScopeSpans ss : rs.getScopeSpansList()) {
      for (Span s : ss.getSpansList()) {
        see(r, s.getStartTimeUnixNano());
        see(r, s.getEndTimeUnixNano());
      }
    }
    return r;
  }

  static long[] range(ResourceLogs rl) {
    long[] r = {NONE, Long.MIN_VALUE};
    for (ScopeLogs sl : rl.getScopeLogsList()) {
      for (LogRecord l : sl.getLogRecordsList()) {
        see(r, l.getTimeUnixNano() != 0 ? l.getTimeUnixNano() : l.getObservedTimeUnixNano());
      }
    }
    return r;
  }

  static long[] range(ResourceMetrics rm) {
    long[] r = {NONE, Long.MIN_VALUE};
    for (ScopeMetrics sm : rm.getScopeMetricsList()) {
      for (Metric m : sm.getMetricsList()) {
        switch (m.getDataCase()) {
          case GAUGE:
            for (NumberDataPoint p : m.getGauge().getDataPointsList()) {
              see(r, p.getTimeUnixNano());
            }
            break;
          case SUM:
            for (NumberDataPoint p : m.getSum().getDataPointsList()) {
              see(r, p.getTimeUnixNano());
            }
            break;
          case HISTOGRAM:
            for (HistogramDataPoint p : m.getHistogram().getDataPointsList()) {
              see(r, p.getTimeUnixNano());
            }
            break;
          case EXPONENTIAL_HISTOGRAM:
            for (ExponentialHistogramDataPoint p : m.getExponentialHistogram().getDataPointsList()) {
              see(r, p.getTimeUnixNano());
            }
            break;
          case SUMMARY:
            for (SummaryDataPoint p : m.getSummary().getDataPointsList()) {
              see(r, p.getTimeUnixNano());
            }
            break;
          default:
            break;
        }
      }
    }
    return r;
  }

  private static void see(long[] r, long t) {
    if (t != 0) {
      r[0] = Math.min(r[0], t);
      r[1] = Math.max(r[1], t);
    }
  }

  // ---------------------------------------------------------------- batching

  /** The records of one signal waiting to be sent. */
  private static final class Batch {
    final Signal signal;
    final List<Message> entries = new ArrayList<>();
    int records;
    long firstTime = NONE;

    Batch(Signal signal) {
      this.signal = signal;
    }
  }

  private int limit() {
    int n = Math.max(1, options.batchSize());
    if (options.rate() > 0) {
      // At most a tenth of a second's worth per request, so the rate stays smooth.
      n = (int) Math.max(1, Math.min(n, options.rate() / 10));
    }
    return n;
  }

  private void add(Signal signal, Message entry, int n, long time) {
    if (n == 0) {
      return;
    }
    counts.get(signal).read += n;
    int limit = limit();
    Batch b = batches.get(signal);
    if (options.speed() > 0 && b.records > 0 && time != NONE && b.firstTime != NONE
        && Math.abs(time - b.firstTime) > (long) (100_000_000L * options.speed())) {
      // Keep the rhythm: a batch covers at most 100 ms of replay time.
      flush(b);
    }
    if (n > limit && signal != Signal.METRICS) {
      for (Message piece : split(entry, limit)) {
        int k = signal == Signal.TRACES
            ? OtlpRecords.count((ResourceSpans) piece) : OtlpRecords.count((ResourceLogs) piece);
        append(b, piece, k, time, limit);
      }
      return;
    }
    append(b, entry, n, time, limit);
  }

  private void append(Batch b, Message entry, int n, long time, int limit) {
    if (b.records > 0 && b.records + n > limit) {
      flush(b);
    }
    b.entries.add(entry);
    b.records += n;
    if (time != NONE) {
      b.firstTime = Math.min(b.firstTime, time);
    }
    if (b.records >= limit) {
      flush(b);
    }
  }

  /** Splits a spans or logs entry into entries of at most {@code limit} records. */
  static List<Message> split(Message entry, int limit) {
    List<Message> out = new ArrayList<>();
    if (entry instanceof ResourceSpans) {
      ResourceSpans rs = (ResourceSpans) entry;
      ResourceSpans.Builder cur = rs.toBuilder().clearScopeSpans();
      int n = 0;
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        ScopeSpans.Builder piece = ss.toBuilder().clearSpans();
        for (Span s : ss.getSpansList()) {
          if (n == limit) {
            cur.addScopeSpans(piece);
            out.add(cur.build());
            cur = rs.toBuilder().clearScopeSpans();
            piece = ss.toBuilder().clearSpans();
            n = 0;
          }
          piece.addSpans(s);
          n++;
        }
        if (piece.getSpansCount() > 0) {
          cur.addScopeSpans(piece);
        }
      }
      if (n > 0) {
        out.add(cur.build());
      }
    } else {
      ResourceLogs rl = (ResourceLogs) entry;
      ResourceLogs.Builder cur = rl.toBuilder().clearScopeLogs();
      int n = 0;
      for (ScopeLogs sl : rl.getScopeLogsList()) {
        ScopeLogs.Builder piece = sl.toBuilder().clearLogRecords();
        for (LogRecord r : sl.getLogRecordsList()) {
          if (n == limit) {
            cur.addScopeLogs(piece);
            out.add(cur.build());
            cur = rl.toBuilder().clearScopeLogs();
            piece = sl.toBuilder().clearLogRecords();
            n = 0;
          }
          piece.addLogRecords(r);
          n++;
        }
        if (piece.getLogRecordsCount() > 0) {
          cur.addScopeLogs(piece);
        }
      }
      if (n > 0) {
        out.add(cur.build());
      }
    }
    return out;
  }

  static Message request(Signal signal, List<Message> entries) {
    switch (signal) {
      case TRACES: {
        ExportTraceServiceRequest.Builder b = ExportTraceServiceRequest.newBuilder();
        for (Message m : entries) {
          b.addResourceSpans((ResourceSpans) m);
        }
        return b.build();
      }
      case METRICS: {
        ExportMetricsServiceRequest.Builder b = ExportMetricsServiceRequest.newBuilder();
        for (Message m : entries) {
          b.addResourceMetrics((ResourceMetrics) m);
        }
        return b.build();
      }
      default: {
        ExportLogsServiceRequest.Builder b = ExportLogsServiceRequest.newBuilder();
        for (Message m : entries) {
          b.addResourceLogs((ResourceLogs) m);
        }
        return b.build();
      }
    }
  }

  // ---------------------------------------------------------------- sending

  /** Thrown through the reader when the thread is interrupted. */
  private static final class Interrupted extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Interrupted() {
      super(null, null, false, false);
    }
  }

  private void pause(Duration d) {
    if (d.isNegative() || d.isZero()) {
      return;
    }
    try {
      sleeper.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Interrupted();
    }
  }

  private void pace(long firstTime, int records) {
    long wait = 0;
    synchronized (books) {
      long now = ticker.getAsLong();
      if (options.speed() > 0 && firstTime != NONE) {
        if (speedT0 == NONE) {
          speedT0 = firstTime;
          speedWall0 = now;
        }
        wait = speedWall0 + (long) ((firstTime - speedT0) / options.speed()) - now;
      }
      if (options.rate() > 0) {
        if (rateWall0 == NONE) {
          rateWall0 = now;
        }
        wait = Math.max(wait, rateWall0 + (long) (rateRecords * 1e9 / options.rate()) - now);
        rateRecords += records;
      }
    }
    pause(Duration.ofNanos(wait));
  }

  /** One request ready to go: what the sender thread works on. */
  private record Job(Signal signal, Message request, int records, long firstTime) {}

  private static final Job END = new Job(Signal.TRACES, null, 0, NONE);

  /**
   * Hands a full batch to the sender thread, so reading and encoding the next batch overlap with
   * the network. The queue holds two requests: memory stays at a few batches.
   */
  private void flush(Batch b) {
    if (b.records == 0) {
      return;
    }
    Job job = new Job(b.signal, request(b.signal, b.entries), b.records, b.firstTime);
    b.entries.clear();
    b.records = 0;
    b.firstTime = NONE;
    if (senders == null) {
      senders = new ArrayList<>();
      for (int i = 0; i < parallel; i++) {
        Thread t = new Thread(this::sendLoop, "traceguard-replay-sender-" + i);
        t.setDaemon(true);
        t.start();
        senders.add(t);
      }
    }
    rethrowSenderFailure();
    try {
      queue.put(job);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Interrupted();
    }
  }

  private void rethrowSenderFailure() {
    RuntimeException f = senderFailure;
    if (f != null) {
      throw f;
    }
  }

  /** Waits until every handed batch is sent (or spilled). */
  private void finishSending() {
    if (senders == null) {
      return;
    }
    try {
      for (int i = 0; i < senders.size(); i++) {
        queue.put(END);
      }
      for (Thread t : senders) {
        t.join();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Interrupted();
    }
    senders = null;
    rethrowSenderFailure();
  }

  private void sendLoop() {
    while (true) {
      Job job;
      try {
        job = queue.take();
      } catch (InterruptedException e) {
        senderFailure = new Interrupted();
        return;
      }
      if (job == END) {
        return;
      }
      if (senderFailure != null) {
        // Keep taking jobs so the reader never blocks on a full queue; it stops at its next hand-over.
        continue;
      }
      try {
        send(job);
      } catch (RuntimeException e) {
        synchronized (books) {
          if (senderFailure == null) {
            senderFailure = e;
          }
        }
      }
    }
  }

  private void send(Job job) {
    Message req = job.request();
    int n = job.records();
    Signal signal = job.signal();
    ReplaySummary.Counts c = counts.get(signal);
    synchronized (books) {
      c.requests++;
      totalRecords += n;
      if (options.dryRun()) {
        c.bytes += req.getSerializedSize();
        totalBytes += req.getSerializedSize();
        listener.progress(totalRecords, totalBytes, inputDone + inputCurrent, inputTotal);
        return;
      }
      if (gaveUp) {
        gaveUpBatches++;
        spill(req, signal, n, c);
        return;
      }
    }
    pace(job.firstTime(), n);
    Duration backoff = options.initialBackoff();
    int tries = 0;
    synchronized (books) {
      c.sent += n;
    }
    while (true) {
      int size = req.getSerializedSize();
      ExportResult r = transport.export(signal, req);
      tries++;
      Duration delay = null;
      synchronized (books) {
        c.bytes += size;
        totalBytes += size;
        if (r.delivered()) {
          long rejected = Math.min(n, Math.max(0, r.rejected()));
          c.accepted += n - rejected;
          c.rejected += rejected;
          if (rejected > 0 || !r.message().isEmpty()) {
            c.lastError = "partial success: " + rejected + " rejected"
                + (r.message().isEmpty() ? "" : ": " + r.message());
          }
          failedInARow = 0;
          break;
        }
        c.lastError = r.message();
        if (r.retryable() && tries <= options.maxRetries() && !gaveUp) {
          if (r.retryAfter() != null) {
            delay = r.retryAfter().compareTo(options.maxRetryAfter()) > 0 ? null : r.retryAfter();
            if (delay == null) {
              c.lastError = r.message() + " (asked to wait " + r.retryAfter().toSeconds()
                  + " s, more than the " + options.maxRetryAfter().toSeconds() + " s allowed)";
            }
          } else {
            // Full backoff with ±20% jitter, so many replays do not retry in step.
            double f = 0.8 + 0.4 * jitter.nextDouble();
            delay = Duration.ofNanos((long) (backoff.toNanos() * f));
            long next = Math.min(options.maxBackoff().toNanos(), backoff.toNanos() * 2);
            backoff = Duration.ofNanos(next);
          }
        }
        if (delay == null) {
          spill(req, signal, n, c);
          if (r.retryable() && ++failedInARow >= GIVE_UP_AFTER) {
            gaveUp = true;
          }
          break;
        }
        c.retries++;
      }
      pause(delay);
    }
    synchronized (books) {
      listener.progress(totalRecords, totalBytes, inputDone + inputCurrent, inputTotal);
    }
  }

  private void spill(Message req, Signal signal, int n, ReplaySummary.Counts c) {
    c.spilled += n;
    if (options.spill() == null) {
      return;
    }
    try {
      if (spill == null) {
        spillPath = options.spill();
        spill = new BufferedWriter(new java.io.OutputStreamWriter(
            Files.newOutputStream(spillPath, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
            StandardCharsets.UTF_8), 1 << 16);
      }
      JsonGenerator g = JSON.createGenerator(spill);
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      OtlpJsonWriter.write(req, g);
      g.close();
      spill.write('\n');
      spill.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(
          new IOException("cannot write the spill file " + options.spill() + ": " + e.getMessage(), e));
    }
  }

}
