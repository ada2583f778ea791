package dev.traceguard.analyzers.replay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.traceguard.analyzers.io.otlp.OtlpJsonWriter;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.SSLContext;

/**
 * OTLP/HTTP over {@code java.net.http}: {@code POST} of the raw export request as protobuf (or
 * OTLP/JSON) to the signal's URL, optionally gzip-compressed. Retryable answers follow the OTLP
 * specification: 429, 502, 503, 504 and connection failures; {@code Retry-After} (seconds or an
 * HTTP date) is honoured. A 200 answer's body is read for partial success.
 */
final class HttpTransport implements OtlpTransport {
  private static final JsonFactory JSON = new JsonFactory();

  private final ExporterConfig config;
  private final HttpClient client;
  private final String userAgent;

  HttpTransport(ExporterConfig config, String userAgent) {
    this.config = config;
    this.userAgent = userAgent;
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(config.timeout());
    if (config.endpoint(Signal.TRACES).getScheme().equalsIgnoreCase("https")) {
      SSLContext ssl = Tls.sslContext(config);
      if (ssl != null) {
        b.sslContext(ssl);
      }
    } else {
      // Plain HTTP: no h2c upgrade dance, which some receivers mishandle for bodies.
      b.version(HttpClient.Version.HTTP_1_1);
    }
    this.client = b.build();
  }

  @Override
  public ExportResult export(Signal signal, Message request) {
    URI uri = config.endpoint(signal);
    boolean json = config.protocol() == ExporterConfig.Protocol.HTTP_JSON;
    byte[] body;
    try {
      body = encode(request, json, config.gzip());
    } catch (IOException e) {
      return ExportResult.failed(false, null, "cannot encode the request: " + e.getMessage());
    }
    HttpRequest.Builder rb =
        HttpRequest.newBuilder(uri)
            .timeout(config.timeout())
            .header("Content-Type", json ? "application/json" : "application/x-protobuf")
            .header("User-Agent", userAgent)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (config.gzip()) {
      rb.header("Content-Encoding", "gzip");
    }
    for (Map.Entry<String, String> h : config.headers(signal).entrySet()) {
      try {
        rb.header(h.getKey(), h.getValue());
      } catch (IllegalArgumentException e) {
        return ExportResult.failed(false, null, "header '" + h.getKey() + "' cannot be set by a client");
      }
    }
    HttpResponse<byte[]> resp;
    try {
      resp = client.send(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpTimeoutException e) {
      return ExportResult.failed(true, null, "no answer within " + config.timeout().toMillis() + " ms");
    } catch (ConnectException e) {
      return ExportResult.failed(true, null, "cannot connect to " + ExporterConfig.printable(uri));
    } catch (IOException e) {
      return ExportResult.failed(true, null, "request failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ExportResult.failed(false, null, "interrupted");
    }
    int code = resp.statusCode();
    if (code >= 200 && code < 300) {
      return partialSuccess(signal, resp.body(), contentType(resp));
    }
    boolean retryable = code == 429 || code == 502 || code == 503 || code == 504;
    Duration after = retryAfter(resp.headers().firstValue("Retry-After").orElse(null));
    return ExportResult.failed(retryable, after, "HTTP " + code + statusMessage(resp.body(), contentType(resp)));
  }

  private static String contentType(HttpResponse<byte[]> resp) {
    return resp.headers().firstValue("Content-Type").orElse("");
  }

  static byte[] encode(Message request, boolean json, boolean gzip) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(request.getSerializedSize() / (gzip ? 4 : 1) + 64);
    try (OutputStream out = gzip ? new GZIPOutputStream(bytes, 1 << 16) : bytes) {
      if (json) {
        try (JsonGenerator g = JSON.createGenerator(out)) {
          OtlpJsonWriter.write(request, g);
        }
      } else {
        request.writeTo(out);
      }
    }
    return bytes.toByteArray();
  }

  private static ExportResult partialSuccess(Signal signal, byte[] body, String contentType) {
    if (body.length == 0 || contentType.contains("json")) {
      // An OTLP/JSON answer with a partial success is rare; count the request as accepted.
      return ExportResult.accepted(0, "");
    }
    try {
      switch (signal) {
        case TRACES:
          ExportTraceServiceResponse t = ExportTraceServiceResponse.parseFrom(body);
          return ExportResult.accepted(
              t.getPartialSuccess().getRejectedSpans(), t.getPartialSuccess().getErrorMessage());
        case METRICS:
          ExportMetricsServiceResponse m = ExportMetricsServiceResponse.parseFrom(body);
          return ExportResult.accepted(
              m.getPartialSuccess().getRejectedDataPoints(), m.getPartialSuccess().getErrorMessage());
        default:
          ExportLogsServiceResponse l = ExportLogsServiceResponse.parseFrom(body);
          return ExportResult.accepted(
              l.getPartialSuccess().getRejectedLogRecords(), l.getPartialSuccess().getErrorMessage());
      }
    } catch (InvalidProtocolBufferException e) {
      return ExportResult.accepted(0, "");
    }
  }

  /** ": message" from a google.rpc.Status body (protobuf), a short text body, or "". */
  private static String statusMessage(byte[] body, String contentType) {
    if (body.length == 0) {
      return "";
    }
    if (contentType.contains("protobuf")) {
      try {
        String m = com.google.rpc.Status.parseFrom(body).getMessage();
        return m.isEmpty() ? "" : ": " + clip(m);
      } catch (InvalidProtocolBufferException e) {
        return "";
      }
    }
    String text = new String(body, 0, Math.min(body.length, 400), StandardCharsets.UTF_8).strip();
    return text.isEmpty() ? "" : ": " + clip(text.replaceAll("\\s+", " "));
  }

  private static String clip(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "…" : s;
  }

  /** A Retry-After value: delay seconds or an HTTP date; null when absent or unreadable. */
  static Duration retryAfter(String v) {
    if (v == null || v.isBlank()) {
      return null;
    }
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(v.trim())));
    } catch (NumberFormatException e) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(v.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
        return d.isNegative() ? Duration.ZERO : d;
      } catch (java.time.format.DateTimeParseException e2) {
        return null;
      }
    }
  }

  @Override
  public void close() {
    // java.net.http clients release their connections when unreachable (Java 17 has no close).
  }
}
