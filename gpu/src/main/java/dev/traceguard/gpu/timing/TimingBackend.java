package dev.traceguard.gpu.timing;

/**
 * The event operations a {@link LaunchTimer} needs: {@code cudaEventCreate}, {@code
 * cudaEventRecord}, {@code cudaEventQuery} and {@code cudaEventElapsedTime}.
 *
 * @param <S> the stream handle type
 * @param <E> the event handle type
 */
public interface TimingBackend<S, E> {
  /** What {@link #elapsedIfDone} returns while either event is still pending. */
  long NOT_DONE = -1;

  /** Creates an event with timing enabled. */
  E create() throws Exception;

  /** Enqueues {@code event} on {@code stream}: it completes when the work before it does. */
  void record(E event, S stream) throws Exception;

  /** Whether {@code event} has completed; never blocks ({@code cudaEventQuery}). */
  boolean done(E event) throws Exception;

  /** Nanoseconds between two completed events ({@code cudaEventElapsedTime}, about 0.5 µs resolution). */
  long elapsedNanos(E start, E stop) throws Exception;

  /**
   * Nanoseconds between two events if both have completed, else {@link #NOT_DONE}; never blocks.
   * One call where {@link #done} and {@link #elapsedNanos} would be two: {@code
   * cudaEventElapsedTime} answers "not ready" by itself.
   */
  default long elapsedIfDone(E start, E stop) throws Exception {
    return done(stop) ? elapsedNanos(start, stop) : NOT_DONE;
  }

  /** Releases {@code event}. */
  void destroy(E event);
}
