package dev.traceguard.analyzers.oom;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Random;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/** The building blocks of the shape decision: when load rises, when a point is a spike, and leak vs load. */
class ShapeClassifierTest {
  static Timeline series(int n, IntToDoubleFunction f) {
    long[] t = new long[n];
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      t[i] = i * 15_000_000_000L;
      v[i] = f.applyAsDouble(i);
    }
    return new Timeline(t, v);
  }

  @Test
  void aRampRisesAndNoiseAroundAFlatLevelDoesNot() {
    Random r = new Random(11);
    assertThat(ShapeClassifier.rises(series(200, i -> 5 + i * 0.1 + r.nextGaussian()), 0.05)).isTrue();
    int falseRises = 0;
    for (int seed = 0; seed < 200; seed++) {
      Random x = new Random(seed);
      if (ShapeClassifier.rises(series(200, i -> 0.1 + 0.2 * x.nextDouble()), 0.05)) {
        falseRises++;
      }
    }
    // Mann–Kendall alone would call about 5% of these rising; the size of the rise must matter too.
    assertThat(falseRises).isLessThanOrEqualTo(2);
  }

  @Test
  void spikeIsTheLastPointStandingOut() {
    Random r = new Random(12);
    assertThat(ShapeClassifier.spiky(series(100, i -> i == 99 ? 30 : 10 + r.nextGaussian()))).isTrue();
    assertThat(ShapeClassifier.spiky(series(100, i -> 10 + r.nextGaussian()))).isFalse();
  }

  @Test
  void risingFloorIsALeakOnlyWhileLoadIsFlat() {
    Random r = new Random(13);
    Timeline memory = series(300, i -> 1e9 + i * 2e6 + (i % 10) * 2e7 + r.nextGaussian() * 1e6);
    Timeline flatLoad = series(300, i -> 20 + r.nextInt(4));
    Timeline risingLoad = series(300, i -> 5 + i * 0.1 + r.nextGaussian());
    ShapeClassifier flat = new ShapeClassifier(Map.of("load", flatLoad), Map.of(), 0.05);
    assertThat(flat.classify("mem", memory, 0, false, false, true).shape).isEqualTo(Shape.LEAK);
    ShapeClassifier rising = new ShapeClassifier(Map.of("load", risingLoad), Map.of(), 0.05);
    assertThat(rising.classify("mem", memory, 0, false, false, true).shape).isEqualTo(Shape.KV_CACHE_GROWTH);
    // a JVM pool following load is growth, never kv-cache-growth
    assertThat(rising.classify("mem", memory, 0, true, false, true).shape).isEqualTo(Shape.GROWTH);
  }
}
