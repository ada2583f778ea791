package dev.traceguard.analyzers.metrics;

import java.util.Locale;

/**
 * The classes of errors an inference service has, which call for different fixes and must not be
 * counted together. The order is the order of precedence when a text matches several.
 */
public enum ErrorClass {
  /** The GPU ran out of memory: {@code CUDA out of memory}, {@code cudaErrorMemoryAllocation}. */
  CUDA_OOM("cuda-oom", "CUDA out of memory"),
  /** The JVM ran out of heap, metaspace, direct memory or threads. */
  JVM_OOM("jvm-oom", "JVM out of memory"),
  /** A deadline passed: timeouts, HTTP 408/504, gRPC DEADLINE_EXCEEDED. */
  TIMEOUT("timeout", "timeout"),
  /** A dependency failed or could not be reached: connection refused, HTTP 502/503, gRPC UNAVAILABLE. */
  UPSTREAM_FAILURE("upstream-failure", "upstream failure"),
  /** The caller sent something unusable: bad JSON, a prompt over the context length, HTTP 400/413/422. */
  INVALID_INPUT("invalid-input", "invalid input"),
  /** None of the above. */
  OTHER("other", "other");

  private static final String[] CUDA = {"cuda out of memory", "cudaerrormemoryallocation", "cuda error: out of memory",
    "cuda_error_out_of_memory", "cuda.outofmemoryerror", "torch.outofmemoryerror", "cublas_status_alloc_failed",
    "no available memory for the cache blocks", "out of memory on device", "gpu out of memory"};
  private static final String[] JVM = {"java.lang.outofmemoryerror", "outofmemoryerror", "java heap space",
    "gc overhead limit exceeded", "direct buffer memory", "unable to create native thread",
    "unable to create new native thread", "metaspace", "requested array size exceeds vm limit"};
  private static final String[] TIMEOUT_WORDS = {"timeout", "timed out", "deadline exceeded", "deadline_exceeded",
    "deadlineexceeded", "took too long"};
  private static final String[] UPSTREAM = {"connection refused", "connectexception", "connect exception",
    "econnrefused", "connection reset", "econnreset", "broken pipe", "unknownhostexception", "no route to host",
    "service unavailable", "bad gateway", "upstream", "unavailable", "circuit breaker", "callnotpermitted",
    "remote end closed", "closedchannelexception", "prematurecloseexception", "http 502", "http 503",
    "httpservererrorexception", "internal server error"};
  private static final String[] INVALID = {"invalid input", "invalid json", "invalid request", "invalid argument",
    "invalid_argument", "invalid_request", "illegalargumentexception", "jsonparseexception", "json parse",
    "jsonprocessingexception", "mismatchedinputexception", "jsondecodeerror", "malformed", "bad request",
    "badrequest", "validation", "constraintviolation", "unprocessable", "contextlength", "context_length",
    "context length", "model limit", "maximum context", "too many tokens", "prompt is too long",
    "numberformatexception", "unsupported media type", "payload too large", "httpclienterrorexception"};

  private final String id;
  private final String label;

  ErrorClass(String id, String label) {
    this.id = id;
    this.label = label;
  }

  /** The id used in evidence, e.g. {@code cuda-oom}. */
  public String id() {
    return id;
  }

  /** Words for a sentence, e.g. {@code CUDA out of memory}. */
  public String label() {
    return label;
  }

  /**
   * Classifies an error from its texts (error.type, exception type and message, status message,
   * log body; any may be null) and, when they say nothing, its HTTP and gRPC status codes.
   *
   * @param client whether the failing operation was a call out (a CLIENT span): a 500 answer is
   *     then an upstream failure
   */
  public static ErrorClass classify(String text, long httpStatus, long grpcStatus, boolean client) {
    String t = text == null ? "" : text.toLowerCase(Locale.ROOT);
    if (contains(t, CUDA)) {
      return CUDA_OOM;
    }
    if (contains(t, JVM)) {
      return JVM_OOM;
    }
    if (contains(t, TIMEOUT_WORDS)) {
      return TIMEOUT;
    }
    if (contains(t, INVALID)) {
      return INVALID_INPUT;
    }
    if (contains(t, UPSTREAM)) {
      return UPSTREAM_FAILURE;
    }
    if (httpStatus == 408 || httpStatus == 504 || grpcStatus == 4) {
      return TIMEOUT;
    }
    if (httpStatus == 502 || httpStatus == 503 || grpcStatus == 14 || (client && httpStatus >= 500)) {
      return UPSTREAM_FAILURE;
    }
    if (httpStatus == 400 || httpStatus == 413 || httpStatus == 415 || httpStatus == 422 || grpcStatus == 3) {
      return INVALID_INPUT;
    }
    return OTHER;
  }

  private static boolean contains(String t, String[] words) {
    for (String w : words) {
      if (t.contains(w)) {
        return true;
      }
    }
    return false;
  }
}
