package dev.traceguard.analyzers.oom;

/** Which memory ran out. */
enum Memory {
  /** The container's cgroup limit (host RAM): the kernel OOM killer ended the process. */
  CONTAINER("container"),
  /** The JVM heap (-Xmx). */
  JVM_HEAP("jvm-heap"),
  /** JVM memory outside the heap: direct buffers, Metaspace, thread stacks. */
  JVM_NATIVE("jvm-native"),
  /** GPU device memory. */
  GPU("gpu");

  final String id;

  Memory(String id) {
    this.id = id;
  }
}
