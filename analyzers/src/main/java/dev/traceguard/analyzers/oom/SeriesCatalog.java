package dev.traceguard.analyzers.oom;

import dev.traceguard.analyzers.model.Labels;
import dev.traceguard.analyzers.model.MetricSeries;
import dev.traceguard.analyzers.model.MetricType;
import dev.traceguard.analyzers.model.Resource;
import java.util.Locale;

/**
 * Names the role of a series from its name, labels and unit. Knows the names cAdvisor,
 * kube-state-metrics, Micrometer, the Prometheus Java client, OpenTelemetry JVM and container
 * semantic conventions, vLLM, TGI, Triton and the DCGM exporter use; any other gauge whose unit or
 * name says bytes or memory is a generic component.
 */
final class SeriesCatalog {
  private SeriesCatalog() {}

  /**
   * The role of a series and the factor that turns its values into bytes (or 1).
   *
   * @param role the role
   * @param scale multiply values by this (DCGM reports MiB)
   * @param bytes whether scaled values are bytes (KV usage shares and load are not)
   */
  record Kind(Role role, double scale, boolean bytes) {}

  private static final double MIB = 1024.0 * 1024.0;

  /** The kind of {@code s}, or null when the analyzer has no use for it. */
  static Kind classify(MetricSeries s) {
    String raw = s.name();
    String n = raw.toLowerCase(Locale.ROOT).replace('.', '_');
    Labels l = s.labels();
    switch (n) {
      case "container_memory_working_set_bytes":
      case "container_memory_working_set":
      case "k8s_container_memory_working_set":
        if (isPodSandbox(l)) {
          return null;
        }
        return bytes(Role.CONTAINER_TOTAL);
      case "kube_pod_container_resource_limits":
        return "memory".equals(l.get("resource")) ? bytes(Role.CONTAINER_LIMIT) : null;
      case "kube_pod_container_resource_limits_memory_bytes":
      case "container_spec_memory_limit_bytes":
      case "k8s_container_memory_limit":
        return isPodSandbox(l) ? null : bytes(Role.CONTAINER_LIMIT);
      case "process_resident_memory_bytes":
      case "process_memory_usage":
      case "process_memory_rss":
        return bytes(Role.PROCESS_TOTAL);
      case "kube_pod_container_status_last_terminated_reason":
        return plain(Role.TERMINATED_REASON);
      case "kube_pod_container_status_last_terminated_exitcode":
        return plain(Role.TERMINATED_EXITCODE);
      case "kube_pod_container_status_restarts_total":
      case "kube_pod_container_status_restarts":
      case "k8s_container_restarts":
        return plain(Role.RESTARTS);
      case "container_oom_events_total":
      case "container_oom_events":
        return plain(Role.OOM_EVENTS);
      case "dcgm_fi_dev_fb_used":
        return new Kind(Role.GPU_TOTAL, MIB, true);
      case "dcgm_fi_dev_fb_free":
        return new Kind(Role.GPU_FREE, MIB, true);
      case "dcgm_fi_dev_fb_reserved":
        return new Kind(Role.GPU_RESERVED, MIB, true);
      case "dcgm_fi_dev_fb_total":
        return new Kind(Role.GPU_CAPACITY, MIB, true);
      case "nv_gpu_memory_used_bytes":
        return bytes(Role.GPU_TOTAL);
      case "nv_gpu_memory_total_bytes":
        return bytes(Role.GPU_CAPACITY);
      case "vllm:num_requests_running":
      case "tgi_queue_size_running":
      case "nv_inference_pending_request_count":
      case "http_server_active_requests":
      case "http_server_requests_active_seconds_active_count":
        return plain(Role.LOAD);
      case "tgi_batch_current_size":
      case "tgi_batch_current_max_tokens":
        return plain(Role.BATCH);
      case "vllm:prompt_tokens_total":
      case "vllm:generation_tokens_total":
      case "vllm:iteration_tokens_total":
      case "vllm:request_success_total":
      case "nv_inference_request_success":
      case "nv_inference_count":
        return plain(Role.LOAD_COUNTER);
      case "jvm_gc_pause_seconds_sum":
      case "jvm_gc_collection_seconds_sum":
      case "jvm_gc_duration_sum":
        return plain(Role.GC_TIME);
      default:
        break;
    }
    if (n.contains("kv_cache") || n.contains("gpu_cache_usage") || n.contains("cpu_cache_usage")) {
      if (n.endsWith("_total") || n.endsWith("_bucket") || n.endsWith("_count") || n.endsWith("_sum")) {
        return null;
      }
      if (n.startsWith("nv_trt_llm_kv_cache_block_metrics") && !"used".equals(l.get("kv_cache_block_type"))) {
        return null;
      }
      return new Kind(Role.KV_CACHE, 1, n.endsWith("_bytes"));
    }
    Kind jvm = jvm(n, l);
    if (jvm != null) {
      return jvm;
    }
    if (isCounterLike(s, n)) {
      if (n.contains("request") && (n.endsWith("_total") || n.endsWith("_count"))
          && !n.contains("error") && !n.contains("fail")) {
        return plain(Role.LOAD_COUNTER);
      }
      return null;
    }
    if (n.contains("requests_running") || n.contains("in_flight") || n.contains("inflight")
        || n.contains("active_requests")) {
      return plain(Role.LOAD);
    }
    if (n.contains("batch_size") || n.contains("batch_current")) {
      return plain(Role.BATCH);
    }
    if (isMemoryGauge(s, n)) {
      return bytes(Role.COMPONENT);
    }
    return null;
  }

  private static Kind jvm(String n, Labels l) {
    boolean used = n.equals("jvm_memory_used_bytes") || n.equals("jvm_memory_used")
        || n.equals("jvm_memory_pool_used_bytes") || n.equals("jvm_memory_pool_bytes_used")
        || n.equals("jvm_memory_bytes_used") || n.equals("process_runtime_jvm_memory_usage");
    boolean max = n.equals("jvm_memory_max_bytes") || n.equals("jvm_memory_limit")
        || n.equals("jvm_memory_pool_max_bytes") || n.equals("jvm_memory_pool_bytes_max")
        || n.equals("jvm_memory_bytes_max") || n.equals("process_runtime_jvm_memory_limit");
    if (used || max) {
      String area = area(n, l);
      boolean pool = pool(l) != null;
      if (area == null) {
        return null;
      }
      boolean heap = area.equals("heap");
      if (max) {
        return heap ? bytes(Role.HEAP_MAX) : null;
      }
      if (heap) {
        return bytes(pool ? Role.HEAP_POOL : Role.HEAP_AREA);
      }
      return bytes(pool ? Role.NONHEAP_POOL : Role.NONHEAP_AREA);
    }
    if (n.equals("jvm_buffer_memory_used_bytes") || n.equals("jvm_buffer_pool_used_bytes")
        || n.equals("jvm_buffer_memory_used") || n.equals("jvm_buffer_memory_usage")
        || n.equals("process_runtime_jvm_buffer_usage")) {
      return bytes(Role.BUFFER_POOL);
    }
    if (n.startsWith("jvm_")) {
      // committed, init, capacity and counts are not what is used; GC and thread series are not memory.
      return null;
    }
    return null;
  }

  /** {@code heap}, {@code nonheap}, or null when the series does not say. */
  private static String area(String n, Labels l) {
    String a = first(l, "area", "jvm.memory.type", "type");
    if (a == null) {
      String p = pool(l);
      if (p == null) {
        return null;
      }
      return isHeapPoolName(p) ? "heap" : "nonheap";
    }
    a = a.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
    return a.equals("heap") ? "heap" : a.equals("nonheap") ? "nonheap" : null;
  }

  /** The pool or buffer name of a JVM series. */
  static String pool(Labels l) {
    return first(l, "id", "pool", "jvm.memory.pool.name", "jvm.buffer.pool.name", "pool_name");
  }

  private static boolean isHeapPoolName(String p) {
    String s = p.toLowerCase(Locale.ROOT);
    return s.contains("eden") || s.contains("survivor") || s.contains("old gen") || s.contains("tenured")
        || s.contains("old space") || s.contains("nursery") || s.contains("heap");
  }

  static String first(Labels l, String... names) {
    for (String n : names) {
      String v = l.get(n);
      if (v != null && !v.isEmpty()) {
        return v;
      }
    }
    return null;
  }

  /** cAdvisor reports the pod cgroup (no container) and the pause container besides each container. */
  private static boolean isPodSandbox(Labels l) {
    String c = l.get("container");
    if (c != null) {
      return c.isEmpty() || c.equals("POD");
    }
    String id = l.get("id");
    return l.get("pod") != null && id != null && id.startsWith("/kubepods");
  }

  private static boolean isCounterLike(MetricSeries s, String n) {
    MetricType t = s.family().type();
    if (t == MetricType.COUNTER || t == MetricType.HISTOGRAM || t == MetricType.SUMMARY
        || t == MetricType.GAUGE_HISTOGRAM) {
      return true;
    }
    return n.endsWith("_total") || n.endsWith("_bucket") || n.endsWith("_count") || n.endsWith("_sum")
        || n.endsWith("_created");
  }

  private static boolean isMemoryGauge(MetricSeries s, String n) {
    String unit = s.family().unit().toLowerCase(Locale.ROOT);
    boolean byUnit = unit.equals("by") || unit.equals("bytes") || unit.equals("byte");
    boolean byName = n.endsWith("_bytes") || n.contains("memory");
    if (!byUnit && !byName) {
      return false;
    }
    // Totals, limits, free space, virtual sizes, I/O and payload sizes are not memory in use.
    return !(n.contains("limit") || n.contains("_max") || n.contains("total") || n.contains("free")
        || n.contains("available") || n.contains("capacity") || n.contains("virtual")
        || n.contains("committed") || n.contains("_init") || n.contains("request_size")
        || n.contains("response_size") || n.contains("network") || n.contains("_fs_")
        || n.contains("disk") || n.contains("_io_") || n.contains("swap") || n.contains("cache_bytes")
        || n.contains("mapped_file") || n.contains("usage_bytes") || n.contains("failcnt")
        || n.contains("spec_") || n.contains("_received") || n.contains("_sent")
        || n.contains("container_memory_") || n.contains("node_memory") || n.contains("machine_memory")
        || n.contains("kube_") || n.contains("utilization") || n.contains("_perc")
        || n.contains("ratio"));
  }

  private static Kind bytes(Role r) {
    return new Kind(r, 1, true);
  }

  private static Kind plain(Role r) {
    return new Kind(r, 1, false);
  }

  /**
   * Who a series belongs to: {@code pod:ns/name}, {@code instance:host:port}, {@code
   * service:name/instance}, or empty when nothing says. A GPU series without owner labels is owned
   * by its host and GPU.
   */
  static String owner(Labels l, Resource r) {
    String pod = first(l, "pod", "exported_pod", "pod_name");
    String ns = first(l, "namespace", "exported_namespace");
    if (pod == null) {
      pod = r.attributes().getString("k8s.pod.name");
      if (ns == null) {
        ns = r.attributes().getString("k8s.namespace.name");
      }
    }
    if (pod != null && !pod.isEmpty()) {
      return "pod:" + (ns == null ? "" : ns) + "/" + pod;
    }
    String inst = l.get("instance");
    if (inst != null && !inst.isEmpty()) {
      return "instance:" + inst;
    }
    String svc = r.attributes().getString("service.name");
    if (svc != null && !svc.isEmpty()) {
      String id = r.attributes().getString("service.instance.id");
      if (id == null) {
        id = r.attributes().getString("host.name");
      }
      return "service:" + svc + (id == null ? "" : "/" + id);
    }
    String host = first(l, "Hostname", "hostname", "host");
    if (host != null) {
      return "host:" + host;
    }
    return "";
  }

  /** The container a series is about, or null for the whole owner. */
  static String container(Labels l, Resource r) {
    String c = first(l, "container", "exported_container", "container_name");
    if (c == null) {
      c = r.attributes().getString("k8s.container.name");
    }
    return c == null || c.isEmpty() || c.equals("POD") ? null : c;
  }

  /** The GPU a series is about (index or UUID), or null. */
  static String gpu(Labels l) {
    return first(l, "gpu", "UUID", "gpu_uuid", "device", "minor_number");
  }

  /** The service that produced a series: {@code job}/{@code service} label or resource. */
  static String service(Labels l, Resource r) {
    String s = r.attributes().getString("service.name");
    if (s != null && !s.isEmpty()) {
      return s;
    }
    return first(l, "service", "job", "app", "container");
  }
}
