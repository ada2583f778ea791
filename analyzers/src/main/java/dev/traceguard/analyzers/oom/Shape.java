package dev.traceguard.analyzers.oom;

/** The shape of a memory component's history, naming a cause. */
enum Shape {
  /** A step at start-up before requests flow: weights, CUDA context, preallocated pools. */
  MODEL_LOAD("model-load"),
  /** Follows requests or tokens in flight (rank correlation with load). */
  KV_CACHE_GROWTH("kv-cache-growth"),
  /** Peaks that line up with batch size, falling back between them. */
  BATCH_SPIKE("batch-spike"),
  /** Troughs rise with a significant monotone trend while load is flat. */
  LEAK("leak"),
  /** The heap at its maximum with GC time rising. */
  HEAP_EXHAUSTION("heap-exhaustion"),
  /** GPU memory reserved but unallocated is at least the failed request. */
  FRAGMENTATION("fragmentation"),
  /** Grew, but none of the shapes above fits. */
  GROWTH("growth"),
  /** Did not grow materially. */
  FLAT("flat"),
  /** Too few points after warm-up to tell. */
  INSUFFICIENT_DATA("insufficient-data");

  final String id;

  Shape(String id) {
    this.id = id;
  }

  /** Whether the shape names a cause. */
  boolean isCause() {
    return this != GROWTH && this != FLAT && this != INSUFFICIENT_DATA;
  }
}
