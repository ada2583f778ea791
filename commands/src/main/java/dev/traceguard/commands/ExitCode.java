package dev.traceguard.commands;

/** Exit codes of traceguard commands; listed in every command's help. */
public enum ExitCode {
  /** No finding at or above --fail-on, and every input was read whole. */
  OK(0, "no finding at or above --fail-on; every input read whole"),
  /** Findings at or above --fail-on. */
  FINDINGS(1, "findings at or above --fail-on"),
  /** Usage error, or no input could be read at all. */
  USAGE(2, "usage error, or no input readable at all"),
  /** Some records could not be read (and no finding at or above --fail-on). */
  PARTIAL(3, "input partly unreadable: records skipped (see inputs[].errors)"),
  /** replay: some records read were not delivered (rejected, spilled or not convertible). */
  NOT_DELIVERED(4, "replay: not everything read was delivered (rejected or spilled)"),
  /** slo: the Prometheus server was unreachable, too slow, answered an HTTP error or malformed JSON. */
  PROMETHEUS(5, "slo: Prometheus unreachable, timed out, answered an HTTP error or malformed JSON"),
  /** profile/ps: no process has that pid. */
  NO_SUCH_PROCESS(10, "profile: no process has that pid"),
  /** profile: the process is not a JVM. */
  NOT_A_JVM(11, "profile: the process is not a JVM"),
  /** profile: the JVM forbids attaching (-XX:+DisableAttachMechanism). */
  ATTACH_DISABLED(12, "profile: the JVM forbids attaching (-XX:+DisableAttachMechanism)"),
  /** profile: the JVM belongs to another user. */
  OTHER_USER(13, "profile: the JVM belongs to another user (run as that user)"),
  /** profile: the JVM's attach socket was deleted. */
  ATTACH_SOCKET_MISSING(14, "profile: the JVM's attach socket file was deleted (tmp cleaner)"),
  /** profile: the JVM is in another container (network namespace). */
  OTHER_NAMESPACE(15, "profile: the JVM runs in another container (network namespace)"),
  /** profile: the JVM's version does not speak our attach protocol. */
  VERSION_MISMATCH(16, "profile: the JVM's version does not speak this attach protocol"),
  /** profile: the JVM exited while being profiled; what was collected was written. */
  TARGET_EXITED(17, "profile: the JVM exited while being profiled (what was collected is written)"),
  /** profile: the JVM did not answer within --attach-timeout. */
  ATTACH_TIMEOUT(18, "profile: the JVM did not answer within --attach-timeout (hung or stopped)"),
  /** profile: the management agent (JMX) could not be started or reached. */
  MANAGEMENT_FAILED(19, "profile: the JVM's management agent (JMX) could not be started or reached"),
  /** gpu: no CUDA driver found, no device visible, or CUDA support cannot load on this machine. */
  GPU_UNAVAILABLE(20, "no CUDA driver found, no CUDA device visible, or CUDA support cannot load here"),
  /** gpu: a CUDA call failed while the command ran. */
  GPU_ERROR(21, "a CUDA call failed"),
  /** gpu bench: the timing self-check failed (event time disagrees with host time). */
  GPU_CHECK_FAILED(22, "the timing self-check failed"),
  /** A bug in traceguard. */
  INTERNAL(70, "internal error (a bug: please report it with --verbose output)");

  private final int code;
  private final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  /** The process exit status. */
  public int code() {
    return code;
  }

  /** What it means, for help texts. */
  public String meaning() {
    return meaning;
  }

  /** Lines for picocli's {@code exitCodeList}: "0:meaning". */
  public static String[] helpList() {
    ExitCode[] v = values();
    String[] out = new String[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i].code + ":" + v[i].meaning;
    }
    return out;
  }
}
