package dev.traceguard.analyzers.io.prom;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream at {@code \n} and keeps at most {@link #MAX_LINE} bytes of a line: the rest
 * of a longer line is read past, not buffered, so one hostile line cannot exhaust memory.
 */
final class LineReader {
  /** Lines longer than this are reported and skipped. */
  static final int MAX_LINE = 1 << 20;

  private final InputStream in;
  private final byte[] buf = new byte[1 << 16];
  private int pos;
  private int lim;
  private boolean eof;
  private final int maxLine;

  /** The current line's bytes, without the {@code \n}; valid up to {@link #length}. */
  byte[] line = new byte[512];
  /** Bytes of the current line kept in {@link #line}. */
  int length;
  /** True when the current line was longer than the limit; {@link #line} then holds its start. */
  boolean tooLong;
  /** True when the current line ended with {@code \n} (false only for a last line without one). */
  boolean terminated;
  /** 1-based number of the current line. */
  long number;

  LineReader(InputStream in) {
    this(in, MAX_LINE);
  }

  LineReader(InputStream in, int maxLine) {
    this.in = in;
    this.maxLine = maxLine;
  }

  /** Moves to the next line; false at the end of the input. */
  boolean next() throws IOException {
    length = 0;
    tooLong = false;
    terminated = false;
    boolean any = false;
    while (true) {
      if (pos == lim) {
        if (eof || !fill()) {
          if (any) {
            number++;
          }
          return any;
        }
      }
      any = true;
      int start = pos;
      int nl = -1;
      for (int i = pos; i < lim; i++) {
        if (buf[i] == '\n') {
          nl = i;
          break;
        }
      }
      int end = nl < 0 ? lim : nl;
      keep(start, end);
      if (nl >= 0) {
        pos = nl + 1;
        terminated = true;
        number++;
        return true;
      }
      pos = lim;
    }
  }

  private void keep(int start, int end) {
    int n = end - start;
    if (tooLong || n == 0) {
      return;
    }
    if (length + n > maxLine) {
      n = maxLine - length;
      tooLong = true;
    }
    if (length + n > line.length) {
      line = Arrays.copyOf(line, Math.min(maxLine, Math.max(line.length * 2, length + n)));
    }
    System.arraycopy(buf, start, line, length, n);
    length += n;
  }

  private boolean fill() throws IOException {
    int n = in.read(buf, 0, buf.length);
    while (n == 0) {
      n = in.read(buf, 0, buf.length);
    }
    if (n < 0) {
      eof = true;
      return false;
    }
    pos = 0;
    lim = n;
    return true;
  }
}
