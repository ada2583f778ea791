package dev.traceguard.analyzers.io;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads one dump format into a {@link ReadContext}. Bad records are reported there and skipped;
 * an {@link IOException} means the input itself broke off (truncated compression, I/O error) and
 * ends the input, keeping what was read.
 */
public interface FormatReader {
  /**
   * Reads all of {@code in}.
   *
   * @param in the decompressed input, buffered, positioned at its first byte
   * @param ctx where records, errors and counts go
   */
  void read(InputStream in, ReadContext ctx) throws IOException;
}
