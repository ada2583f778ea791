package dev.traceguard.analyzers.oom;

import dev.traceguard.analyzers.model.Labels;
import dev.traceguard.analyzers.model.Resource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One pod, process or service and the series that describe it. */
final class Owner {
  final String key;
  final Map<Role, List<Tracked>> byRole = new EnumMap<>(Role.class);
  final Set<String> services = new LinkedHashSet<>();
  final Set<String> instances = new LinkedHashSet<>();
  /** Labels that identify it, for a finding's subject. */
  final Map<String, Object> identity = new LinkedHashMap<>();
  String service;

  /** Scrape jobs that describe a pod from outside; they do not name its service. */
  private static final Set<String> INFRASTRUCTURE = Set.of("kubelet", "cadvisor", "kube-state-metrics",
      "kubernetes-cadvisor", "kubernetes-nodes", "dcgm-exporter", "node-exporter", "kubernetes-pods");

  Owner(String key) {
    this.key = key;
  }

  void add(Tracked t) {
    byRole.computeIfAbsent(t.role(), r -> new ArrayList<>()).add(t);
    Labels l = t.series.labels();
    Resource r = t.series.resource();
    String svc = SeriesCatalog.service(l, r);
    if (svc != null) {
      services.add(svc);
      if (service == null && !INFRASTRUCTURE.contains(svc)) {
        service = svc;
      }
    }
    String inst = l.get("instance");
    if (inst != null) {
      instances.add(inst);
    }
    String id = r.attributes().getString("service.instance.id");
    if (id != null) {
      instances.add(id);
    }
    if (identity.isEmpty()) {
      if (key.startsWith("pod:")) {
        put("namespace", SeriesCatalog.first(l, "namespace", "exported_namespace"),
            r.attributes().getString("k8s.namespace.name"));
        put("pod", SeriesCatalog.first(l, "pod", "exported_pod", "pod_name"), r.attributes().getString("k8s.pod.name"));
      } else if (key.startsWith("instance:")) {
        put("instance", l.get("instance"), null);
        put("job", l.get("job"), null);
      } else if (key.startsWith("service:")) {
        put("service.instance.id", id, r.attributes().getString("host.name"));
      } else if (key.startsWith("host:")) {
        put("Hostname", key.substring(5), null);
      }
    }
  }

  private void put(String k, String v, String fallback) {
    String x = v != null ? v : fallback;
    if (x != null && !x.isEmpty()) {
      identity.put(k, x);
    }
  }

  List<Tracked> get(Role r) {
    return byRole.getOrDefault(r, List.of());
  }

  /** Series of role {@code r} that apply to container {@code c}. */
  List<Tracked> get(Role r, String c) {
    List<Tracked> out = new ArrayList<>();
    for (Tracked t : get(r)) {
      if (t.appliesTo(c)) {
        out.add(t);
      }
    }
    return out;
  }

  boolean has(Role r) {
    return !get(r).isEmpty();
  }

  /** Whether it has JVM memory series. */
  boolean jvm() {
    return has(Role.HEAP_POOL) || has(Role.HEAP_AREA) || has(Role.BUFFER_POOL) || has(Role.NONHEAP_POOL);
  }

  /** Whether it has GPU memory series. */
  boolean gpu() {
    return has(Role.GPU_TOTAL);
  }

  /** First and last timestamps of any of its series, or null when none has a timed point. */
  long[] span() {
    long lo = Long.MAX_VALUE;
    long hi = Long.MIN_VALUE;
    for (List<Tracked> ts : byRole.values()) {
      for (Tracked t : ts) {
        Timeline tl = t.timeline();
        if (!tl.isEmpty()) {
          lo = Math.min(lo, tl.first());
          hi = Math.max(hi, tl.last());
        }
      }
    }
    return lo == Long.MAX_VALUE ? null : new long[] {lo, hi};
  }
}
