package dev.traceguard.commands.profile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What Linux tells about a process through {@code /proc}, without attaching to it. */
final class ProcFs {
  /** A cgroup limit at or above this means "no limit" (cgroup v1 writes a page-rounded LONG_MAX). */
  private static final long UNLIMITED = 1L << 60;

  private ProcFs() {}

  static Path dir(long pid) {
    return Path.of("/proc", Long.toString(pid));
  }

  /** Whether a process with that pid exists (and is not a zombie). */
  static boolean exists(long pid) {
    if (!Files.isDirectory(dir(pid))) {
      return false;
    }
    return state(pid) != 'Z';
  }

  /** Fields of {@code /proc/PID/status}, e.g. {@code Uid}, {@code NSpid}, {@code VmRSS}. */
  static Map<String, String> status(long pid) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String line : lines(dir(pid).resolve("status"))) {
      int c = line.indexOf(':');
      if (c > 0) {
        m.put(line.substring(0, c), line.substring(c + 1).trim());
      }
    }
    return m;
  }

  /**
   * Whether the process handles SIGQUIT ({@code SigCgt} in {@code /proc/PID/status}), as every
   * HotSpot JVM does unless started with -Xrs; null when that cannot be read.
   */
  static Boolean catchesSigquit(long pid) {
    String caught = status(pid).get("SigCgt");
    if (caught == null) {
      return null;
    }
    try {
      return (Long.parseUnsignedLong(caught, 16) & (1L << 2)) != 0;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The state letter from {@code /proc/PID/stat} (R, S, D, T, Z…), or '?' when unreadable. */
  static char state(long pid) {
    String stat = read(dir(pid).resolve("stat"));
    int close = stat == null ? -1 : stat.lastIndexOf(')');
    return close < 0 || close + 2 >= stat.length() ? '?' : stat.charAt(close + 2);
  }

  /** User plus system CPU time of the whole process in seconds, or NaN when unreadable. */
  static double cpuSeconds(long pid) {
    long[] t = cpuTicks(pid);
    return t == null ? Double.NaN : (t[0] + t[1]) / 100.0;
  }

  /** User and system CPU time of the whole process in clock ticks (1/100 s), or null. */
  private static long[] cpuTicks(long pid) {
    String stat = read(dir(pid).resolve("stat"));
    int close = stat == null ? -1 : stat.lastIndexOf(')');
    if (close < 0) {
      return null;
    }
    // After the command: state is field 3, utime 14 and stime 15.
    String[] f = stat.substring(close + 2).trim().split("\\s+");
    try {
      return f.length > 12 ? new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])} : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The effective uid, or -1. */
  static long euid(long pid) {
    String uid = status(pid).get("Uid");
    if (uid == null) {
      return -1;
    }
    String[] f = uid.split("\\s+");
    return f.length > 1 ? Long.parseLong(f[1]) : -1;
  }

  /** Our own effective uid. */
  static long selfEuid() {
    return euid(ProcessHandle.current().pid());
  }

  /** The innermost pid (as the process sees itself inside its pid namespace). */
  static long nsPid(long pid) {
    String ns = status(pid).get("NSpid");
    if (ns == null || ns.isEmpty()) {
      return pid;
    }
    String[] f = ns.split("\\s+");
    return Long.parseLong(f[f.length - 1]);
  }

  /** The user owning the process, by name where known. */
  static String user(long pid) {
    try {
      return Files.getOwner(dir(pid)).getName();
    } catch (IOException | UnsupportedOperationException e) {
      return "?";
    }
  }

  /** The command line, split at NULs; empty when unreadable. */
  static List<String> cmdline(long pid) {
    List<String> out = new ArrayList<>();
    try {
      byte[] b = Files.readAllBytes(dir(pid).resolve("cmdline"));
      int start = 0;
      for (int i = 0; i < b.length; i++) {
        if (b[i] == 0) {
          out.add(new String(b, start, i - start, StandardCharsets.UTF_8));
          start = i + 1;
        }
      }
      if (start < b.length) {
        out.add(new String(b, start, b.length - start, StandardCharsets.UTF_8));
      }
    } catch (IOException | SecurityException e) {
      // Unreadable: nothing to tell.
    }
    return out;
  }

  /** One variable of the process environment, or null. */
  static String environ(long pid, String name) {
    try {
      byte[] b = Files.readAllBytes(dir(pid).resolve("environ"));
      String prefix = name + "=";
      for (String kv : new String(b, StandardCharsets.UTF_8).split("\0")) {
        if (kv.startsWith(prefix)) {
          return kv.substring(prefix.length());
        }
      }
    } catch (IOException | SecurityException e) {
      // Unreadable.
    }
    return null;
  }

  /** Paths of the files mapped into the process (shared libraries, jars); null when unreadable. */
  static Set<String> mappedFiles(long pid) {
    List<String> maps;
    try {
      maps = Files.readAllLines(dir(pid).resolve("maps"), StandardCharsets.UTF_8);
    } catch (IOException | SecurityException e) {
      return null;
    }
    Set<String> out = new LinkedHashSet<>();
    for (String line : maps) {
      int slash = line.indexOf('/');
      if (slash > 0) {
        out.add(line.substring(slash).replace(" (deleted)", ""));
      }
    }
    return out;
  }

  /** Whether libjvm is mapped: Boolean.TRUE/FALSE, or null when the maps cannot be read. */
  static Boolean isJvm(long pid) {
    Set<String> files = mappedFiles(pid);
    if (files == null) {
      return null;
    }
    for (String f : files) {
      if (f.endsWith("/libjvm.so")) {
        return true;
      }
    }
    return false;
  }

  /** Resident set size in bytes, or -1. */
  static long rssBytes(long pid) {
    for (String line : lines(dir(pid).resolve("smaps_rollup"))) {
      if (line.startsWith("Rss:")) {
        return kib(line.substring(4));
      }
    }
    String rss = status(pid).get("VmRSS");
    return rss == null ? -1 : kib(rss);
  }

  private static long kib(String v) {
    String s = v.trim();
    int sp = s.indexOf(' ');
    return Long.parseLong(sp < 0 ? s : s.substring(0, sp)) * 1024;
  }

  /** Memory of the process's cgroup: usage, working set and limit (-1 when unknown or unlimited). */
  record CgroupMemory(long usage, long workingSet, long limit) {}

  /** The memory cgroup of {@code pid}, v2 or v1; null when it cannot be found. */
  static CgroupMemory cgroupMemory(long pid) {
    String v2 = null;
    String v1 = null;
    for (String line : lines(dir(pid).resolve("cgroup"))) {
      String[] f = line.split(":", 3);
      if (f.length < 3) {
        continue;
      }
      if (f[0].equals("0") && f[1].isEmpty()) {
        v2 = f[2];
      } else if (List.of(f[1].split(",")).contains("memory")) {
        v1 = f[2];
      }
    }
    boolean sameCgroup = lines(dir(pid).resolve("cgroup")).equals(lines(Path.of("/proc/self/cgroup")));
    if (v1 != null) {
      Path d = cgroupDir(pid, "memory", v1, "memory.usage_in_bytes", sameCgroup);
      if (d != null) {
        long usage = number(d.resolve("memory.usage_in_bytes"));
        long limit = number(d.resolve("memory.limit_in_bytes"));
        Map<String, Long> stat = keyed(d.resolve("memory.stat"));
        Long hier = stat.get("hierarchical_memory_limit");
        if (hier != null && (limit < 0 || hier < limit)) {
          limit = hier;
        }
        long inactive = stat.getOrDefault("total_inactive_file", 0L);
        return new CgroupMemory(usage, usage < 0 ? -1 : Math.max(0, usage - inactive), limit >= UNLIMITED ? -1 : limit);
      }
    }
    if (v2 != null) {
      Path d = cgroupDir(pid, "", v2, "memory.current", sameCgroup);
      if (d != null) {
        long usage = number(d.resolve("memory.current"));
        String max = read(d.resolve("memory.max"));
        long limit = max == null || max.trim().equals("max") ? -1 : Long.parseLong(max.trim());
        long inactive = keyed(d.resolve("memory.stat")).getOrDefault("inactive_file", 0L);
        return new CgroupMemory(usage, usage < 0 ? -1 : Math.max(0, usage - inactive), limit >= UNLIMITED ? -1 : limit);
      }
    }
    return null;
  }

  private static Path cgroupDir(long pid, String controller, String path, String probe, boolean sameCgroup) {
    String rel = path.startsWith("/") ? path.substring(1) : path;
    List<Path> candidates = new ArrayList<>();
    for (Path root : new Path[] {Path.of("/sys/fs/cgroup"), dir(pid).resolve("root/sys/fs/cgroup")}) {
      Path base = controller.isEmpty() ? root : root.resolve(controller);
      candidates.add(rel.isEmpty() ? base : base.resolve(rel));
    }
    if (sameCgroup) {
      // In a cgroup namespace the process's path is relative to a root we see as the mount itself.
      candidates.add(controller.isEmpty() ? Path.of("/sys/fs/cgroup") : Path.of("/sys/fs/cgroup", controller));
    }
    for (Path c : candidates) {
      if (Files.isReadable(c.resolve(probe))) {
        return c;
      }
    }
    return null;
  }

  /** The namespace link of a kind ({@code net}, {@code mnt}, {@code pid}), or null when unreadable. */
  static String namespace(long pid, String kind) {
    try {
      return Files.readSymbolicLink(dir(pid).resolve("ns").resolve(kind)).toString();
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return null;
    }
  }

  /** Whether {@code pid} holds a listening unix socket whose path ends with {@code suffix}. */
  static boolean hasUnixSocket(long pid, String suffix) {
    for (String line : lines(dir(pid).resolve("net/unix"))) {
      if (line.endsWith(suffix)) {
        return true;
      }
    }
    return false;
  }

  /** Seconds since the process started, or -1. */
  static double uptimeSeconds(long pid) {
    String stat = read(dir(pid).resolve("stat"));
    String up = read(Path.of("/proc/uptime"));
    if (stat == null || up == null) {
      return -1;
    }
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // Field 22 (starttime) is the 20th after the command; clock ticks, 100 per second on Linux.
    if (f.length < 20) {
      return -1;
    }
    double start = Long.parseLong(f[19]) / 100.0;
    return Double.parseDouble(up.split(" ")[0]) - start;
  }

  static List<String> lines(Path p) {
    try {
      return Files.readAllLines(p, StandardCharsets.UTF_8);
    } catch (IOException | SecurityException | java.io.UncheckedIOException e) {
      return List.of();
    }
  }

  static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException | SecurityException | java.io.UncheckedIOException e) {
      return null;
    }
  }

  private static long number(Path p) {
    String s = read(p);
    try {
      return s == null ? -1 : Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static Map<String, Long> keyed(Path p) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (String line : lines(p)) {
      String[] f = line.split(" ");
      if (f.length == 2) {
        try {
          m.put(f[0], Long.parseLong(f[1]));
        } catch (NumberFormatException e) {
          // Not a number: skip.
        }
      }
    }
    return m;
  }
}
