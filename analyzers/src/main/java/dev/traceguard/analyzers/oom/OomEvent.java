package dev.traceguard.analyzers.oom;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One out-of-memory event: a container kill, or an error message (repeats merged). */
final class OomEvent {
  final Owner owner;
  final Memory memory;
  final String container;
  /** When memory ran out: the last sample before the kill, or the first error message. */
  long time;
  long lastTime;
  final String kind;
  final OomMessage message;
  final String service;
  final List<Map<String, Object>> signals = new ArrayList<>();
  int occurrences = 1;

  OomEvent(Owner owner, Memory memory, String container, long time, String kind, OomMessage message, String service) {
    this.owner = owner;
    this.memory = memory;
    this.container = container;
    this.time = time;
    this.lastTime = time;
    this.kind = kind;
    this.message = message;
    this.service = service;
  }

  OomEvent signal(String name, Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("signal", name);
    for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
      if (keysAndValues[i + 1] != null) {
        m.put((String) keysAndValues[i], keysAndValues[i + 1]);
      }
    }
    signals.add(m);
    return this;
  }
}
