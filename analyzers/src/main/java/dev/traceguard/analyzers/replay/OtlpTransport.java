package dev.traceguard.analyzers.replay;

import com.google.protobuf.Message;

/**
 * Sends one OTLP export request and reports the answer. Implementations never throw for what the
 * network or the receiver does: every outcome is an {@link ExportResult}.
 */
public interface OtlpTransport extends AutoCloseable {
  /**
   * Sends {@code request} (an {@code Export*ServiceRequest} of {@code signal}).
   *
   * @return the receiver's answer
   */
  ExportResult export(Signal signal, Message request);

  /** Releases connections. */
  @Override
  void close();
}
