package dev.traceguard.gpu.agent;

import dev.traceguard.gpu.GpuProbe;
import dev.traceguard.gpu.GpuStatus;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import javax.management.JMException;

/**
 * The agent {@code traceguard profile --gpu} loads into a running JVM ({@code Agent-Class} of the
 * agent jar). It probes CUDA in the target and always registers {@link GpuKernelStats} at {@value
 * GpuKernelStats#OBJECT_NAME}, whose {@code Status} says what it does or why it cannot. When CUDA
 * works it starts the timing of {@link JCudaHooks} and redirects the application's calls of {@code
 * JCudaDriver.cuLaunchKernel} and {@code cuModuleGetFunction} to it ({@link CallSiteRedirect}).
 *
 * <p>It removes itself completely (timing stopped, original code restored, MBean unregistered)
 * when {@code detach} is called over JMX, or when nobody read the MBean for its lease (the {@code
 * lease=MILLIS} argument), e.g. because traceguard was killed. Loading it again while it runs only
 * renews the lease. Until a class of the application touches JCuda, nothing of JCuda is touched.
 */
public final class TraceguardAgent {
  /** The redirected driver class. */
  public static final String DRIVER = "jcuda.driver.JCudaDriver";
  /** The lease when the arguments give none, ms. */
  public static final long DEFAULT_LEASE_MILLIS = 30_000;

  static final Set<String> METHODS = Set.of(
      "cuLaunchKernel(Ljcuda/driver/CUfunction;IIIIIIILjcuda/driver/CUstream;Ljcuda/Pointer;Ljcuda/Pointer;)I",
      "cuModuleGetFunction(Ljcuda/driver/CUfunction;Ljcuda/driver/CUmodule;Ljava/lang/String;)I");

  private static Running running;

  private TraceguardAgent() {}

  /** One loaded agent: its MBean, its redirect (when timing) and its lease thread. */
  private static final class Running {
    final GpuKernelStats stats;
    final CallSiteRedirect redirect;
    final Thread lease;
    volatile long leaseNanos;
    volatile boolean done;

    Running(GpuKernelStats stats, CallSiteRedirect redirect, long leaseMillis) {
      this.stats = stats;
      this.redirect = redirect;
      this.leaseNanos = TimeUnit.MILLISECONDS.toNanos(leaseMillis);
      this.lease = new Thread(this::watch, "traceguard-gpu-lease");
      this.lease.setDaemon(true);
    }

    private void watch() {
      while (!done) {
        long idle = System.nanoTime() - stats.lastReadNanos();
        if (idle > leaseNanos) {
          remove(this);
          return;
        }
        try {
          TimeUnit.NANOSECONDS.sleep(Math.max(50_000_000L, Math.min(1_000_000_000L, leaseNanos / 4)));
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /**
   * Entry point when loaded into a running JVM.
   *
   * @param args comma-separated {@code key=value}: {@code lease=MILLIS}, {@code pairs=N} (event
   *     pairs in flight at most), {@code kernels=N} (kernel names tracked at most), {@code rate=N}
   *     (launches timed per second at most, a random sample beyond; 0 times every launch)
   * @param inst the JVM's instrumentation
   */
  public static void agentmain(String args, Instrumentation inst) {
    long lease = option(args, "lease", DEFAULT_LEASE_MILLIS);
    preload();
    synchronized (TraceguardAgent.class) {
      Running r = running;
      if (r != null && !r.done) {
        r.leaseNanos = TimeUnit.MILLISECONDS.toNanos(lease);
        r.stats.leaseMillis(lease);
        r.stats.renew();
        return;
      }
      GpuKernelStats stats;
      CallSiteRedirect redirect = null;
      try {
        String why = unavailable(inst);
        if (why != null) {
          stats = GpuKernelStats.unavailable(why);
        } else {
          stats = JCudaHooks.start((int) option(args, "pairs", 8192), (int) option(args, "kernels", 256),
              option(args, "rate", JCudaHooks.DEFAULT_MAX_TIMED_PER_SECOND, 0));
          try {
            redirect = CallSiteRedirect.install(inst, new CallSiteRewriter(DRIVER.replace('.', '/'),
                JCudaHooks.class.getName().replace('.', '/'), METHODS), Class.forName(DRIVER), JCudaHooks.class,
                List.of("dev/traceguard/gpu/", "jcuda/"));
          } catch (RuntimeException | ClassNotFoundException e) {
            JCudaHooks.uninstall();
            stats = GpuKernelStats.unavailable("cannot redirect JCuda launch calls: " + e.getMessage());
          }
          if (redirect != null) {
            int n = redirect.rewrittenClasses();
            stats.redirectedClasses(redirect::rewrittenClasses);
            stats.status(String.format(Locale.ROOT, "timing kernel launches through JCuda (%d loaded class%s call"
                + " cuLaunchKernel or cuModuleGetFunction; classes loaded later are redirected as they load)", n,
                n == 1 ? "" : "es"));
          }
        }
      } catch (JMException | RuntimeException | LinkageError e) {
        stats = GpuKernelStats.unavailable("the agent could not start: " + e);
      }
      stats.leaseMillis(lease);
      Running next = new Running(stats, redirect, lease);
      CallSiteRedirect finalRedirect = redirect;
      stats.onDetach(() -> remove(next));
      try {
        stats.register();
      } catch (JMException | RuntimeException e) {
        // Without its MBean nobody could read or remove it: undo everything.
        stats.stop();
        if (finalRedirect != null) {
          finalRedirect.remove();
          try {
            JCudaHooks.uninstall();
          } catch (JMException | RuntimeException e2) {
            // Nothing registered.
          }
        }
        return;
      }
      running = next;
      next.lease.start();
    }
  }

  /**
   * Loads every class of the agent jar now (without initialising them), so the jar can be deleted
   * as soon as the agent has started. Does nothing when these classes came from elsewhere (the
   * application's own class path).
   */
  private static void preload() {
    try {
      CodeSource cs = TraceguardAgent.class.getProtectionDomain().getCodeSource();
      if (cs == null || cs.getLocation() == null || !"file".equals(cs.getLocation().getProtocol())) {
        return;
      }
      Path p = Path.of(cs.getLocation().toURI());
      if (!Files.isRegularFile(p)) {
        return;
      }
      try (JarFile jar = new JarFile(p.toFile())) {
        Manifest m = jar.getManifest();
        if (m == null || !TraceguardAgent.class.getName().equals(m.getMainAttributes().getValue("Agent-Class"))) {
          return;
        }
        ClassLoader loader = TraceguardAgent.class.getClassLoader();
        for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
          String n = e.nextElement().getName();
          if (n.endsWith(".class") && !n.endsWith("package-info.class") && !n.startsWith("META-INF/")) {
            Class.forName(n.substring(0, n.length() - ".class".length()).replace('/', '.'), false, loader);
          }
        }
      }
    } catch (Exception | LinkageError e) {
      // Loaded lazily instead.
    }
  }

  /** Why nothing can be timed in this JVM, or null when it can. Touches JCuda only when visible. */
  private static String unavailable(Instrumentation inst) {
    if (!inst.isRetransformClassesSupported()) {
      return "this JVM cannot retransform classes, so launch calls cannot be redirected";
    }
    ClassLoader system = ClassLoader.getSystemClassLoader();
    try {
      Class.forName(DRIVER, false, system);
    } catch (ClassNotFoundException | LinkageError e) {
      for (Class<?> c : inst.getAllLoadedClasses()) {
        if (c.getName().equals(DRIVER)) {
          return "JCuda is loaded by class loader " + c.getClassLoader() + ", which the agent cannot see; kernel"
              + " timing needs JCuda on the application class path";
        }
      }
      return "no JCuda in this JVM (" + DRIVER + " is not on its class path); the agent times kernels launched"
          + " through JCuda only";
    }
    GpuStatus s = GpuProbe.probe();
    return s.ok() ? null : s.reason();
  }

  /** Removes {@code r}: stops timing, restores redirected classes, unregisters the MBean. */
  private static void remove(Running r) {
    synchronized (TraceguardAgent.class) {
      if (r.done) {
        return;
      }
      r.done = true;
      if (running == r) {
        running = null;
      }
    }
    r.stats.stop();
    if (r.redirect != null) {
      r.redirect.remove();
      try {
        JCudaHooks.uninstall();
      } catch (JMException | RuntimeException e) {
        // Unregistered below anyway.
      }
    }
    try {
      GpuKernelStats.unregister();
    } catch (JMException | RuntimeException e) {
      // Nothing registered.
    }
    if (r.lease != Thread.currentThread()) {
      r.lease.interrupt();
    }
  }

  static long option(String args, String key, long dflt) {
    return option(args, key, dflt, 1);
  }

  /** The value of {@code key} in {@code args} when it is a number of at least {@code min}, else {@code dflt}. */
  static long option(String args, String key, long dflt, long min) {
    if (args == null) {
      return dflt;
    }
    for (String kv : args.split(",")) {
      int eq = kv.indexOf('=');
      if (eq > 0 && kv.substring(0, eq).trim().equals(key)) {
        try {
          long v = Long.parseLong(kv.substring(eq + 1).trim());
          return v >= min ? v : dflt;
        } catch (NumberFormatException e) {
          return dflt;
        }
      }
    }
    return dflt;
  }
}
