package dev.traceguard.analyzers.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LineSourceTest {
  @Test
  void newlineSearchFindsTheFirstNewlineAtEveryOffsetAndAlignment() {
    Random r = new Random(7);
    for (int round = 0; round < 20_000; round++) {
      byte[] b = new byte[1 + r.nextInt(40)];
      for (int i = 0; i < b.length; i++) {
        // Bytes just around '\n' (9, 11) and high bytes test the borrow of the word-wide search.
        int pick = r.nextInt(6);
        b[i] = (byte) (pick == 0 ? '\n' : pick == 1 ? 9 : pick == 2 ? 11 : pick == 3 ? 0x8a : r.nextInt(256));
        if (b[i] == '\n' && r.nextInt(3) > 0) {
          b[i] = 'x';
        }
      }
      int from = r.nextInt(b.length);
      int to = from + r.nextInt(b.length - from + 1);
      int expected = -1;
      for (int i = from; i < to; i++) {
        if (b[i] == '\n') {
          expected = i;
          break;
        }
      }
      assertThat(LineSource.indexOfNewline(b, from, to)).isEqualTo(expected);
    }
  }

  @Test
  void copyLineCopiesWholeLinesAndStopsAtTheLimit() throws IOException {
    String text = "first line\n" + "y".repeat(200_000) + "\n\nlast";
    LineSource src = new LineSource(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    assertThat(src.next()).isTrue();
    LineSource.LineCopy a = src.copyLine(null, 1 << 20);
    assertThat(new String(a.bytes(), 0, a.length(), StandardCharsets.UTF_8)).isEqualTo("first line");
    assertThat(a.complete()).isTrue();
    assertThat(src.next()).isTrue();
    LineSource.LineCopy b = src.copyLine(a.bytes(), 150_000);
    assertThat(b.complete()).isFalse();
    assertThat(b.length()).isEqualTo(150_000);
    assertThat(src.line().readAllBytes()).hasSize(50_000);
    assertThat(src.next()).isTrue();
    assertThat(src.copyLine(null, 100).length()).isZero();
    assertThat(src.next()).isTrue();
    LineSource.LineCopy d = src.copyLine(null, 100);
    assertThat(new String(d.bytes(), 0, d.length(), StandardCharsets.UTF_8)).isEqualTo("last");
    assertThat(src.lineNumber()).isEqualTo(4);
    assertThat(src.consumed()).isEqualTo(text.length());
    assertThat(src.next()).isFalse();
  }
}
