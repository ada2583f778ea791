package dev.traceguard.commands.profile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a HotSpot performance data file ({@code /tmp/hsperfdata_USER/PID}), the memory-mapped
 * counters {@code jps} and {@code jstat} read. Needs no attach, so it works on JVMs that forbid
 * attaching or do not answer; it only reads the file.
 */
final class PerfData {
  private static final int MAGIC = 0xcafec0c0;
  private static final int MAX_SIZE = 8 << 20;

  private final Map<String, Object> entries;

  private PerfData(Map<String, Object> entries) {
    this.entries = entries;
  }

  /** The file of {@code pid} (seen through {@code /proc/PID/root} when it is in a container), or null. */
  static Path find(long pid, long nsPid) {
    for (Path tmp : new Path[] {Path.of("/proc", Long.toString(pid), "root", "tmp"), Path.of("/tmp")}) {
      String name = Long.toString(tmp.startsWith("/proc") ? nsPid : pid);
      // Filtered by hand: a glob filter compiles a regular expression, milliseconds of a cold start.
      try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp)) {
        for (Path d : dirs) {
          Path f = d.resolve(name);
          if (d.getFileName().toString().startsWith("hsperfdata_") && Files.isRegularFile(f)) {
            return f;
          }
        }
      } catch (IOException | SecurityException e) {
        // Not readable from here: try the next place.
      }
    }
    return null;
  }

  /** Reads {@code file}; null when it is not a performance data file. */
  static PerfData read(Path file) throws IOException {
    byte[] bytes;
    if (Files.size(file) > MAX_SIZE) {
      return null;
    }
    bytes = Files.readAllBytes(file);
    if (bytes.length < 32) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
    if (b.getInt(0) != MAGIC) {
      return null;
    }
    b.order(bytes[4] == 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    int used = Math.min(b.getInt(8), bytes.length);
    int offset = b.getInt(24);
    int count = b.getInt(28);
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < count && offset >= 32 && offset + 20 <= used; i++) {
      int length = b.getInt(offset);
      int nameOffset = b.getInt(offset + 4);
      int vectorLength = b.getInt(offset + 8);
      byte type = b.get(offset + 12);
      int dataOffset = b.getInt(offset + 16);
      if (length <= 0 || offset + length > used) {
        break;
      }
      String name = cString(bytes, offset + nameOffset, offset + length);
      int data = offset + dataOffset;
      if (vectorLength == 0 && type == 'J' && data + 8 <= offset + length) {
        m.put(name, b.getLong(data));
      } else if (vectorLength > 0 && type == 'B') {
        m.put(name, cString(bytes, data, Math.min(data + vectorLength, offset + length)));
      }
      offset += length;
    }
    return new PerfData(m);
  }

  private static String cString(byte[] bytes, int from, int limit) {
    int end = from;
    while (end < limit && end < bytes.length && bytes[end] != 0) {
      end++;
    }
    return from >= end ? "" : new String(bytes, from, end - from, StandardCharsets.UTF_8);
  }

  /** A string counter, or null. */
  String string(String name) {
    Object o = entries.get(name);
    return o instanceof String ? (String) o : null;
  }

  /** A long counter, or -1. */
  long number(String name) {
    Object o = entries.get(name);
    return o instanceof Long ? (Long) o : -1;
  }

  /** Heap used: the sum of every generation's spaces, bytes. */
  long heapUsed() {
    long sum = 0;
    boolean any = false;
    for (Map.Entry<String, Object> e : entries.entrySet()) {
      String k = e.getKey();
      if (k.startsWith("sun.gc.generation.") && k.endsWith(".used") && k.contains(".space.") && e.getValue() instanceof Long) {
        sum += (Long) e.getValue();
        any = true;
      }
    }
    return any ? sum : -1;
  }

  /** Heap maximum: the sum of the generations' maximum capacities, bytes. */
  long heapMax() {
    long young = number("sun.gc.generation.0.maxCapacity");
    long old = number("sun.gc.generation.1.maxCapacity");
    if (young < 0 || old < 0) {
      return Math.max(young, old);
    }
    // G1 (and ZGC, Shenandoah) report the whole heap for each generation; generational
    // collectors with fixed generations report their parts.
    if (Math.abs(young - old) < 64) {
      // G1 counts a few bytes of bookkeeping in each; the heap size itself is aligned to at least 64 KiB.
      return Math.min(young, old) & ~0xFFFFL;
    }
    return young + old;
  }

  /** Every counter, for tests and --verbose. */
  Map<String, Object> entries() {
    return entries;
  }
}
