package dev.traceguard.analyzers.slo;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.traceguard.analyzers.io.prom.PrometheusApiJsonReader;
import dev.traceguard.analyzers.io.ReadContext;
import dev.traceguard.analyzers.model.InputSummary;
import dev.traceguard.analyzers.model.Labels;
import dev.traceguard.analyzers.model.MetricSeries;
import dev.traceguard.analyzers.model.ReadError;
import dev.traceguard.analyzers.model.Telemetry;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the rates of SLO indicators from a live Prometheus-compatible HTTP API (Prometheus,
 * Thanos, Mimir, VictoriaMetrics): {@code /api/v1/series} to find the indicators, then {@code
 * /api/v1/query_range} with {@code sum by (group) (rate(...))}, so the server does the rate
 * arithmetic offline mode does itself. Ranges longer than the server's 11,000 points per series
 * are split into several queries.
 */
public final class PrometheusSource {
  /** Prometheus refuses query_range answers with more points per series than this. */
  public static final int MAX_POINTS = 11_000;
  private static final JsonFactory JSON = new JsonFactory();

  /** The server could not be used: down, too slow, an HTTP error, or an answer that is not the API's JSON. */
  public static final class PrometheusException extends Exception {
    private static final long serialVersionUID = 1L;

    /** An error with a one-line message. */
    public PrometheusException(String message) {
      super(message);
    }
  }

  private final URI base;
  private final String token;
  private final Duration timeout;
  private final HttpClient http;
  private int queries;

  /**
   * A source.
   *
   * @param base the server's base URL, e.g. {@code http://prometheus:9090} (a path prefix is kept)
   * @param token bearer token, or null
   * @param timeout limit for connecting and for each request
   */
  public PrometheusSource(URI base, String token, Duration timeout) {
    String b = base.toString();
    this.base = URI.create(b.endsWith("/") ? b : b + "/");
    this.token = token;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
  }

  /** Number of HTTP requests made. */
  public int queries() {
    return queries;
  }

  /** The steps of {@code [startMs, endMs]} aligned to {@code stepMs}, split into ranges of at most {@link #MAX_POINTS}. */
  public static List<long[]> chunks(long startMs, long endMs, long stepMs) {
    long first = Math.floorDiv(startMs + stepMs - 1, stepMs);
    long last = Math.floorDiv(endMs, stepMs);
    List<long[]> out = new ArrayList<>();
    for (long k = first; k <= last; k += MAX_POINTS) {
      out.add(new long[] {k * stepMs, Math.min(last, k + MAX_POINTS - 1) * stepMs});
    }
    return out;
  }

  /** Every indicator's per-group rates over {@code [startMs, endMs]}. */
  public OfflineRates.Result rates(SloOptions o, long startMs, long endMs) throws PrometheusException {
    List<SliCatalog.SeriesInfo> infos = series(o.selector(), startMs, endMs);
    List<Sli> slis = SliCatalog.detect(infos, o.groupBy(), o.errorRegex());
    List<GroupRates> groups = new ArrayList<>();
    String w = SloBaseline.human(o.rateWindow().toMillis());
    for (Sli sli : slis) {
      Map<Labels, GroupRates> byGroup = new LinkedHashMap<>();
      for (SliCatalog.SeriesInfo s : infos) {
        if (sli.component(s.name(), s.labels()) != null) {
          GroupRates g = byGroup.computeIfAbsent(sli.group(s.labels()), k -> GroupRates.empty(sli, k));
          g.example("series", s.labels());
          if (sli.kind() == Sli.Kind.ERRORS) {
            g.example(sli.isError(s.labels()) ? "error" : "ok", s.labels());
          }
        }
      }
      String by = sli.groupBy().isEmpty() ? "" : String.join(", ", sli.groupBy());
      switch (sli.kind()) {
        case LATENCY:
          query(byGroup, sli, "sum by (" + (by.isEmpty() ? "le" : "le, " + by) + ") (rate("
              + o.selector().promql(sli.metric() + "_bucket") + "[" + w + "]))", null, o, startMs, endMs);
          break;
        case ERRORS: {
          query(byGroup, sli, sum(by) + " (rate(" + o.selector().promql(sli.metric()) + "[" + w + "]))", "total", o,
              startMs, endMs);
          Selector errors = o.selector().and(sli.statusLabel(), "=~", sli.errorRegex());
          query(byGroup, sli, sum(by) + " (rate(" + errors.promql(sli.metric()) + "[" + w + "]))", "errors", o,
              startMs, endMs);
          break;
        }
        default:
          query(byGroup, sli, sum(by) + " (rate(" + o.selector().promql(sli.metric() + "_sum") + "[" + w + "]))", "sum", o,
              startMs, endMs);
          query(byGroup, sli, sum(by) + " (rate(" + o.selector().promql(sli.metric() + "_count") + "[" + w + "]))", "count",
              o, startMs, endMs);
          break;
      }
      groups.addAll(byGroup.values());
    }
    return new OfflineRates.Result(slis, groups, new ArrayList<>());
  }

  private static String sum(String by) {
    return by.isEmpty() ? "sum" : "sum by (" + by + ")";
  }

  private void query(Map<Labels, GroupRates> byGroup, Sli sli, String promql, String component, SloOptions o,
      long startMs, long endMs) throws PrometheusException {
    long stepMs = o.step().toMillis();
    for (long[] c : chunks(startMs, endMs, stepMs)) {
      String q = "api/v1/query_range?query=" + enc(promql) + "&start=" + seconds(c[0]) + "&end=" + seconds(c[1])
          + "&step=" + seconds(stepMs);
      Telemetry t = new Telemetry();
      InputSummary summary = t.addInput(base + q);
      try (InputStream body = get(q)) {
        new PrometheusApiJsonReader().read(body, new ReadContext(t, 0));
      } catch (IOException e) {
        throw new PrometheusException(base + ": reading the answer failed: " + e.getMessage());
      }
      if (!summary.errors().isEmpty()) {
        ReadError e = summary.errors().get(0);
        throw new PrometheusException(base + " answered query_range with an unusable body (line " + e.line()
            + ", column " + e.column() + "): " + e.message());
      }
      for (MetricSeries s : t.metrics().series()) {
        Labels l = s.labels();
        String comp = component;
        if (comp == null) {
          String le = l.get("le");
          if (le == null) {
            continue;
          }
          comp = "le:" + le;
          l = l.without("le");
        }
        Labels group = sli.group(l);
        GroupRates g = byGroup.computeIfAbsent(group, k -> GroupRates.empty(sli, k));
        StepSeries target = g.component(comp);
        for (int i = 0; i < s.size(); i++) {
          long ms = Math.floorDiv(s.time(i), 1_000_000L);
          target.add(Math.floorDiv(ms, stepMs), s.value(i));
        }
      }
    }
  }

  private static String seconds(long ms) {
    return ms % 1000 == 0 ? Long.toString(ms / 1000) : String.format(java.util.Locale.ROOT, "%.3f", ms / 1000.0);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** Series matching the selector's counters, via {@code /api/v1/series}. */
  List<SliCatalog.SeriesInfo> series(Selector sel, long startMs, long endMs) throws PrometheusException {
    String inner = sel.inner();
    String match = "{__name__=~\".+_(bucket|count|sum|total)\"" + (inner.isEmpty() ? "" : "," + inner) + "}";
    String q = "api/v1/series?match[]=" + enc(match) + "&start=" + seconds(startMs) + "&end=" + seconds(endMs);
    List<SliCatalog.SeriesInfo> out = new ArrayList<>();
    try (InputStream body = get(q); JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new PrometheusException(base + " answered /api/v1/series with something that is not a JSON object");
      }
      String status = null;
      String error = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String f = p.currentName();
        JsonToken v = p.nextToken();
        if (f.equals("status") && v == JsonToken.VALUE_STRING) {
          status = p.getText();
        } else if (f.equals("error") && v == JsonToken.VALUE_STRING) {
          error = p.getText();
        } else if (f.equals("data") && v == JsonToken.START_ARRAY) {
          while (p.nextToken() == JsonToken.START_OBJECT) {
            Map<String, String> m = new TreeMap<>();
            String name = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String k = p.currentName();
              p.nextToken();
              if (k.equals("__name__")) {
                name = p.getText();
              } else {
                m.put(k, p.getText());
              }
            }
            if (name != null) {
              out.add(new SliCatalog.SeriesInfo(name, Labels.of(m)));
            }
          }
        } else {
          p.skipChildren();
        }
      }
      if (!"success".equals(status)) {
        throw new PrometheusException(base + " answered /api/v1/series with status " + status
            + (error == null ? "" : ": " + error));
      }
    } catch (JsonProcessingException e) {
      throw new PrometheusException(base + " sent malformed JSON for /api/v1/series (line "
          + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + "): " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new PrometheusException(base + ": reading the answer failed: " + e.getMessage());
    }
    return out;
  }

  private InputStream get(String pathAndQuery) throws PrometheusException {
    URI uri = base.resolve(pathAndQuery);
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    queries++;
    HttpResponse<InputStream> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpTimeoutException e) {
      throw new PrometheusException(base + " did not answer within " + timeout.toSeconds() + "s (--timeout)");
    } catch (ConnectException e) {
      throw new PrometheusException("cannot connect to " + base + ": " + (e.getMessage() == null
          ? "connection refused" : e.getMessage()) + "; is it running, and is the URL right?");
    } catch (IOException e) {
      throw new PrometheusException("request to " + base + " failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PrometheusException("interrupted while waiting for " + base);
    }
    int code = r.statusCode();
    if (code / 100 != 2) {
      String text;
      try (InputStream in = r.body()) {
        text = new String(in.readNBytes(400), StandardCharsets.UTF_8).replaceAll("\\s+", " ").trim();
      } catch (IOException e) {
        text = "";
      }
      String hint = code == 401 || code == 403 ? " (check the bearer token: --token-env or --token-file)"
          : code == 400 || code == 422 ? " (the server refused the query)" : code / 100 == 5 ? " (a server-side error)" : "";
      throw new PrometheusException(base + " answered HTTP " + code + hint + (text.isEmpty() ? "" : ": " + text));
    }
    return r.body();
  }
}
