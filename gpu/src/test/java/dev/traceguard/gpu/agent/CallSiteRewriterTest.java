package dev.traceguard.gpu.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@link CallSiteRewriter} on a real compiled class ({@link RewriteApp}) that calls a stand-in driver
 * ({@link RewriteDriver}): the rewritten bytes load and verify in a fresh class loader and the
 * selected calls reach the stand-in hooks ({@link RewriteHooks}); the rest still reach the driver.
 */
class CallSiteRewriterTest {
  private static final String DRIVER = "dev/traceguard/gpu/agent/RewriteDriver";
  private static final String HOOKS = "dev/traceguard/gpu/agent/RewriteHooks";
  private static final Set<String> METHODS = Set.of("cuLaunchKernel(Ljava/lang/String;IJD)I",
      "cuModuleGetFunction(Ljava/lang/String;)I");

  static byte[] bytes(Class<?> c) throws IOException {
    try (InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
      return in.readAllBytes();
    }
  }

  /** Defines one class from the given bytes and delegates every other class to the test's loader. */
  static final class OneClassLoader extends ClassLoader {
    private final String name;
    private final byte[] bytes;

    OneClassLoader(String name, byte[] bytes) {
      super(CallSiteRewriterTest.class.getClassLoader());
      this.name = name;
      this.bytes = bytes;
    }

    @Override
    protected Class<?> loadClass(String n, boolean resolve) throws ClassNotFoundException {
      synchronized (getClassLoadingLock(n)) {
        if (!n.equals(name)) {
          return super.loadClass(n, resolve);
        }
        Class<?> c = findLoadedClass(n);
        if (c == null) {
          c = defineClass(n, bytes, 0, bytes.length);
        }
        if (resolve) {
          resolveClass(c);
        }
        return c;
      }
    }
  }

  private static int runIn(byte[] classFile) throws Exception {
    Class<?> c = Class.forName(RewriteApp.class.getName(), true, new OneClassLoader(RewriteApp.class.getName(), classFile));
    assertThat(c).isNotSameAs(RewriteApp.class);
    return ((IntSupplier) c.getConstructor().newInstance()).getAsInt();
  }

  @Test
  void rewrittenCallsReachTheHooksAndTheRestTheDriver() throws Exception {
    byte[] original = bytes(RewriteApp.class);
    CallSiteRewriter r = new CallSiteRewriter(DRIVER, HOOKS, METHODS);

    assertThat(new RewriteApp().getAsInt()).as("unchanged class").isEqualTo(449);
    assertThat(runIn(original)).as("original bytes in a fresh loader").isEqualTo(449);

    byte[] rewritten = r.rewrite(original);
    assertThat(rewritten).isNotNull();
    // Two constant pool entries more (the hooks' name and class), everything else the same size.
    int before = ((original[8] & 0xff) << 8) | (original[9] & 0xff);
    int after = ((rewritten[8] & 0xff) << 8) | (rewritten[9] & 0xff);
    assertThat(after).isEqualTo(before + 2);
    assertThat(rewritten.length).isEqualTo(original.length + 3 + HOOKS.length() + 3);

    int hooksBefore = RewriteHooks.calls;
    int driverBefore = RewriteDriver.launches;
    // Two launches, one lookup and one lookup through a method reference go through the hooks;
    // the stream query (not in the set) still goes to the driver.
    assertThat(runIn(rewritten)).isEqualTo(449 + 4 * 1000);
    assertThat(RewriteHooks.calls - hooksBefore).isEqualTo(4);
    assertThat(RewriteDriver.launches - driverBefore).as("the hooks pass launches on").isEqualTo(2);
  }

  @Test
  void onlyTheNamedClassAndDescriptorsMatch() throws Exception {
    byte[] app = bytes(RewriteApp.class);
    // Another descriptor of the same name: nothing to rewrite.
    assertThat(new CallSiteRewriter(DRIVER, HOOKS, Set.of("cuLaunchKernel(Ljava/lang/String;I)I")).rewrite(app))
        .isNull();
    // Another owner class: nothing to rewrite.
    assertThat(new CallSiteRewriter("dev/traceguard/gpu/agent/Other", HOOKS, METHODS).rewrite(app)).isNull();
    byte[] once = new CallSiteRewriter(DRIVER, HOOKS, METHODS).rewrite(app);
    // Already rewritten: the matching references point at the hooks now, so a second pass finds none.
    assertThat(new CallSiteRewriter(DRIVER, HOOKS, METHODS).rewrite(once)).isNull();
  }

  @Test
  void classesWithoutTheDriverAndBrokenBytesAreLeftAlone() throws Exception {
    CallSiteRewriter r = new CallSiteRewriter(DRIVER, HOOKS, METHODS);
    // The hooks call the driver themselves: rewriting them would make them call themselves, which is
    // why the redirect never touches the hooks' package.
    assertThat(r.rewrite(bytes(RewriteHooks.class))).isNotNull();
    assertThat(r.rewrite(bytes(CallSiteRewriterTest.class))).as("mentions the driver only in strings").isNull();
    assertThat(r.rewrite(bytes(KernelInterceptor.class))).as("never mentions it").isNull();
    assertThat(r.rewrite(null)).isNull();
    byte[] app = bytes(RewriteApp.class);
    byte[] truncated = java.util.Arrays.copyOf(app, app.length / 3);
    assertThat(r.rewrite(truncated)).isNull();
    byte[] badMagic = app.clone();
    badMagic[0] = 0;
    assertThat(r.rewrite(badMagic)).isNull();
    byte[] badTag = app.clone();
    badTag[10] = 99;
    assertThat(r.rewrite(badTag)).isNull();
  }

  @Test
  void theAgentsMethodSetMatchesRealJCudaCallSites() throws Exception {
    CallSiteRewriter r = new CallSiteRewriter("jcuda/driver/JCudaDriver", "dev/traceguard/gpu/agent/JCudaHooks",
        TraceguardAgent.METHODS);
    byte[] rewritten = r.rewrite(bytes(JCudaCaller.class));
    assertThat(rewritten).as("javac's descriptors for the JCuda calls are the agent's").isNotNull();
    // Without a driver JCuda fails to link (here), with one it rejects the null module: either way the
    // failure now passes through the hooks, which proves where the call went.
    Throwable t = failureOf(rewritten);
    Assumptions.assumeTrue(t != null, "JCuda answered a null module without failing: nothing shows who answered");
    assertThat(t.getStackTrace()).anyMatch(f -> f.getClassName().equals(JCudaHooks.class.getName())
        && f.getMethodName().equals("cuModuleGetFunction"));
    Throwable original = failureOf(bytes(JCudaCaller.class));
    assertThat(original).isNotNull();
    assertThat(original.getStackTrace()).as("original: straight to JCuda")
        .noneMatch(f -> f.getClassName().equals(JCudaHooks.class.getName()));
  }

  private static Throwable failureOf(byte[] callerClass) throws Exception {
    Class<?> c = Class.forName(JCudaCaller.class.getName(), true,
        new OneClassLoader(JCudaCaller.class.getName(), callerClass));
    Runnable caller = (Runnable) c.getConstructor().newInstance();
    try {
      caller.run();
    } catch (RuntimeException | LinkageError e) {
      return e;
    }
    return null;
  }
}
