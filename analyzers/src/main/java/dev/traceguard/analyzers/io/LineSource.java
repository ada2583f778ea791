package dev.traceguard.analyzers.io;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Splits an input into lines without ever holding a whole line: {@link #line()} is a stream over
 * the current line only, so a parser can stream through a 500 MB line and the rest of a bad line
 * is skipped, not buffered.
 */
public final class LineSource {
  private final InputStream in;
  private final byte[] buf = new byte[1 << 16];
  private int pos;
  private int lim;
  private boolean eof;
  private boolean inLine;
  private boolean lineEnded;
  private long lineNumber;
  private long consumed;

  private final InputStream lineStream =
      new InputStream() {
        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          int n = read(one, 0, 1);
          return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          if (lineEnded || len == 0) {
            return lineEnded ? -1 : 0;
          }
          if (pos == lim && !fill()) {
            lineEnded = true;
            return -1;
          }
          int n = Math.min(len, lim - pos);
          int nl = indexOfNewline(buf, pos, pos + n);
          if (nl >= 0) {
            int i = nl - pos;
            System.arraycopy(buf, pos, b, off, i);
            pos += i + 1;
            consumed += i + 1;
            lineEnded = true;
            return i == 0 ? -1 : i;
          }
          System.arraycopy(buf, pos, b, off, n);
          pos += n;
          consumed += n;
          return n;
        }
      };

  private final InputStream rest =
      new InputStream() {
        @Override
        public int read() throws IOException {
          if (pos == lim && !fill()) {
            return -1;
          }
          consumed++;
          return buf[pos++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          if (len == 0) {
            return 0;
          }
          if (pos == lim && !fill()) {
            return -1;
          }
          int n = Math.min(len, lim - pos);
          System.arraycopy(buf, pos, b, off, n);
          pos += n;
          consumed += n;
          return n;
        }
      };

  public LineSource(InputStream in) {
    this.in = in;
  }

  private boolean fill() throws IOException {
    if (eof) {
      return false;
    }
    int n = in.read(buf, 0, buf.length);
    if (n <= 0) {
      eof = true;
      return false;
    }
    pos = 0;
    lim = n;
    return true;
  }

  /**
   * Moves to the next line, skipping whatever is left of the current one.
   *
   * @return false at the end of the input
   */
  public boolean next() throws IOException {
    if (inLine && !lineEnded) {
      skipRestOfLine();
    }
    if (pos == lim && !fill()) {
      return false;
    }
    inLine = true;
    lineEnded = false;
    lineNumber++;
    return true;
  }

  private void skipRestOfLine() throws IOException {
    while (true) {
      if (pos == lim && !fill()) {
        lineEnded = true;
        return;
      }
      int i = indexOfNewline(buf, pos, lim);
      if (i >= 0) {
        consumed += i + 1 - pos;
        pos = i + 1;
        lineEnded = true;
        return;
      }
      consumed += lim - pos;
      pos = lim;
    }
  }

  /**
   * Skips blanks at the start of the current line and returns the first other byte without
   * consuming it, or -1 when the line has nothing else.
   */
  public int peekNonBlank() throws IOException {
    while (!lineEnded) {
      if (pos == lim && !fill()) {
        lineEnded = true;
        return -1;
      }
      byte c = buf[pos];
      if (c == '\n') {
        pos++;
        consumed++;
        lineEnded = true;
        return -1;
      }
      if (c == ' ' || c == '\t' || c == '\r') {
        pos++;
        consumed++;
        continue;
      }
      return c & 0xff;
    }
    return -1;
  }

  /**
   * Skips a log prefix: everything before the first {@code {} of the current line.
   *
   * @return false when the line holds no {@code {}
   */
  public boolean skipTo(byte target) throws IOException {
    while (!lineEnded) {
      if (pos == lim && !fill()) {
        lineEnded = true;
        return false;
      }
      byte c = buf[pos];
      if (c == target) {
        return true;
      }
      pos++;
      consumed++;
      if (c == '\n') {
        lineEnded = true;
      }
    }
    return false;
  }

  /**
   * Whether the current line opens a multi-line JSON document: its last non-blank byte is not a
   * closing brace or bracket, as in a pretty-printed file's first line "{" or {@code
   * {"resourceSpans": [}. A JSON line ends with its closing brace. Looks ahead at most one buffer;
   * a longer line counts as a JSON line.
   */
  public boolean lineOpensDocument() throws IOException {
    int nl = findNewline();
    while (nl < 0 && !eof && (pos > 0 || lim < buf.length)) {
      System.arraycopy(buf, pos, buf, 0, lim - pos);
      lim -= pos;
      pos = 0;
      int n = in.read(buf, lim, buf.length - lim);
      if (n <= 0) {
        eof = true;
        break;
      }
      lim += n;
      nl = findNewline();
    }
    if (nl < 0 && !eof) {
      return false;
    }
    int end = nl < 0 ? lim : nl;
    for (int i = end - 1; i >= pos; i--) {
      byte c = buf[i];
      if (c != ' ' && c != '\t' && c != '\r') {
        return c != '}' && c != ']';
      }
    }
    return false;
  }

  private int findNewline() {
    for (int i = pos; i < lim; i++) {
      if (buf[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /**
   * Copies the rest of the current line (without its newline) into {@code into} (null: a new
   * array), growing it up to {@code max} bytes.
   *
   * @return the copy; when the line is longer than {@code max}, {@link LineCopy#complete} is false
   *     and the line is not ended, so its rest can still be read from {@link #line()}
   */
  public LineCopy copyLine(byte[] into, int max) throws IOException {
    byte[] out = into != null ? into : new byte[Math.min(1 << 16, max)];
    int n = 0;
    while (!lineEnded) {
      if (pos == lim && !fill()) {
        lineEnded = true;
        break;
      }
      int nl = indexOfNewline(buf, pos, lim);
      int end = nl < 0 ? lim : nl;
      int take = end - pos;
      if (n + take > max) {
        take = max - n;
        out = grow(out, n, n + take);
        System.arraycopy(buf, pos, out, n, take);
        pos += take;
        consumed += take;
        return new LineCopy(out, n + take, false);
      }
      if (n + take > out.length) {
        out = grow(out, n, Math.min(max, Math.max(n + take, out.length * 2)));
      }
      System.arraycopy(buf, pos, out, n, take);
      n += take;
      pos += take;
      consumed += take;
      if (end < lim) {
        pos++;
        consumed++;
        lineEnded = true;
      }
    }
    return new LineCopy(out, n, true);
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final long NEWLINES = ONES * '\n';

  /** Index of the first {@code '\n'} in {@code b[from, to)}, or -1; looks at 8 bytes a step. */
  static int indexOfNewline(byte[] b, int from, int to) {
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long x = (long) LONGS.get(b, i) ^ NEWLINES;
      long zero = (x - ONES) & ~x & HIGHS;
      if (zero != 0) {
        return i + (Long.numberOfTrailingZeros(zero) >>> 3);
      }
    }
    for (; i < to; i++) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static byte[] grow(byte[] b, int used, int size) {
    if (size <= b.length) {
      return b;
    }
    byte[] g = new byte[size];
    System.arraycopy(b, 0, g, 0, used);
    return g;
  }

  /**
   * A line's bytes from {@link #copyLine}.
   *
   * @param bytes the array; holds the line from index 0
   * @param length the number of bytes of the line in {@code bytes}
   * @param complete false when the line went on past the copy's limit
   */
  public record LineCopy(byte[] bytes, int length, boolean complete) {}

  /** The current line, up to (not including) its newline. */
  public InputStream line() {
    return lineStream;
  }

  /** Everything from the current position to the end of the input, across lines. */
  public InputStream rest() {
    lineEnded = true;
    return rest;
  }

  /** 1-based number of the current line. */
  public long lineNumber() {
    return lineNumber;
  }

  /** Bytes consumed so far. */
  public long consumed() {
    return consumed;
  }
}
