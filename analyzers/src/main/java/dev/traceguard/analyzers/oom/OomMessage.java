package dev.traceguard.analyzers.oom;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An out-of-memory error recognised in a log record or span event: the JVM's {@code
 * OutOfMemoryError} detail messages, PyTorch's "CUDA out of memory" text and CUDA's {@code
 * cudaErrorMemoryAllocation}, with the numbers they carry.
 *
 * @param memory which memory ran out
 * @param kind the error's own words, e.g. {@code Direct buffer memory}, {@code CUDA out of memory}
 * @param limit the limit the message states (bytes), or NaN
 * @param requested bytes the failed allocation asked for, or NaN
 * @param reservedUnallocated GPU memory reserved by the allocator but not allocated (bytes), or NaN
 * @param text the message, cut to 300 characters
 */
record OomMessage(
    Memory memory, String kind, double limit, double requested, double reservedUnallocated, String text) {

  private static final Pattern DIRECT_LIMIT = Pattern.compile(
      "Cannot reserve (\\d+) bytes of direct buffer memory \\(allocated: (\\d+), limit: (\\d+)\\)");
  private static final String SIZE = "([0-9]+(?:\\.[0-9]+)?)\\s*([KMGT]i?B|bytes?)";
  private static final Pattern TRIED = Pattern.compile("Tried to allocate " + SIZE, Pattern.CASE_INSENSITIVE);
  private static final Pattern CAPACITY =
      Pattern.compile("total capacity of " + SIZE, Pattern.CASE_INSENSITIVE);
  private static final Pattern RESERVED_UNALLOCATED =
      Pattern.compile(SIZE + " is reserved by PyTorch but unallocated", Pattern.CASE_INSENSITIVE);

  /**
   * Recognises an out-of-memory error in an exception type and message, or a log body; null when
   * the text is not one.
   */
  static OomMessage parse(String type, String message) {
    String t = type == null ? "" : type;
    String m = message == null ? "" : message;
    String all = t + ": " + m;
    String lower = all.toLowerCase(Locale.ROOT);
    if (lower.contains("cuda out of memory") || lower.contains("cudaerrormemoryallocation")
        || t.endsWith("OutOfMemoryError") && t.startsWith("torch")
        || lower.contains("cuda_error_out_of_memory")) {
      return new OomMessage(Memory.GPU, lower.contains("cuda out of memory") ? "CUDA out of memory"
          : lower.contains("cudaerrormemoryallocation") ? "cudaErrorMemoryAllocation" : "CUDA_ERROR_OUT_OF_MEMORY",
          size(CAPACITY, all), size(TRIED, all), size(RESERVED_UNALLOCATED, all), cut(m.isEmpty() ? all : m));
    }
    if (lower.contains("no available memory for the cache blocks")) {
      // vLLM at start-up: weights and activations leave nothing for the KV cache.
      return new OomMessage(Memory.GPU, "No available memory for the cache blocks", Double.NaN, Double.NaN,
          Double.NaN, cut(m.isEmpty() ? all : m));
    }
    int at = errorAt(all);
    if (at < 0) {
      return null;
    }
    String detail = all.substring(at + "OutOfMemoryError".length()).replaceFirst("^[:\\s]+", "");
    String d = detail.toLowerCase(Locale.ROOT);
    double limit = Double.NaN;
    double requested = Double.NaN;
    Memory mem;
    String kind;
    if (d.startsWith("java heap space")) {
      mem = Memory.JVM_HEAP;
      kind = "Java heap space";
    } else if (d.startsWith("gc overhead limit exceeded")) {
      mem = Memory.JVM_HEAP;
      kind = "GC overhead limit exceeded";
    } else if (d.startsWith("requested array size exceeds vm limit")) {
      mem = Memory.JVM_HEAP;
      kind = "Requested array size exceeds VM limit";
    } else if (d.contains("direct buffer memory")) {
      mem = Memory.JVM_NATIVE;
      kind = "Direct buffer memory";
      Matcher dm = DIRECT_LIMIT.matcher(detail);
      if (dm.find()) {
        requested = Double.parseDouble(dm.group(1));
        limit = Double.parseDouble(dm.group(3));
      }
    } else if (d.startsWith("metaspace")) {
      mem = Memory.JVM_NATIVE;
      kind = "Metaspace";
    } else if (d.startsWith("compressed class space")) {
      mem = Memory.JVM_NATIVE;
      kind = "Compressed class space";
    } else if (d.contains("unable to create") && d.contains("native thread")) {
      mem = Memory.JVM_NATIVE;
      kind = "unable to create native thread";
    } else {
      mem = Memory.JVM_HEAP;
      kind = detail.isEmpty() ? "OutOfMemoryError" : cut(detail.split("\n", 2)[0]);
      if (!d.isEmpty() && !d.contains("heap")) {
        mem = Memory.JVM_NATIVE;
      }
    }
    return new OomMessage(mem, kind, limit, requested, Double.NaN, cut(m.isEmpty() ? all : m));
  }

  /**
   * Where the error's name starts, as a word of its own: {@code -XX:+HeapDumpOnOutOfMemoryError} in
   * a command line is not an error.
   */
  private static int errorAt(String s) {
    int from = 0;
    while (true) {
      int at = s.indexOf("OutOfMemoryError", from);
      if (at < 0) {
        return -1;
      }
      if (at == 0 || !Character.isLetterOrDigit(s.charAt(at - 1))) {
        return at;
      }
      from = at + 1;
    }
  }

  private static double size(Pattern p, String text) {
    Matcher m = p.matcher(text);
    if (!m.find()) {
      return Double.NaN;
    }
    double v = Double.parseDouble(m.group(1));
    String u = m.group(2).toUpperCase(Locale.ROOT);
    double f = u.startsWith("K") ? 1024.0 : u.startsWith("M") ? 1024.0 * 1024 : u.startsWith("G")
        ? 1024.0 * 1024 * 1024 : u.startsWith("T") ? 1024.0 * 1024 * 1024 * 1024 : 1;
    return v * f;
  }

  private static String cut(String s) {
    String one = s.strip();
    return one.length() <= 300 ? one : one.substring(0, 297) + "...";
  }
}
