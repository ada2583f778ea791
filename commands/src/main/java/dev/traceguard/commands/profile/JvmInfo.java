package dev.traceguard.commands.profile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One running JVM as {@code traceguard ps} shows it, read without attaching: from {@code /proc}
 * and the JVM's performance data file.
 *
 * @param pid process id
 * @param user owning user
 * @param main main class or jar (and arguments are left out)
 * @param javaVersion the JVM's {@code java.version}, or empty
 * @param uptimeSeconds seconds since start, or -1
 * @param heapUsed heap bytes used, or -1
 * @param heapMax heap maximum, or -1
 * @param runtimes AI runtimes detected
 * @param attachable whether attaching looks possible (no -XX:+DisableAttachMechanism)
 */
record JvmInfo(
    long pid,
    String user,
    String main,
    String javaVersion,
    double uptimeSeconds,
    long heapUsed,
    long heapMax,
    List<String> runtimes,
    boolean attachable) {

  /** Every JVM we can see: the attach API's list plus every process that maps libjvm. */
  static List<JvmInfo> list(Iterable<Long> attachListed) {
    Set<Long> pids = new TreeSet<>();
    for (Long p : attachListed) {
      pids.add(p);
    }
    long self = ProcessHandle.current().pid();
    try (var dirs = java.nio.file.Files.newDirectoryStream(java.nio.file.Path.of("/proc"))) {
      for (var d : dirs) {
        String n = d.getFileName().toString();
        if (n.chars().allMatch(Character::isDigit)) {
          long pid = Long.parseLong(n);
          if (Boolean.TRUE.equals(ProcFs.isJvm(pid))) {
            pids.add(pid);
          }
        }
      }
    } catch (java.io.IOException e) {
      // No /proc: only what the attach API listed.
    }
    List<JvmInfo> out = new ArrayList<>();
    for (long pid : pids) {
      if (pid != self && ProcFs.exists(pid)) {
        out.add(of(pid));
      }
    }
    return out;
  }

  /** What can be read about {@code pid} without attaching. */
  static JvmInfo of(long pid) {
    List<String> cmd = ProcFs.cmdline(pid);
    PerfData perf = null;
    try {
      var f = PerfData.find(pid, ProcFs.nsPid(pid));
      perf = f == null ? null : PerfData.read(f);
    } catch (java.io.IOException | RuntimeException e) {
      perf = null;
    }
    String main = perf != null && perf.string("sun.rt.javaCommand") != null
        ? perf.string("sun.rt.javaCommand") : mainFromCmdline(cmd);
    int sp = main.indexOf(' ');
    String mainOnly = sp < 0 ? main : main.substring(0, sp);
    String version = perf != null && perf.string("java.property.java.version") != null
        ? perf.string("java.property.java.version") : "";
    String cp = String.join(" ", cmd) + (perf != null && perf.string("java.property.java.class.path") != null
        ? " " + perf.string("java.property.java.class.path") : "");
    boolean disabled = cmd.contains("-XX:+DisableAttachMechanism")
        || String.valueOf(ProcFs.environ(pid, "JAVA_TOOL_OPTIONS")).contains("-XX:+DisableAttachMechanism");
    return new JvmInfo(
        pid,
        ProcFs.user(pid),
        mainOnly,
        version,
        ProcFs.uptimeSeconds(pid),
        perf == null ? -1 : perf.heapUsed(),
        perf == null ? -1 : perf.heapMax(),
        AiRuntimes.detect(ProcFs.mappedFiles(pid), cp),
        !disabled);
  }

  /** The main class or {@code -jar} file from a java command line. */
  static String mainFromCmdline(List<String> cmd) {
    for (int i = 1; i < cmd.size(); i++) {
      String a = cmd.get(i);
      if (a.equals("-jar") && i + 1 < cmd.size()) {
        return cmd.get(i + 1);
      }
      if (a.equals("-cp") || a.equals("-classpath") || a.equals("--class-path") || a.equals("-p")
          || a.equals("--module-path") || a.equals("--add-opens") || a.equals("--add-exports")) {
        i++;
        continue;
      }
      if (a.equals("-m") || a.equals("--module")) {
        return i + 1 < cmd.size() ? cmd.get(i + 1) : "";
      }
      if (!a.startsWith("-")) {
        return a;
      }
    }
    return cmd.isEmpty() ? "" : cmd.get(0);
  }

  /** For JSON output. */
  Map<String, Object> toMap() {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("pid", pid);
    m.put("user", user);
    m.put("main", main);
    m.put("javaVersion", javaVersion);
    m.put("uptimeSeconds", uptimeSeconds < 0 ? null : Math.round(uptimeSeconds));
    m.put("heapUsedBytes", heapUsed < 0 ? null : heapUsed);
    m.put("heapMaxBytes", heapMax < 0 ? null : heapMax);
    m.put("runtimes", runtimes);
    m.put("attachable", attachable);
    return m;
  }
}
