package dev.traceguard.analyzers.model;

/**
 * Input that could not be read: where and why.
 *
 * @param line 1-based line, or 0 when the input has no lines (binary)
 * @param column 1-based column, or 0 when unknown
 * @param offset byte offset from the start of the (decompressed) input, or -1 when unknown
 * @param message what was wrong and what was expected
 */
public record ReadError(long line, long column, long offset, String message) {
  /** "line 17, column 812" or "byte offset 4096", for messages. */
  public String position() {
    if (line > 0) {
      return column > 0 ? "line " + line + ", column " + column : "line " + line;
    }
    return offset >= 0 ? "byte offset " + offset : "start of input";
  }

  /** Where, compiler style: "17:812", "17", "@4096" (byte offset), or "" when unknown. */
  public String where() {
    if (line > 0) {
      return column > 0 ? line + ":" + column : Long.toString(line);
    }
    return offset >= 0 ? "@" + offset : "";
  }
}
