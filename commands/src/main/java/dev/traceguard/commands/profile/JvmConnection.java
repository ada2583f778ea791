package dev.traceguard.commands.profile;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import dev.traceguard.commands.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * An attached JVM with a JMX connection to it. Attaching loads no agent: it asks the JVM's attach
 * listener to start its local management agent (what {@code jcmd PID ManagementAgent.start_local}
 * does) and connects to it. {@link #close} detaches and closes the connection.
 */
final class JvmConnection implements AutoCloseable {
  /**
   * The JMX client logs a warning on stderr when its connection check times out (a stopped or
   * hung target); the command reports that itself, in one line. Held so the setting stays.
   */
  private static java.util.logging.Logger jmxClientLog;

  private final long pid;
  private final VirtualMachine vm;
  private final JMXConnector connector;
  private final MBeanServerConnection mbs;
  private final Properties properties;
  private final List<String> notes;
  private volatile boolean closed;

  private JvmConnection(long pid, VirtualMachine vm, JMXConnector connector, Properties properties, List<String> notes)
      throws IOException {
    this.pid = pid;
    this.vm = vm;
    this.connector = connector;
    this.mbs = connector.getMBeanServerConnection();
    this.properties = properties;
    this.notes = notes;
  }

  long pid() {
    return pid;
  }

  MBeanServerConnection mbeans() {
    return mbs;
  }

  /** The target's system properties, read at attach. */
  Properties properties() {
    return properties;
  }

  /** Things worth telling the user once, found while attaching. */
  List<String> notes() {
    return notes;
  }

  /**
   * Checks what can be checked without attaching, then attaches and connects.
   *
   * @throws ProfileFailure with the matching exit code when it cannot
   */
  static JvmConnection open(long pid, Duration timeout) throws ProfileFailure {
    List<String> notes = new java.util.ArrayList<>();
    preflight(pid, notes);
    if (jmxClientLog == null) {
      // Set here rather than when the class loads: a snapshot without JMX need not start logging.
      jmxClientLog = java.util.logging.Logger.getLogger("javax.management.remote.misc");
      jmxClientLog.setLevel(java.util.logging.Level.OFF);
    }
    VirtualMachine vm = attach(pid, timeout);
    boolean ok = false;
    JMXConnector c = null;
    try {
      Properties props = bounded(timeout, vm::getSystemProperties,
          e -> new ProfileFailure(ExitCode.VERSION_MISMATCH, "process " + pid + " answered the attach request but"
              + " not a request for its system properties (" + e.getMessage() + "); its JDK may be too old or too new"
              + " for this one (" + System.getProperty("java.version") + ")", e),
          () -> timedOut(pid, timeout));
      String url = bounded(timeout, vm::startLocalManagementAgent,
          e -> new ProfileFailure(ExitCode.MANAGEMENT_FAILED, "process " + pid + " could not start its local JMX agent: "
              + e.getMessage() + "; check its -Dcom.sun.management.* options", e),
          () -> timedOut(pid, timeout));
      if (System.getProperty("sun.rmi.transport.tcp.responseTimeout") == null) {
        // Without it a JMX call to a target that hangs mid-run blocks forever.
        System.setProperty("sun.rmi.transport.tcp.responseTimeout", Long.toString(Math.max(1, timeout.toMillis())));
      }
      c = bounded(timeout, () -> JMXConnectorFactory.connect(new JMXServiceURL(url)),
          e -> new ProfileFailure(ExitCode.MANAGEMENT_FAILED, "cannot connect to the JMX agent of process " + pid
              + " at " + url + ": " + e.getMessage(), e),
          () -> timedOut(pid, timeout));
      JvmConnection conn = new JvmConnection(pid, vm, c, props, notes);
      ok = true;
      return conn;
    } catch (IOException e) {
      throw new ProfileFailure(ExitCode.MANAGEMENT_FAILED, "JMX connection to process " + pid + " failed: " + e.getMessage(), e);
    } finally {
      if (!ok) {
        closeQuietly(c);
        detachQuietly(vm);
      }
    }
  }

  /**
   * Attaches with the attach API: when the JVM's attach listener is not running yet, this is the
   * handshake that starts it (a file and SIGQUIT, as jcmd does). Failures map to exit codes.
   */
  static VirtualMachine attach(long pid, Duration timeout) throws ProfileFailure {
    long nsPid = ProcFs.nsPid(pid);
    // Read per VirtualMachine instance when it attaches; the default is 10 s.
    System.setProperty("sun.tools.attach.attachTimeout", Long.toString(Math.max(1, timeout.toMillis())));
    return bounded(timeout.plusSeconds(2), () -> VirtualMachine.attach(Long.toString(pid)),
        e -> attachFailure(pid, nsPid, timeout, e), () -> timedOut(pid, timeout));
  }

  /** Failures found from /proc alone, for a JMX connection. */
  static void preflight(long pid, List<String> notes) throws ProfileFailure {
    preflight(pid, notes, true);
  }

  /**
   * Failures found from /proc alone. {@code jmx}: whether a JMX connection follows, which only
   * works inside the target's network namespace (the attach socket alone is reached through
   * /proc/PID/root from anywhere).
   */
  static void preflight(long pid, List<String> notes, boolean jmx) throws ProfileFailure {
    // The launcher's class-data archive training snapshots its own JVM on purpose.
    if (pid == ProcessHandle.current().pid() && !Boolean.getBoolean("traceguard.cds.training")) {
      throw new ProfileFailure(ExitCode.USAGE, "--pid " + pid + " is traceguard itself; give the pid of the JVM to profile");
    }
    if (!ProcFs.exists(pid)) {
      throw new ProfileFailure(ExitCode.NO_SUCH_PROCESS, "no process with pid " + pid + " (it exited, or it is in"
          + " another pid namespace); 'traceguard ps' lists the JVMs you can see");
    }
    long self = ProcFs.selfEuid();
    long owner = ProcFs.euid(pid);
    Boolean jvm = ProcFs.isJvm(pid);
    String name = ProcFs.status(pid).getOrDefault("Name", "?");
    if (owner >= 0 && self >= 0 && owner != self && self != 0) {
      String user = ProcFs.user(pid);
      throw new ProfileFailure(ExitCode.OTHER_USER, "process " + pid + " (" + name + ") belongs to user " + user
          + "; a JVM only lets its own user attach: run as that user, e.g. sudo -u " + user
          + " traceguard profile --pid " + pid);
    }
    if (Boolean.FALSE.equals(jvm)) {
      throw new ProfileFailure(ExitCode.NOT_A_JVM, "process " + pid + " (" + name + ") is not a JVM (no libjvm.so"
          + " mapped); 'traceguard ps' lists the JVMs");
    }
    // Memory maps hidden from us: attaching would send SIGQUIT, which ends most processes that are
    // not JVMs. Every JVM handles it (and almost every one has a performance data file).
    if (jvm == null && Boolean.FALSE.equals(ProcFs.catchesSigquit(pid))
        && PerfData.find(pid, ProcFs.nsPid(pid)) == null) {
      throw new ProfileFailure(ExitCode.NOT_A_JVM, "process " + pid + " (" + name + ") does not look like a JVM:"
          + " its memory maps cannot be read from here, it has no performance data file, and it does not handle"
          + " SIGQUIT as every JVM does (-Xrs aside); 'traceguard ps' lists the JVMs");
    }
    List<String> cmd = ProcFs.cmdline(pid);
    String toolOptions = ProcFs.environ(pid, "JAVA_TOOL_OPTIONS");
    if (cmd.contains("-XX:+DisableAttachMechanism")
        || (toolOptions != null && toolOptions.contains("-XX:+DisableAttachMechanism"))) {
      throw new ProfileFailure(ExitCode.ATTACH_DISABLED, "process " + pid + " was started with"
          + " -XX:+DisableAttachMechanism, so nothing can attach to it; restart it without that flag (or with"
          + " -Dcom.sun.management.jmxremote.* to expose JMX); 'traceguard ps' still shows its heap");
    }
    String ourNet = ProcFs.namespace(ProcessHandle.current().pid(), "net");
    String theirNet = ProcFs.namespace(pid, "net");
    if (jmx && ourNet != null && theirNet != null && !ourNet.equals(theirNet)) {
      throw new ProfileFailure(ExitCode.OTHER_NAMESPACE, "process " + pid + " runs in another container (network"
          + " namespace " + theirNet + "); JMX's local connector only works from inside it: run traceguard there"
          + " (docker exec / kubectl exec / kubectl debug --target), or nsenter -t " + pid + " -n traceguard profile --pid " + pid);
    }
    long nsPid = ProcFs.nsPid(pid);
    String socket = ".java_pid" + nsPid;
    if (!Files.exists(ProcFs.dir(pid).resolve("root/tmp").resolve(socket)) && !Files.exists(Path.of("/tmp", socket))
        && listensForAttach(pid, nsPid)) {
      notes.add("the attach socket /tmp/" + socket + " of process " + pid + " was deleted (a tmp cleaner?);"
          + " asking the JVM to re-create it");
    }
  }

  /**
   * Whether the JVM holds its attach listener socket. HotSpot binds it as {@code .java_pidN.tmp}
   * and renames it, and the kernel keeps listing the name it was bound under.
   */
  private static boolean listensForAttach(long pid, long nsPid) {
    return ProcFs.hasUnixSocket(pid, "/.java_pid" + nsPid) || ProcFs.hasUnixSocket(pid, "/.java_pid" + nsPid + ".tmp");
  }

  private static ProfileFailure attachFailure(long pid, long nsPid, Duration timeout, Exception e) {
    String m = String.valueOf(e.getMessage());
    if (e instanceof AttachNotSupportedException && m.contains("does not support the attach mechanism")) {
      return new ProfileFailure(ExitCode.ATTACH_DISABLED, "process " + pid + " forbids attaching"
          + " (-XX:+DisableAttachMechanism); restart it without that flag", e);
    }
    char state = ProcFs.state(pid);
    if (state == 'T' || state == 't') {
      return timedOut(pid, timeout);
    }
    String socket = ".java_pid" + nsPid;
    if (listensForAttach(pid, nsPid) && !Files.exists(ProcFs.dir(pid).resolve("root/tmp").resolve(socket))) {
      return new ProfileFailure(ExitCode.ATTACH_SOCKET_MISSING, "process " + pid + " still listens on its attach"
          + " socket, but the file /tmp/" + socket + " was deleted (a tmp cleaner such as systemd-tmpfiles); send it"
          + " SIGQUIT (kill -3 " + pid + ") so a recent JVM re-creates it, or restart it, and exclude /tmp/.java_pid* from cleaning", e);
    }
    if (m.contains("doesn't respond") || m.contains("timed out") || m.contains("Timeout")) {
      return timedOut(pid, timeout);
    }
    if (m.contains("Permission denied") || m.contains("owned by") || m.contains("not secure")) {
      return new ProfileFailure(ExitCode.OTHER_USER, "not allowed to attach to process " + pid + " (" + m
          + "); run as the JVM's user: sudo -u " + ProcFs.user(pid) + " traceguard profile --pid " + pid, e);
    }
    if (m.contains("Non-numeric") || m.contains("LinuxThreads") || m.contains("Protocol") || m.contains("version")) {
      return new ProfileFailure(ExitCode.VERSION_MISMATCH, "process " + pid + " does not speak the attach protocol of"
          + " this JDK (" + System.getProperty("java.version") + "): " + m + "; run traceguard with a JDK of the"
          + " target's version (JAVA_HOME of the target)", e);
    }
    if (!ProcFs.exists(pid)) {
      return new ProfileFailure(ExitCode.NO_SUCH_PROCESS, "process " + pid + " exited while attaching", e);
    }
    return new ProfileFailure(ExitCode.ATTACH_TIMEOUT, "cannot attach to process " + pid + ": " + m, e);
  }

  static ProfileFailure timedOut(long pid, Duration timeout) {
    char state = ProcFs.state(pid);
    String why = state == 'T' || state == 't'
        ? "it is stopped (SIGSTOP or a debugger): resume it with kill -CONT " + pid
        : "it may be hung, saturated or stuck before a safepoint; try a longer --attach-timeout, or read its"
            + " heap without attaching with 'traceguard ps'";
    return new ProfileFailure(ExitCode.ATTACH_TIMEOUT, "process " + pid + " did not answer within "
        + timeout.toMillis() / 1000.0 + " s: " + why);
  }

  interface Failure {
    ProfileFailure of(Exception e);
  }

  /** Runs {@code task} on a daemon thread and waits at most {@code limit}. */
  static <T> T bounded(Duration limit, Callable<T> task, Failure failure, java.util.function.Supplier<ProfileFailure> timeout)
      throws ProfileFailure {
    ExecutorService ex = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "traceguard-attach");
      t.setDaemon(true);
      return t;
    });
    try {
      Future<T> f = ex.submit(task);
      try {
        return f.get(limit.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        f.cancel(true);
        throw timeout.get();
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        throw failure.of(c instanceof Exception ? (Exception) c : new IOException(c));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ProfileFailure(ExitCode.ATTACH_TIMEOUT, "interrupted while attaching to process");
      }
    } finally {
      ex.shutdownNow();
    }
  }

  /**
   * Loads a Java agent jar into the attached JVM ({@code VirtualMachine.loadAgent}), waiting at
   * most {@code timeout}.
   *
   * @param jar the agent jar, as a path the target JVM can read
   * @param options the agent's argument string
   * @throws ProfileFailure when it cannot be loaded (its message says why)
   */
  void loadAgent(String jar, String options, Duration timeout) throws ProfileFailure {
    bounded(timeout, () -> {
      vm.loadAgent(jar, options);
      return null;
    }, e -> new ProfileFailure(ExitCode.MANAGEMENT_FAILED, e.getClass().getSimpleName() + ": " + e.getMessage(), e),
        () -> new ProfileFailure(ExitCode.ATTACH_TIMEOUT, "process " + pid + " did not load the agent within "
            + timeout.toMillis() / 1000.0 + " s"));
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeQuietly(connector);
    detachQuietly(vm);
  }

  private static void closeQuietly(JMXConnector c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (IOException | RuntimeException e) {
      // The target may be gone: nothing left to close.
    }
  }

  static void detachQuietly(VirtualMachine vm) {
    if (vm == null) {
      return;
    }
    try {
      vm.detach();
    } catch (IOException | RuntimeException e) {
      // Already gone.
    }
  }
}
