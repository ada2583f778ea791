// A loopback OTLP receiver for benchmarks and end-to-end checks: OTLP/gRPC (collector
// TraceService, MetricsService, LogsService from opentelemetry-proto) and OTLP/HTTP protobuf on
// /v1/traces, /v1/metrics, /v1/logs. It decodes every request fully and counts records, as a
// collector's receiver would before handing data on.
//
//   java -cp cli/target/traceguard.jar bench/OtlpSink.java GRPC_PORT HTTP_PORT COUNTS_FILE
//
// Every second (and at exit) COUNTS_FILE gets one line: "spans metric_points log_records requests".
import com.sun.net.httpserver.HttpServer;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

public class OtlpSink {
  static final AtomicLong SPANS = new AtomicLong();
  static final AtomicLong POINTS = new AtomicLong();
  static final AtomicLong LOGS = new AtomicLong();
  static final AtomicLong REQUESTS = new AtomicLong();

  static void traces(ExportTraceServiceRequest r) {
    REQUESTS.incrementAndGet();
    r.getResourceSpansList().forEach(rs -> rs.getScopeSpansList().forEach(ss -> SPANS.addAndGet(ss.getSpansCount())));
  }

  static void metrics(ExportMetricsServiceRequest r) {
    REQUESTS.incrementAndGet();
    r.getResourceMetricsList().forEach(rm -> rm.getScopeMetricsList().forEach(sm -> sm.getMetricsList().forEach(m -> {
      POINTS.addAndGet(m.getGauge().getDataPointsCount() + m.getSum().getDataPointsCount()
          + m.getHistogram().getDataPointsCount() + m.getSummary().getDataPointsCount()
          + m.getExponentialHistogram().getDataPointsCount());
    })));
  }

  static void logs(ExportLogsServiceRequest r) {
    REQUESTS.incrementAndGet();
    r.getResourceLogsList().forEach(rl -> rl.getScopeLogsList().forEach(sl -> LOGS.addAndGet(sl.getLogRecordsCount())));
  }

  public static void main(String[] args) throws Exception {
    int grpcPort = Integer.parseInt(args[0]);
    int httpPort = Integer.parseInt(args[1]);
    Path counts = Path.of(args[2]);
    var grpc = Grpc.newServerBuilderForPort(grpcPort, InsecureServerCredentials.create())
        .maxInboundMessageSize(64 << 20)
        .addService(new TraceServiceGrpc.TraceServiceImplBase() {
          @Override
          public void export(ExportTraceServiceRequest r, StreamObserver<ExportTraceServiceResponse> o) {
            traces(r);
            o.onNext(ExportTraceServiceResponse.getDefaultInstance());
            o.onCompleted();
          }
        })
        .addService(new MetricsServiceGrpc.MetricsServiceImplBase() {
          @Override
          public void export(ExportMetricsServiceRequest r, StreamObserver<ExportMetricsServiceResponse> o) {
            metrics(r);
            o.onNext(ExportMetricsServiceResponse.getDefaultInstance());
            o.onCompleted();
          }
        })
        .addService(new LogsServiceGrpc.LogsServiceImplBase() {
          @Override
          public void export(ExportLogsServiceRequest r, StreamObserver<ExportLogsServiceResponse> o) {
            logs(r);
            o.onNext(ExportLogsServiceResponse.getDefaultInstance());
            o.onCompleted();
          }
        })
        .build().start();
    HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), httpPort), 64);
    http.setExecutor(Executors.newFixedThreadPool(4));
    for (String path : new String[] {"/v1/traces", "/v1/metrics", "/v1/logs"}) {
      http.createContext(path, ex -> {
        try (ex) {
          byte[] body;
          try (InputStream in = "gzip".equals(ex.getRequestHeaders().getFirst("Content-Encoding"))
              ? new GZIPInputStream(ex.getRequestBody()) : ex.getRequestBody()) {
            body = in.readAllBytes();
          }
          switch (path) {
            case "/v1/traces" -> traces(ExportTraceServiceRequest.parseFrom(body));
            case "/v1/metrics" -> metrics(ExportMetricsServiceRequest.parseFrom(body));
            default -> logs(ExportLogsServiceRequest.parseFrom(body));
          }
          ex.getResponseHeaders().add("Content-Type", "application/x-protobuf");
          ex.sendResponseHeaders(200, -1);
        }
      });
    }
    http.start();
    Runnable write = () -> {
      try {
        Files.writeString(counts, SPANS.get() + " " + POINTS.get() + " " + LOGS.get() + " " + REQUESTS.get() + "\n");
      } catch (Exception e) {
        // next tick
      }
    };
    Runtime.getRuntime().addShutdownHook(new Thread(write));
    System.out.println("listening: grpc " + grpcPort + ", http " + httpPort);
    while (true) {
      write.run();
      Thread.sleep(1000);
    }
  }
}
