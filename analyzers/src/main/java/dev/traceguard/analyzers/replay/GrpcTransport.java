package dev.traceguard.analyzers.replay;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.rpc.RetryInfo;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * OTLP/gRPC over grpc-java: the collector's {@code Export} calls with the raw request, headers as
 * metadata, optional gzip. Retryable codes follow the OTLP specification (CANCELLED,
 * DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE, UNAVAILABLE, DATA_LOSS, and RESOURCE_EXHAUSTED when
 * the server sends RetryInfo); a RetryInfo delay is honoured.
 */
final class GrpcTransport implements OtlpTransport {
  private final ExporterConfig config;
  private final Map<Signal, ManagedChannel> channels = new EnumMap<>(Signal.class);

  GrpcTransport(ExporterConfig config, String userAgent) {
    this.config = config;
    Map<URI, ManagedChannel> byTarget = new java.util.HashMap<>();
    for (Signal s : Signal.values()) {
      URI u = config.endpoint(s);
      URI key = URI.create(u.getScheme() + "://" + u.getHost() + ":" + port(u));
      channels.put(s, byTarget.computeIfAbsent(key, k -> channel(k, userAgent)));
    }
  }

  private static int port(URI u) {
    return u.getPort() >= 0 ? u.getPort() : u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
  }

  private ManagedChannel channel(URI target, String userAgent) {
    ChannelCredentials creds;
    if (target.getScheme().equalsIgnoreCase("https")) {
      TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
      try {
        if (config.certificate() != null) {
          tls.trustManager(config.certificate().toFile());
        }
        if (config.clientCertificate() != null) {
          if (config.clientKey() == null) {
            throw new IllegalArgumentException("a client certificate needs a client key (--client-key)");
          }
          tls.keyManager(config.clientCertificate().toFile(), config.clientKey().toFile());
        }
      } catch (IOException e) {
        throw new IllegalArgumentException("TLS setup failed: " + e.getMessage());
      }
      creds = tls.build();
    } else {
      creds = InsecureChannelCredentials.create();
    }
    return Grpc.newChannelBuilderForAddress(target.getHost(), port(target), creds)
        .userAgent(userAgent)
        .maxInboundMessageSize(4 << 20)
        .build();
  }

  @Override
  public ExportResult export(Signal signal, Message request) {
    Metadata md = new Metadata();
    for (Map.Entry<String, String> h : config.headers(signal).entrySet()) {
      try {
        md.put(Metadata.Key.of(h.getKey(), Metadata.ASCII_STRING_MARSHALLER), h.getValue());
      } catch (IllegalArgumentException e) {
        return ExportResult.failed(false, null, "header '" + h.getKey() + "' is not valid gRPC metadata");
      }
    }
    ManagedChannel ch = channels.get(signal);
    long deadline = config.timeout().toMillis();
    try {
      switch (signal) {
        case TRACES: {
          TraceServiceGrpc.TraceServiceBlockingStub stub =
              TraceServiceGrpc.newBlockingStub(ch)
                  .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
                  .withDeadlineAfter(deadline, TimeUnit.MILLISECONDS);
          if (config.gzip()) {
            stub = stub.withCompression("gzip");
          }
          ExportTraceServiceResponse r = stub.export((ExportTraceServiceRequest) request);
          return ExportResult.accepted(
              r.getPartialSuccess().getRejectedSpans(), r.getPartialSuccess().getErrorMessage());
        }
        case METRICS: {
          MetricsServiceGrpc.MetricsServiceBlockingStub stub =
              MetricsServiceGrpc.newBlockingStub(ch)
                  .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
                  .withDeadlineAfter(deadline, TimeUnit.MILLISECONDS);
          if (config.gzip()) {
            stub = stub.withCompression("gzip");
          }
          ExportMetricsServiceResponse r = stub.export((ExportMetricsServiceRequest) request);
          return ExportResult.accepted(
              r.getPartialSuccess().getRejectedDataPoints(), r.getPartialSuccess().getErrorMessage());
        }
        default: {
          LogsServiceGrpc.LogsServiceBlockingStub stub =
              LogsServiceGrpc.newBlockingStub(ch)
                  .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
                  .withDeadlineAfter(deadline, TimeUnit.MILLISECONDS);
          if (config.gzip()) {
            stub = stub.withCompression("gzip");
          }
          ExportLogsServiceResponse r = stub.export((ExportLogsServiceRequest) request);
          return ExportResult.accepted(
              r.getPartialSuccess().getRejectedLogRecords(), r.getPartialSuccess().getErrorMessage());
        }
      }
    } catch (StatusRuntimeException e) {
      return failure(e);
    }
  }

  private static ExportResult failure(StatusRuntimeException e) {
    Status.Code code = e.getStatus().getCode();
    Duration retryAfter = null;
    com.google.rpc.Status details = StatusProto.fromThrowable(e);
    if (details != null) {
      for (Any any : details.getDetailsList()) {
        if (any.is(RetryInfo.class)) {
          try {
            com.google.protobuf.Duration d = any.unpack(RetryInfo.class).getRetryDelay();
            retryAfter = Duration.ofSeconds(d.getSeconds(), d.getNanos());
          } catch (InvalidProtocolBufferException ignored) {
            // an unreadable RetryInfo is ignored: the backoff applies
          }
        }
      }
    }
    boolean retryable;
    switch (code) {
      case CANCELLED:
      case DEADLINE_EXCEEDED:
      case ABORTED:
      case OUT_OF_RANGE:
      case UNAVAILABLE:
      case DATA_LOSS:
        retryable = true;
        break;
      case RESOURCE_EXHAUSTED:
        retryable = retryAfter != null;
        break;
      default:
        retryable = false;
    }
    String desc = e.getStatus().getDescription();
    return ExportResult.failed(
        retryable, retryAfter, "gRPC " + code + (desc == null || desc.isEmpty() ? "" : ": " + clip(desc)));
  }

  private static String clip(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "…" : s;
  }

  @Override
  public void close() {
    for (ManagedChannel ch : new java.util.HashSet<>(channels.values())) {
      ch.shutdownNow();
      try {
        ch.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** A transport for the configured protocol. */
  static OtlpTransport create(ExporterConfig config, String userAgent) {
    return config.protocol() == ExporterConfig.Protocol.GRPC
        ? new GrpcTransport(config, userAgent)
        : new HttpTransport(config, userAgent);
  }
}
