package dev.traceguard.analyzers.replay;

import dev.traceguard.analyzers.model.InputSummary;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What a replay did: per signal, records read, sent, accepted, rejected (partial success) and
 * spilled; the inputs as read; and what was changed on purpose or could not be kept.
 *
 * @param counts per signal
 * @param inputs what was read from each input (format, read errors)
 * @param shiftNanos the offset added to every timestamp
 * @param notes changes made to records and other things to tell (redaction counts, stamped
 *     times, points that could not be converted, giving up on an unreachable receiver)
 * @param spill the spill file when one was written, else null
 * @param dryRun whether nothing was sent
 */
public record ReplaySummary(
    Map<Signal, Counts> counts,
    List<InputSummary> inputs,
    long shiftNanos,
    List<String> notes,
    Path spill,
    boolean dryRun) {

  /** Counts for one signal. */
  public static final class Counts {
    long read;
    long sent;
    long accepted;
    long rejected;
    long spilled;
    long dropped;
    long requests;
    long retries;
    long bytes;
    String lastError = "";

    /** Records read and prepared. */
    public long read() {
      return read;
    }

    /** Records sent at least once. */
    public long sent() {
      return sent;
    }

    /** Records the receiver accepted. */
    public long accepted() {
      return accepted;
    }

    /** Records the receiver rejected (partial success). */
    public long rejected() {
      return rejected;
    }

    /** Records written to the spill file. */
    public long spilled() {
      return spilled;
    }

    /** Records read that could not be put into OTLP (e.g. non-cumulative histogram buckets). */
    public long dropped() {
      return dropped;
    }

    /** Export requests (not counting retries). */
    public long requests() {
      return requests;
    }

    /** Retries. */
    public long retries() {
      return retries;
    }

    /** Encoded request bytes sent (protobuf, before compression), retries included. */
    public long bytes() {
      return bytes;
    }

    /** The last error or partial-success message, or empty. */
    public String lastError() {
      return lastError;
    }
  }

  /** A summary with copies of the given collections. */
  public ReplaySummary {
    counts = Collections.unmodifiableMap(new EnumMap<>(counts));
    inputs = List.copyOf(inputs);
    notes = List.copyOf(notes);
  }

  /** Whether every record read was accepted (a dry run delivers nothing and counts as delivered). */
  public boolean allDelivered() {
    for (Counts c : counts.values()) {
      if (c.rejected > 0 || c.spilled > 0 || c.dropped > 0 || (!dryRun && c.accepted + c.rejected + c.spilled + c.dropped < c.read)) {
        return false;
      }
    }
    return true;
  }

  /** Whether some input had records that could not be read. */
  public boolean anySkipped() {
    for (InputSummary s : inputs) {
      if (s.skipped() > 0) {
        return true;
      }
    }
    return false;
  }
}
