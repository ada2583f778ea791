package dev.traceguard.commands;

import java.io.PrintWriter;
import java.util.concurrent.CancellationException;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar for long work (bytes read, rate, ETA) on standard error, drawn only when standard
 * error is a terminal ({@link Terminal#progressAllowed()}), so it never mixes into redirected
 * output or JSON. Also the place long work notices it was cancelled (Ctrl-C in the shell
 * interrupts the command's thread): {@link #step} throws {@link CancellationException}.
 *
 * <pre>{@code
 * try (ReadProgress p = ReadProgress.start(err, "reading big.jsonl", size, " MiB", 1 << 20)) {
 *   reader.read(file, p::step);
 * }
 * }</pre>
 */
public final class ReadProgress implements AutoCloseable {
  /** Inputs smaller than this finish before a bar would be worth drawing. */
  public static final long DEFAULT_MIN_BYTES = 64L << 20;

  private final ProgressBar bar;
  private final Consumer consumer;

  private ReadProgress(ProgressBar bar, Consumer consumer) {
    this.bar = bar;
    this.consumer = consumer;
  }

  /**
   * A bar for {@code max} units of work (bytes, records), or a silent one when standard error is
   * not a terminal or the work is smaller than {@code minimum}.
   *
   * @param err where the bar is drawn
   * @param task what is being done, e.g. {@code reading dump.jsonl}
   * @param max total work, or a value below 1 when unknown (no percentage, no ETA)
   * @param minimum draw nothing for less work than this (0: always draw)
   * @param unit unit shown, e.g. {@code " MiB"}
   * @param unitSize work per unit, e.g. {@code 1 << 20} for bytes shown in MiB
   */
  public static ReadProgress start(PrintWriter err, String task, long max, long minimum, String unit, long unitSize) {
    if (!Terminal.progressAllowed() || (max >= 0 && max < minimum)) {
      return new ReadProgress(null, null);
    }
    Consumer consumer = new Consumer(err);
    ProgressBarBuilder b = new ProgressBarBuilder()
        .setTaskName(task.length() > 40 ? task.substring(0, 20) + "…" + task.substring(task.length() - 19) : task)
        .setInitialMax(max > 0 ? max : -1)
        .setUnit(unit, unitSize)
        .showSpeed()
        .setStyle(Terminal.colorAllowed() ? ProgressBarStyle.COLORFUL_UNICODE_BLOCK : ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(250)
        .clearDisplayOnFinish()
        .setConsumer(consumer);
    return new ReadProgress(b.build(), consumer);
  }

  /** Whether a bar is being drawn. */
  public boolean visible() {
    return bar != null;
  }

  /**
   * Records that {@code done} units are done in total.
   *
   * @throws CancellationException when the thread was interrupted (the command was cancelled)
   */
  public void step(long done) {
    if (Thread.currentThread().isInterrupted()) {
      throw new CancellationException("cancelled");
    }
    if (bar != null) {
      bar.stepTo(done);
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
      // A bar closed before its first scheduled update is drawn once and never cleared by the
      // library: clear it here so the next output starts on a clean line.
      if (consumer.drawn) {
        consumer.clear();
      }
    }
  }

  /** Draws on the command's error writer (not System.err), sized to the terminal. */
  private static final class Consumer implements ProgressBarConsumer {
    private final PrintWriter err;
    private volatile boolean drawn;

    Consumer(PrintWriter err) {
      this.err = err;
    }

    @Override
    public int getMaxRenderedLength() {
      return Math.max(40, Terminal.columns() - 1);
    }

    @Override
    public void accept(String rendered) {
      err.print('\r');
      err.print(rendered);
      err.flush();
      drawn = true;
    }

    @Override
    public void clear() {
      err.print("\r\u001b[K");
      err.flush();
      drawn = false;
    }

    @Override
    public void close() {
      err.flush();
    }
  }
}
