package dev.traceguard.commands.gpu;

import java.util.Locale;

/** Number formatting shared by the gpu commands. */
final class GpuText {
  private GpuText() {}

  /** Bytes as people read them: {@code 79.6 GiB}, {@code 512 MiB}. */
  static String bytes(long b) {
    if (b < 0) {
      return "n/a";
    }
    if (b >= (1L << 30)) {
      return String.format(Locale.ROOT, "%.1f GiB", b / (double) (1L << 30));
    }
    if (b >= (1L << 20)) {
      return String.format(Locale.ROOT, "%.0f MiB", b / (double) (1L << 20));
    }
    return b + " B";
  }

  /** A duration: {@code 1.25 s}, {@code 42.1 ms}, {@code 20.9 µs}, {@code 800 ns}. */
  static String nanos(double n) {
    double a = Math.abs(n);
    if (a >= 1e9) {
      return String.format(Locale.ROOT, "%.2f s", n / 1e9);
    }
    if (a >= 1e6) {
      return String.format(Locale.ROOT, "%.1f ms", n / 1e6);
    }
    if (a >= 1e3) {
      return String.format(Locale.ROOT, "%.1f µs", n / 1e3);
    }
    return String.format(Locale.ROOT, "%.0f ns", n);
  }

  /** Left-aligned columns of {@code widths}. */
  static String row(int[] widths, Object... cells) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      String c = String.valueOf(cells[i]);
      sb.append(c);
      if (i < cells.length - 1) {
        sb.append(" ".repeat(Math.max(1, widths[i] - c.length() + 2)));
      }
    }
    return sb.toString().stripTrailing();
  }
}
