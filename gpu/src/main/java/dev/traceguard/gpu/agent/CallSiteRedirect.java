package dev.traceguard.gpu.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * A {@link CallSiteRewriter} applied to a running JVM: as a retransformation-capable {@link
 * ClassFileTransformer} for classes loaded from now on, and by retransforming the already loaded
 * classes whose class files mention the redirected class. {@link #remove()} takes the transformer
 * out and retransforms the rewritten classes again, which restores their original code.
 *
 * <p>A class is only rewritten when its class loader resolves both the redirected class and the
 * target class to the very classes given here, so a rewritten call can never link to another copy
 * (or fail to link). Classes of the boot loader and of the given skipped packages are left alone.
 */
public final class CallSiteRedirect implements ClassFileTransformer {
  /** Classes remembered as rewritten at most (for {@link #remove()}). */
  static final int MAX_TRACKED = 100_000;

  private final Instrumentation inst;
  private final CallSiteRewriter rewriter;
  private final Class<?> fromClass;
  private final Class<?> toClass;
  private final List<String> skipped;
  private final Map<ClassLoader, Boolean> loaders = Collections.synchronizedMap(new WeakHashMap<>());
  private final Set<String> rewritten = Collections.synchronizedSet(new LinkedHashSet<>());
  private volatile boolean removed;
  private volatile int failures;

  private CallSiteRedirect(Instrumentation inst, CallSiteRewriter rewriter, Class<?> fromClass, Class<?> toClass,
      List<String> skipped) {
    this.inst = inst;
    this.rewriter = rewriter;
    this.fromClass = fromClass;
    this.toClass = toClass;
    this.skipped = List.copyOf(skipped);
  }

  /**
   * Installs the redirect: adds the transformer, then retransforms the loaded classes that call
   * {@code fromClass}.
   *
   * @param inst the JVM's instrumentation; must support retransformation
   * @param rewriter rewrites calls of {@code fromClass} to {@code toClass}
   * @param fromClass the class whose calls are redirected
   * @param toClass the class with the same static methods that receives them
   * @param skipped internal-name prefixes of classes never rewritten (e.g. the target's own package)
   */
  public static CallSiteRedirect install(Instrumentation inst, CallSiteRewriter rewriter, Class<?> fromClass,
      Class<?> toClass, List<String> skipped) {
    if (!inst.isRetransformClassesSupported()) {
      throw new IllegalStateException("this JVM does not support retransforming classes");
    }
    CallSiteRedirect r = new CallSiteRedirect(inst, rewriter, fromClass, toClass, skipped);
    inst.addTransformer(r, true);
    r.retransform(r.loadedCallers());
    return r;
  }

  /** Loaded classes whose class file (read back from their loader) mentions the redirected class. */
  private List<Class<?>> loadedCallers() {
    List<Class<?>> out = new ArrayList<>();
    String fromName = fromClass.getName();
    for (Class<?> c : inst.getAllLoadedClasses()) {
      ClassLoader l = c.getClassLoader();
      if (l == null || c.isArray() || c.isPrimitive() || c.isHidden() || !inst.isModifiableClass(c)
          || c.getName().equals(fromName) || skip(c.getName().replace('.', '/')) || !sees(l)) {
        continue;
      }
      try (InputStream in = l.getResourceAsStream(c.getName().replace('.', '/') + ".class")) {
        if (in != null && rewriter.mentions(in.readAllBytes())) {
          out.add(c);
        }
      } catch (IOException | RuntimeException e) {
        // Not readable back: a generated class, left alone.
      }
    }
    return out;
  }

  private void retransform(List<Class<?>> classes) {
    for (Class<?> c : classes) {
      try {
        inst.retransformClasses(c);
      } catch (Exception | LinkageError e) {
        failures++;
      }
    }
  }

  private boolean skip(String internalName) {
    if (internalName.startsWith("java/") || internalName.startsWith("jdk/") || internalName.startsWith("sun/")) {
      return true;
    }
    for (String p : skipped) {
      if (internalName.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  /** Whether code of {@code loader} links the two class names to exactly our two classes. */
  private boolean sees(ClassLoader loader) {
    Boolean b = loaders.get(loader);
    if (b == null) {
      try {
        b = Class.forName(fromClass.getName(), false, loader) == fromClass
            && Class.forName(toClass.getName(), false, loader) == toClass;
      } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
        b = false;
      }
      loaders.put(loader, b);
    }
    return b;
  }

  @Override
  public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain, byte[] classfileBuffer) {
    if (removed || loader == null || className == null || skip(className)
        || className.equals(rewriter.from()) || !rewriter.mentions(classfileBuffer)) {
      return null;
    }
    try {
      if (!sees(loader)) {
        return null;
      }
      byte[] b = rewriter.rewrite(classfileBuffer);
      if (b != null && rewritten.size() < MAX_TRACKED) {
        rewritten.add(className);
      }
      return b;
    } catch (RuntimeException | LinkageError e) {
      failures++;
      return null;
    }
  }

  /** Classes rewritten so far (their call sites point at the target class). */
  public int rewrittenClasses() {
    return rewritten.size();
  }

  /** Classes that could not be retransformed or rewritten. */
  public int failures() {
    return failures;
  }

  /**
   * Takes the transformer out and retransforms every rewritten class that is still loaded, which
   * restores its original code. Safe to call more than once.
   */
  public void remove() {
    if (removed) {
      return;
    }
    removed = true;
    inst.removeTransformer(this);
    Set<String> names;
    synchronized (rewritten) {
      names = new LinkedHashSet<>(rewritten);
    }
    List<Class<?>> back = new ArrayList<>();
    for (Class<?> c : inst.getAllLoadedClasses()) {
      if (c.getClassLoader() != null && names.contains(c.getName().replace('.', '/')) && inst.isModifiableClass(c)) {
        back.add(c);
      }
    }
    retransform(back);
    rewritten.clear();
  }
}
