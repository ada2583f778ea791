package dev.traceguard.gpu.timing;

/**
 * The event operations a {@link LaunchTimer} needs: {@code cudaEventCreate}, {@code
 * cudaEventRecord}, {@code cudaEventQuery} and {@code cudaEventElapsedTime}.
 *
 * @param <S> the stream handle type
 * @param <E> the event handle type
 */
public interface TimingBackend<S, E> {
  /** Creates an event with timing enabled. */
  E create() throws Exception;

  /** Enqueues {@code event} on {@code stream}: it completes when the work before it does. */
  void record(E event, S stream) throws Exception;

  /** Whether {@code event} has completed; never blocks ({@code cudaEventQuery}). */
  boolean done(E event) throws Exception;

  /** Nanoseconds between two completed events ({@code cudaEventElapsedTime}, about 0.5 µs resolution). */
  long elapsedNanos(E start, E stop) throws Exception;

  /** Releases {@code event}. */
  void destroy(E event);
}
