package dev.traceguard.analyzers.oom;

/** What a series means to the OOM analyzer. */
enum Role {
  /** Container working set: what the cgroup OOM killer and kubelet eviction look at. */
  CONTAINER_TOTAL,
  /** Container memory limit. */
  CONTAINER_LIMIT,
  /** Process resident set. */
  PROCESS_TOTAL,
  /** A JVM heap pool (used). */
  HEAP_POOL,
  /** The JVM heap as one series (used, all pools). */
  HEAP_AREA,
  /** Maximum of a heap pool, or of the heap. */
  HEAP_MAX,
  /** A JVM non-heap pool: Metaspace, code cache, compressed class space. */
  NONHEAP_POOL,
  /** The JVM non-heap area as one series. */
  NONHEAP_AREA,
  /** A JVM buffer pool: direct or mapped buffers. */
  BUFFER_POOL,
  /** GPU framebuffer memory in use. */
  GPU_TOTAL,
  /** GPU framebuffer memory free. */
  GPU_FREE,
  /** GPU framebuffer memory reserved by the driver. */
  GPU_RESERVED,
  /** GPU framebuffer size. */
  GPU_CAPACITY,
  /** KV cache usage (a share of the preallocated pool, or blocks/bytes in use). */
  KV_CACHE,
  /** Any other memory-like gauge of the same owner. */
  COMPONENT,
  /** Requests or tokens in flight, queue depth being excluded. */
  LOAD,
  /** A counter of requests or tokens (load as its rate; also tells whether requests flowed). */
  LOAD_COUNTER,
  /** Batch size or tokens in the current batch. */
  BATCH,
  /** Cumulative GC time (seconds). */
  GC_TIME,
  /** kube-state-metrics: reason of the last termination (label {@code reason}). */
  TERMINATED_REASON,
  /** kube-state-metrics: exit code of the last termination. */
  TERMINATED_EXITCODE,
  /** Container restart counter. */
  RESTARTS,
  /** cAdvisor: OOM events counter. */
  OOM_EVENTS
}
