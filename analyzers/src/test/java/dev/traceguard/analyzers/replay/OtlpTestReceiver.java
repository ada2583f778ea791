package dev.traceguard.analyzers.replay;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.rpc.RetryInfo;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.traceguard.analyzers.io.otlp.OtlpJsonToProto;
import dev.traceguard.analyzers.io.otlp.OtlpJsonReader;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * A real OTLP receiver for tests: a grpc-java server implementing the collector's TraceService,
 * MetricsService and LogsService (from opentelemetry-proto), and an HTTP server for {@code
 * /v1/traces}, {@code /v1/metrics}, {@code /v1/logs} taking protobuf or JSON, gzip or not. Both
 * listen on free loopback ports and record what arrives and with which headers. Failures can be
 * planned: the next answers, or every answer.
 */
final class OtlpTestReceiver implements AutoCloseable {
  /** A planned answer instead of success. */
  record Failure(Status.Code grpc, int http, String retryAfter, java.time.Duration retryInfo) {}

  private final Server grpc;
  private final HttpServer http;
  private final Deque<Failure> planned = new ArrayDeque<>();
  private Failure always;
  private long rejectPerRequest;
  final List<ResourceSpans> spans = Collections.synchronizedList(new ArrayList<>());
  final List<ResourceMetrics> metrics = Collections.synchronizedList(new ArrayList<>());
  final List<ResourceLogs> logs = Collections.synchronizedList(new ArrayList<>());
  final List<Map<String, String>> headers = Collections.synchronizedList(new ArrayList<>());
  int attempts;

  OtlpTestReceiver() throws IOException {
    ServerInterceptor capture =
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata md, ServerCallHandler<Q, R> next) {
            Map<String, String> h = new HashMap<>();
            for (String k : md.keys()) {
              if (!k.endsWith("-bin")) {
                h.put(k, md.get(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER)));
              }
            }
            headers.add(h);
            return next.startCall(call, md);
          }
        };
    grpc =
        Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
            .addService(ServerInterceptors.intercept(new Traces(), capture))
            .addService(ServerInterceptors.intercept(new Metrics(), capture))
            .addService(ServerInterceptors.intercept(new Logs(), capture))
            .build()
            .start();
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext("/v1/traces", ex -> handle(ex, "traces"));
    http.createContext("/v1/metrics", ex -> handle(ex, "metrics"));
    http.createContext("/v1/logs", ex -> handle(ex, "logs"));
    http.start();
  }

  /** The gRPC base URL. */
  String grpcUrl() {
    return "http://127.0.0.1:" + grpc.getPort();
  }

  /** The HTTP base URL. */
  String httpUrl() {
    return "http://127.0.0.1:" + http.getAddress().getPort();
  }

  /** The next answers fail like this, in order. */
  synchronized void fail(Failure... next) {
    planned.addAll(List.of(next));
  }

  /** Every answer fails like this (null: none). */
  synchronized void failAlways(Failure f) {
    always = f;
  }

  /** Each successful request reports this many records rejected. */
  synchronized void rejectPerRequest(long n) {
    rejectPerRequest = n;
  }

  private synchronized Failure nextFailure() {
    attempts++;
    if (!planned.isEmpty()) {
      return planned.poll();
    }
    return always;
  }

  private synchronized long rejected() {
    return rejectPerRequest;
  }

  private static io.grpc.StatusRuntimeException grpcError(Failure f) {
    com.google.rpc.Status.Builder st =
        com.google.rpc.Status.newBuilder().setCode(f.grpc().value()).setMessage("planned failure");
    if (f.retryInfo() != null) {
      st.addDetails(Any.pack(RetryInfo.newBuilder()
          .setRetryDelay(com.google.protobuf.Duration.newBuilder()
              .setSeconds(f.retryInfo().getSeconds()).setNanos(f.retryInfo().getNano()))
          .build()));
    }
    return StatusProto.toStatusRuntimeException(st.build());
  }

  private final class Traces extends TraceServiceGrpc.TraceServiceImplBase {
    @Override
    public void export(ExportTraceServiceRequest req, StreamObserver<ExportTraceServiceResponse> out) {
      Failure f = nextFailure();
      if (f != null) {
        out.onError(grpcError(f));
        return;
      }
      spans.addAll(req.getResourceSpansList());
      ExportTraceServiceResponse.Builder r = ExportTraceServiceResponse.newBuilder();
      if (rejected() > 0) {
        r.setPartialSuccess(ExportTracePartialSuccess.newBuilder()
            .setRejectedSpans(rejected()).setErrorMessage("too old"));
      }
      out.onNext(r.build());
      out.onCompleted();
    }
  }

  private final class Metrics extends MetricsServiceGrpc.MetricsServiceImplBase {
    @Override
    public void export(ExportMetricsServiceRequest req, StreamObserver<ExportMetricsServiceResponse> out) {
      Failure f = nextFailure();
      if (f != null) {
        out.onError(grpcError(f));
        return;
      }
      metrics.addAll(req.getResourceMetricsList());
      ExportMetricsServiceResponse.Builder r = ExportMetricsServiceResponse.newBuilder();
      if (rejected() > 0) {
        r.setPartialSuccess(ExportMetricsPartialSuccess.newBuilder().setRejectedDataPoints(rejected()));
      }
      out.onNext(r.build());
      out.onCompleted();
    }
  }

  private final class Logs extends LogsServiceGrpc.LogsServiceImplBase {
    @Override
    public void export(ExportLogsServiceRequest req, StreamObserver<ExportLogsServiceResponse> out) {
      Failure f = nextFailure();
      if (f != null) {
        out.onError(grpcError(f));
        return;
      }
      logs.addAll(req.getResourceLogsList());
      ExportLogsServiceResponse.Builder r = ExportLogsServiceResponse.newBuilder();
      if (rejected() > 0) {
        r.setPartialSuccess(ExportLogsPartialSuccess.newBuilder().setRejectedLogRecords(rejected()));
      }
      out.onNext(r.build());
      out.onCompleted();
    }
  }

  private void handle(HttpExchange ex, String signal) throws IOException {
    try (ex) {
      Map<String, String> h = new HashMap<>();
      ex.getRequestHeaders().forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
      headers.add(h);
      byte[] body;
      try (InputStream in = "gzip".equals(h.get("content-encoding"))
          ? new GZIPInputStream(ex.getRequestBody()) : ex.getRequestBody()) {
        body = in.readAllBytes();
      }
      Failure f = nextFailure();
      if (f != null) {
        if (f.retryAfter() != null) {
          ex.getResponseHeaders().add("Retry-After", f.retryAfter());
        }
        byte[] st = com.google.rpc.Status.newBuilder().setCode(14).setMessage("planned failure").build().toByteArray();
        ex.getResponseHeaders().add("Content-Type", "application/x-protobuf");
        ex.sendResponseHeaders(f.http(), st.length);
        ex.getResponseBody().write(st);
        return;
      }
      boolean json = h.getOrDefault("content-type", "").contains("json");
      Message.Builder req;
      Message resp;
      switch (signal) {
        case "traces":
          req = ExportTraceServiceRequest.newBuilder();
          resp = ExportTraceServiceResponse.newBuilder().setPartialSuccess(
              ExportTracePartialSuccess.newBuilder().setRejectedSpans(rejected())).build();
          break;
        case "metrics":
          req = ExportMetricsServiceRequest.newBuilder();
          resp = ExportMetricsServiceResponse.newBuilder().setPartialSuccess(
              ExportMetricsPartialSuccess.newBuilder().setRejectedDataPoints(rejected())).build();
          break;
        default:
          req = ExportLogsServiceRequest.newBuilder();
          resp = ExportLogsServiceResponse.newBuilder().setPartialSuccess(
              ExportLogsPartialSuccess.newBuilder().setRejectedLogRecords(rejected())).build();
          break;
      }
      if (json) {
        try (com.fasterxml.jackson.core.JsonParser p = OtlpJsonReader.jsonFactory().createParser(body)) {
          p.nextToken();
          OtlpJsonToProto.merge(p, req);
        }
      } else {
        req.mergeFrom(body);
      }
      Message m = req.build();
      if (m instanceof ExportTraceServiceRequest) {
        spans.addAll(((ExportTraceServiceRequest) m).getResourceSpansList());
      } else if (m instanceof ExportMetricsServiceRequest) {
        metrics.addAll(((ExportMetricsServiceRequest) m).getResourceMetricsList());
      } else {
        logs.addAll(((ExportLogsServiceRequest) m).getResourceLogsList());
      }
      byte[] out = resp.toByteArray();
      ex.getResponseHeaders().add("Content-Type", "application/x-protobuf");
      ex.sendResponseHeaders(200, out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        ex.getResponseBody().write(out);
      }
    }
  }

  @Override
  public void close() {
    grpc.shutdownNow();
    http.stop(0);
  }
}
