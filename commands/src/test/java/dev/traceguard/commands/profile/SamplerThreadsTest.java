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
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/**
 * Thread states and deadlocks cost the target two safepoint operations per read, and every JMX
 * round trip costs it CPU, so the sampler reads them and what moves slowly (non-heap, mapped
 * buffers, NMT) every fifth sample, on the first and on the last; samples in between repeat them.
 */
class SamplerThreadsTest {
  @Test
  void slowPartsAreReadEveryFifthSampleAndOnTheLast() throws Exception {
    AtomicInteger threadInfo = new AtomicInteger();
    AtomicInteger deadlocks = new AtomicInteger();
    AtomicInteger nonHeap = new AtomicInteger();
    AtomicInteger direct = new AtomicInteger();
    AtomicInteger mapped = new AtomicInteger();
    MBeanServerConnection real = ManagementFactory.getPlatformMBeanServer();
    MBeanServerConnection counting = (MBeanServerConnection) Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {MBeanServerConnection.class}, (proxy, method, args) -> {
          if (method.getName().equals("getAttributes")) {
            ObjectName n = (ObjectName) args[0];
            if (List.of((String[]) args[1]).contains("NonHeapMemoryUsage")) {
              nonHeap.incrementAndGet();
            } else if ("direct".equals(n.getKeyProperty("name"))) {
              direct.incrementAndGet();
            } else if ("BufferPool".equals(n.getKeyProperty("type"))) {
              mapped.incrementAndGet();
            }
          }
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
    // So are non-heap (the code cache) and the mapped buffer pools; direct buffers are read every time.
    assertThat(nonHeap).as("non-heap on full rounds (the perf data file gives the rest)").hasValue(3);
    assertThat(direct).hasValue(7);
    assertThat(mapped.get()).as("mapped pools (one or two) on full rounds").isIn(3, 6);
    for (Snapshot s : samples) {
      assertThat(s.sum(JvmMetrics.THREAD_COUNT)).as("every sample has thread states").isGreaterThan(0);
      assertThat(s.named(JvmMetrics.ALLOCATED)).as("and the allocation counter, read every time").hasSize(1);
      assertThat(s.named(JvmMetrics.NON_HEAP_USED)).as("non-heap, repeated in between").hasSize(1);
      assertThat(s.get(JvmMetrics.BUFFER_USED, JvmMetrics.BUFFER_POOL, "mapped")).as("mapped buffers too").isNotNaN();
    }
  }
}
