package dev.traceguard.gpu.agent;

import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * Runs in a JVM of its own started with a {@code -javaagent} jar naming it as {@code Premain-Class}
 * (see {@link CallSiteRedirectTest}): redirects {@link RewriteDriver} to {@link RewriteHooks} in
 * the running JVM with {@link CallSiteRedirect}, which retransforms the already loaded {@link
 * RewriteApp}, then removes the redirect again, printing what the application computes at each
 * step.
 */
public final class RedirectMain {
  private static Instrumentation inst;

  private RedirectMain() {}

  /** Keeps the instrumentation. */
  public static void premain(String args, Instrumentation i) {
    inst = i;
  }

  /** Prints before=, rewritten=, during=, hooks=, removed=, after= lines. */
  public static void main(String[] args) throws Exception {
    IntSupplier app = new RewriteApp();
    System.out.println("before=" + app.getAsInt());
    CallSiteRedirect r = CallSiteRedirect.install(inst, new CallSiteRewriter("dev/traceguard/gpu/agent/RewriteDriver",
        "dev/traceguard/gpu/agent/RewriteHooks", Set.of("cuLaunchKernel(Ljava/lang/String;IJD)I",
            "cuModuleGetFunction(Ljava/lang/String;)I")), RewriteDriver.class, RewriteHooks.class,
        List.of("dev/traceguard/gpu/agent/RewriteHooks", "dev/traceguard/gpu/agent/RedirectMain"));
    System.out.println("rewritten=" + r.rewrittenClasses());
    System.out.println("during=" + app.getAsInt());
    System.out.println("hooks=" + RewriteHooks.calls);
    r.remove();
    r.remove();
    System.out.println("removed=" + r.rewrittenClasses());
    System.out.println("after=" + app.getAsInt());
    System.out.println("hooks=" + RewriteHooks.calls);
    System.out.println("failures=" + r.failures());
  }
}
