package dev.traceguard.analyzers;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs independent pieces of an analysis on their own threads and waits for all of them. */
public final class SideBySide {
  private SideBySide() {}

  /**
   * Runs {@code tasks} on up to {@code threads} threads (on the calling thread, in order, when
   * {@code threads} is 1) and returns when all are done. The first failure is thrown again here.
   */
  public static void run(List<Runnable> tasks, int threads) {
    int n = Math.min(threads, tasks.size());
    if (n <= 1) {
      tasks.forEach(Runnable::run);
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
      Thread t = new Thread(r, "traceguard-analysis");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> running = new ArrayList<>();
      for (Runnable task : tasks) {
        running.add(pool.submit(task));
      }
      for (Future<?> f : running) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while analysing", e);
    } catch (ExecutionException e) {
      throw unchecked(e);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * What a task failed with, to be thrown on the waiting thread: its own unchecked exception or
   * error as it is, anything else wrapped.
   */
  public static RuntimeException unchecked(ExecutionException e) {
    Throwable c = e.getCause();
    if (c instanceof Error) {
      throw (Error) c;
    }
    return c instanceof RuntimeException ? (RuntimeException) c : new IllegalStateException(c);
  }
}
