package dev.traceguard.commands.profile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traceguard.analyzers.jvm.JvmMetrics;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.MBeanServerConnection;
import org.junit.jupiter.api.Test;

/**
 * Thread states and deadlocks cost the target two safepoint operations per read, so the sampler
 * reads them every fifth sample, on the first and on the last; samples in between repeat them.
 */
class SamplerThreadsTest {
  @Test
  void threadStatesAreReadEveryFifthSampleAndOnTheLast() throws Exception {
    AtomicInteger threadInfo = new AtomicInteger();
    AtomicInteger deadlocks = new AtomicInteger();
    MBeanServerConnection real = ManagementFactory.getPlatformMBeanServer();
    MBeanServerConnection counting = (MBeanServerConnection) Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {MBeanServerConnection.class}, (proxy, method, args) -> {
          if (method.getName().equals("invoke")) {
            if ("getThreadInfo".equals(args[1])) {
              threadInfo.incrementAndGet();
            } else if ("findDeadlockedThreads".equals(args[1])) {
              deadlocks.incrementAndGet();
            }
          }
          try {
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    List<String> notes = new ArrayList<>();
    Sampler sampler = new Sampler(ProcessHandle.current().pid(), counting, Clock.systemUTC(), GpuMemory.NONE, notes);
    List<Snapshot> samples = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      if (i == 6) {
        sampler.fullNext();
      }
      samples.add(sampler.sample());
    }
    // Samples 1 and 6 by the rule, 7 because it is the last.
    assertThat(threadInfo).hasValue(3);
    assertThat(deadlocks).hasValue(3);
    for (Snapshot s : samples) {
      assertThat(s.sum(JvmMetrics.THREAD_COUNT)).as("every sample has thread states").isGreaterThan(0);
      assertThat(s.named(JvmMetrics.ALLOCATED)).as("and the allocation counter, read every time").hasSize(1);
    }
  }
}
