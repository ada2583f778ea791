package dev.traceguard.analyzers.replay;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where and how to send OTLP: the settings of the OpenTelemetry OTLP exporters, read from the
 * standard {@code OTEL_EXPORTER_OTLP_*} environment variables with the same meaning, and
 * overridden by flags.
 *
 * <ul>
 *   <li>{@code OTEL_EXPORTER_OTLP_ENDPOINT}: base URL; for HTTP the signal path ({@code
 *       v1/traces}, ...) is appended. {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} (and {@code
 *       _METRICS_}, {@code _LOGS_}) is used as it is. Defaults: {@code http://localhost:4317}
 *       (gRPC), {@code http://localhost:4318} (HTTP).
 *   <li>{@code OTEL_EXPORTER_OTLP_PROTOCOL}: {@code grpc} (default), {@code http/protobuf}, {@code
 *       http/json}.
 *   <li>{@code OTEL_EXPORTER_OTLP_HEADERS} (and per signal): {@code key=value,...}, values
 *       percent-decoded. Header values are secrets: nothing here ever prints them.
 *   <li>{@code OTEL_EXPORTER_OTLP_COMPRESSION}: {@code gzip} or {@code none} (default).
 *   <li>{@code OTEL_EXPORTER_OTLP_TIMEOUT}: milliseconds per request (default 10000).
 *   <li>{@code OTEL_EXPORTER_OTLP_CERTIFICATE}, {@code _CLIENT_CERTIFICATE}, {@code _CLIENT_KEY}:
 *       PEM files for TLS (an {@code https} endpoint).
 * </ul>
 */
public final class ExporterConfig {
  /** OTLP transport protocols. */
  public enum Protocol {
    /** OTLP/gRPC. */
    GRPC("grpc"),
    /** OTLP/HTTP with protobuf bodies. */
    HTTP_PROTOBUF("http/protobuf"),
    /** OTLP/HTTP with OTLP/JSON bodies. */
    HTTP_JSON("http/json");

    private final String id;

    Protocol(String id) {
      this.id = id;
    }

    /** The name used in {@code OTEL_EXPORTER_OTLP_PROTOCOL}. */
    public String id() {
      return id;
    }

    /** The protocol named {@code s}, or null. */
    public static Protocol of(String s) {
      for (Protocol p : values()) {
        if (p.id.equalsIgnoreCase(s.trim())) {
          return p;
        }
      }
      return null;
    }
  }

  private final Protocol protocol;
  private final Map<Signal, URI> endpoints;
  private final Map<Signal, Map<String, String>> headers;
  private final boolean gzip;
  private final Duration timeout;
  private final Path certificate;
  private final Path clientCertificate;
  private final Path clientKey;

  private ExporterConfig(
      Protocol protocol,
      Map<Signal, URI> endpoints,
      Map<Signal, Map<String, String>> headers,
      boolean gzip,
      Duration timeout,
      Path certificate,
      Path clientCertificate,
      Path clientKey) {
    this.protocol = protocol;
    this.endpoints = endpoints;
    this.headers = headers;
    this.gzip = gzip;
    this.timeout = timeout;
    this.certificate = certificate;
    this.clientCertificate = clientCertificate;
    this.clientKey = clientKey;
  }

  /** Flag values; null means "not given", so the environment or the default applies. */
  public static final class Flags {
    /** --endpoint. */
    public String endpoint;
    /** --protocol. */
    public String protocol;
    /** --headers, already split into entries. */
    public java.util.List<String> headers = new java.util.ArrayList<>();
    /** --compression. */
    public String compression;
    /** --timeout. */
    public Duration timeout;
    /** --certificate. */
    public Path certificate;
    /** --client-certificate. */
    public Path clientCertificate;
    /** --client-key. */
    public Path clientKey;
  }

  /**
   * Resolves the settings from {@code env} (e.g. {@code System.getenv()}) and {@code flags}.
   *
   * @throws IllegalArgumentException with a one-line message (never a header value) when a
   *     setting is malformed
   */
  public static ExporterConfig resolve(Map<String, String> env, Flags flags) {
    String protoText = first(flags.protocol, env.get("OTEL_EXPORTER_OTLP_PROTOCOL"), "grpc");
    Protocol protocol = Protocol.of(protoText);
    if (protocol == null) {
      throw new IllegalArgumentException(
          (flags.protocol != null ? "--protocol" : "OTEL_EXPORTER_OTLP_PROTOCOL") + ": '"
              + protoText + "' is not one of grpc, http/protobuf, http/json");
    }
    boolean http = protocol != Protocol.GRPC;
    Map<Signal, URI> endpoints = new EnumMap<>(Signal.class);
    for (Signal s : Signal.values()) {
      String perSignal = env.get("OTEL_EXPORTER_OTLP_" + s.name() + "_ENDPOINT");
      String base;
      String origin;
      if (flags.endpoint != null) {
        base = flags.endpoint;
        origin = "--endpoint";
      } else if (nonEmpty(perSignal)) {
        endpoints.put(s, uri(perSignal, "OTEL_EXPORTER_OTLP_" + s.name() + "_ENDPOINT"));
        continue;
      } else if (nonEmpty(env.get("OTEL_EXPORTER_OTLP_ENDPOINT"))) {
        base = env.get("OTEL_EXPORTER_OTLP_ENDPOINT");
        origin = "OTEL_EXPORTER_OTLP_ENDPOINT";
      } else {
        base = http ? "http://localhost:4318" : "http://localhost:4317";
        origin = "default";
      }
      URI u = uri(base, origin);
      if (http) {
        String p = u.getRawPath() == null ? "" : u.getRawPath();
        u = u.resolve((p.endsWith("/") ? p : p + "/") + s.path());
      }
      endpoints.put(s, u);
    }
    Map<Signal, Map<String, String>> headers = new EnumMap<>(Signal.class);
    for (Signal s : Signal.values()) {
      Map<String, String> h = new LinkedHashMap<>();
      parseHeaders(env.get("OTEL_EXPORTER_OTLP_HEADERS"), "OTEL_EXPORTER_OTLP_HEADERS", h);
      String sig = "OTEL_EXPORTER_OTLP_" + s.name() + "_HEADERS";
      parseHeaders(env.get(sig), sig, h);
      for (String entry : flags.headers) {
        parseHeaders(entry, "--headers", h);
      }
      headers.put(s, Collections.unmodifiableMap(h));
    }
    String comp = first(flags.compression, env.get("OTEL_EXPORTER_OTLP_COMPRESSION"), "none");
    comp = comp.trim().toLowerCase(Locale.ROOT);
    if (!comp.equals("gzip") && !comp.equals("none")) {
      throw new IllegalArgumentException(
          (flags.compression != null ? "--compression" : "OTEL_EXPORTER_OTLP_COMPRESSION")
              + ": '" + comp + "' is not one of gzip, none");
    }
    Duration timeout = flags.timeout;
    if (timeout == null) {
      String t = env.get("OTEL_EXPORTER_OTLP_TIMEOUT");
      if (nonEmpty(t)) {
        try {
          timeout = Duration.ofMillis(Long.parseLong(t.trim()));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "OTEL_EXPORTER_OTLP_TIMEOUT: '" + t + "' is not a number of milliseconds");
        }
      } else {
        timeout = Duration.ofSeconds(10);
      }
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("the export timeout must be positive");
    }
    return new ExporterConfig(
        protocol,
        endpoints,
        headers,
        comp.equals("gzip"),
        timeout,
        path(flags.certificate, env.get("OTEL_EXPORTER_OTLP_CERTIFICATE")),
        path(flags.clientCertificate, env.get("OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE")),
        path(flags.clientKey, env.get("OTEL_EXPORTER_OTLP_CLIENT_KEY")));
  }

  private static Path path(Path flag, String env) {
    return flag != null ? flag : nonEmpty(env) ? Path.of(env.trim()) : null;
  }

  private static boolean nonEmpty(String s) {
    return s != null && !s.trim().isEmpty();
  }

  private static String first(String a, String b, String c) {
    return a != null ? a : nonEmpty(b) ? b : c;
  }

  private static URI uri(String text, String origin) {
    URI u;
    try {
      u = new URI(text.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(origin + ": not a URL (" + e.getReason() + ")");
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || u.getHost() == null) {
      throw new IllegalArgumentException(
          origin + ": expected an http:// or https:// URL with a host, e.g. http://localhost:4317");
    }
    return u;
  }

  /** Adds the entries of a {@code k=v,k2=v2} list; messages name the position, never a value. */
  static void parseHeaders(String text, String origin, Map<String, String> into) {
    if (text == null || text.isBlank()) {
      return;
    }
    String[] entries = text.split(",");
    for (int i = 0; i < entries.length; i++) {
      String e = entries[i].trim();
      if (e.isEmpty()) {
        continue;
      }
      int eq = e.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            origin + ": entry " + (i + 1) + " is not key=value (values are not shown)");
      }
      String key = e.substring(0, eq).trim();
      for (int k = 0; k < key.length(); k++) {
        char c = key.charAt(k);
        if (c <= ' ' || c >= 0x7f || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
          throw new IllegalArgumentException(
              origin + ": entry " + (i + 1) + " has a key that is not a valid header name");
        }
      }
      String value;
      try {
        value = URLDecoder.decode(e.substring(eq + 1).trim().replace("+", "%2B"), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException(
            origin + ": entry " + (i + 1) + " has a malformed percent-encoding (values are not shown)");
      }
      into.put(key.toLowerCase(Locale.ROOT), value);
    }
  }

  /** The protocol. */
  public Protocol protocol() {
    return protocol;
  }

  /** The full URL for a signal (HTTP: with its path; gRPC: host and port are used). */
  public URI endpoint(Signal s) {
    return endpoints.get(s);
  }

  /** Headers for a signal, keys in lower case. Secret: never print the values. */
  public Map<String, String> headers(Signal s) {
    return headers.get(s);
  }

  /** Whether requests are gzip-compressed. */
  public boolean gzip() {
    return gzip;
  }

  /** Per-request timeout. */
  public Duration timeout() {
    return timeout;
  }

  /** PEM file of trusted certificates, or null for the system's. */
  public Path certificate() {
    return certificate;
  }

  /** PEM client certificate chain for mutual TLS, or null. */
  public Path clientCertificate() {
    return clientCertificate;
  }

  /** PEM PKCS#8 client key for mutual TLS, or null. */
  public Path clientKey() {
    return clientKey;
  }

  /** Every header value of every signal (to scrub them from messages). */
  public java.util.Set<String> secretValues() {
    java.util.Set<String> out = new java.util.HashSet<>();
    for (Map<String, String> h : headers.values()) {
      for (String v : h.values()) {
        if (!v.isEmpty()) {
          out.add(v);
        }
      }
    }
    return out;
  }

  /** A URL as safe to print: scheme, host, port and path; no user info, query or fragment. */
  public static String printable(URI u) {
    return u.getScheme() + "://" + u.getHost() + (u.getPort() >= 0 ? ":" + u.getPort() : "")
        + (u.getRawPath() == null ? "" : u.getRawPath());
  }

  /**
   * One line for people: protocol, endpoint, compression, timeout and how many headers are set
   * (names and values are not shown).
   */
  public String describe() {
    URI t = endpoints.get(Signal.TRACES);
    String where = protocol == Protocol.GRPC ? printable(t) : printable(t).replaceFirst("/?v1/traces$", "");
    int n = headers.get(Signal.TRACES).size();
    return protocol.id() + " to " + where + (gzip ? ", gzip" : "") + ", timeout "
        + timeout.toMillis() + " ms" + (n == 0 ? "" : ", " + n + " header" + (n == 1 ? "" : "s")
        + " set (not shown)");
  }
}
