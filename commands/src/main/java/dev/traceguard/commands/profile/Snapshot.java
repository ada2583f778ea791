package dev.traceguard.commands.profile;

import dev.traceguard.analyzers.model.Labels;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** One sample of a JVM: points taken at one time. */
final class Snapshot {
  /** One value: a metric name, its attributes, and whether it only grows (a counter). */
  record Point(String name, Labels labels, double value, boolean counter, String unit) {}

  private final long timeUnixNano;
  private final List<Point> points = new ArrayList<>();

  Snapshot(long timeUnixNano) {
    this.timeUnixNano = timeUnixNano;
  }

  long time() {
    return timeUnixNano;
  }

  void gauge(String name, double value, String unit, String... labels) {
    if (Double.isFinite(value)) {
      points.add(new Point(name, Labels.of(labels), value, false, unit));
    }
  }

  void counter(String name, double value, String unit, String... labels) {
    if (Double.isFinite(value)) {
      points.add(new Point(name, Labels.of(labels), value, true, unit));
    }
  }

  /** Adds every point of {@code other}. */
  void addAll(Snapshot other) {
    points.addAll(other.points);
  }

  List<Point> points() {
    return Collections.unmodifiableList(points);
  }

  /** Sum of every point named {@code name}; NaN when none. */
  double sum(String name) {
    double s = 0;
    boolean any = false;
    for (Point p : points) {
      if (p.name().equals(name)) {
        s += p.value();
        any = true;
      }
    }
    return any ? s : Double.NaN;
  }

  /** Value of the point named {@code name} whose attribute {@code key} is {@code value}; NaN when none. */
  double get(String name, String key, String value) {
    double s = 0;
    boolean any = false;
    for (Point p : points) {
      if (p.name().equals(name) && value.equals(p.labels().get(key))) {
        s += p.value();
        any = true;
      }
    }
    return any ? s : Double.NaN;
  }

  /** Points named {@code name}. */
  List<Point> named(String name) {
    List<Point> out = new ArrayList<>();
    for (Point p : points) {
      if (p.name().equals(name)) {
        out.add(p);
      }
    }
    return out;
  }
}
