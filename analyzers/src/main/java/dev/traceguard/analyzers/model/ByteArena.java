package dev.traceguard.analyzers.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Append-only storage for variable-length records in 256 KiB chunks (under half a G1 region even
 * in a small heap, so no chunk is a humongous object pinned in place). A record never crosses a
 * chunk; one larger than a chunk gets a chunk of its own. Addresses are {@code chunk << 32 | pos}.
 */
final class ByteArena {
  private static final int CHUNK = 1 << 18;

  private final List<byte[]> chunks = new ArrayList<>();
  private byte[] current;
  private int pos;
  private long bytes;

  long append(byte[] src, int len) {
    if (len > CHUNK) {
      byte[] own = new byte[len];
      System.arraycopy(src, 0, own, 0, len);
      chunks.add(own);
      bytes += len;
      return ((long) (chunks.size() - 1)) << 32;
    }
    if (current == null || pos + len > current.length) {
      current = new byte[CHUNK];
      chunks.add(current);
      pos = 0;
    }
    System.arraycopy(src, 0, current, pos, len);
    long addr = (((long) (chunks.size() - 1)) << 32) | pos;
    pos += len;
    bytes += len;
    return addr;
  }

  byte[] chunk(long addr) {
    return chunks.get((int) (addr >>> 32));
  }

  static int offset(long addr) {
    return (int) addr;
  }

  long bytesUsed() {
    return bytes;
  }
}
