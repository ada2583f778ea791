#!/usr/bin/env python3
"""Writes the sample dumps under testdata/metrics-broken/: one file per metrics-analyzer rule.

    python3 testdata/generate_metrics_broken.py

Deterministic (fixed seeds, the base time of generate.py, 2026-11-20T10:00:00Z) and built on
the span and number helpers of generate.py, so the services, hosts and scopes are the same as
in clean/ and metrics/. Each file tells one story; expected.json lists the findings to expect.

counter-reset.om.txt       promtool tsdb dump-openmetrics shape, 30 min at 15 s, two inference
                           pods. On inference-0 a model hot reload re-registers
                           inference_requests_total at 10:12:30 (it restarts from 0 while the
                           process lives: process_start_time_seconds unchanged, up stays 1): a
                           reset rate() miscounts. inference-1 really restarts at 10:20:07 (one
                           failed scrape, new process_start_time_seconds): not a finding.
histogram-overflow.prom    Prometheus text 0.0.4 scrape of a Java inference service whose
                           inference_generation_seconds buckets end at 10 s while long generations
                           take 20-60 s: about 30% land in +Inf. inference_ttft_seconds is fine.
missing-ai-labels.prom     text 0.0.4 scrape where inference_tokens_generated_total and
                           inference_queue_wait_seconds lack the model label that
                           inference_requests_total{model="mistral-7b"} has.
high-cardinality.om.txt    OpenMetrics scrape (TYPE, _created, # EOF) with a request_id label of
                           UUIDs, a prompt label holding prompts, and a tenant label of 1200 values.
gen-ai-metrics.otlp.jsonl  OTLP/JSON metrics (collector file exporter) from the inference service:
                           gen_ai.client.token.usage without gen_ai.request.model; the duration
                           histogram and a counter that restarts with a new start time are fine.
errors.otlp.jsonl          OTLP/JSON traces and logs, 120 requests over 4 minutes for two models,
                           with CUDA OOM, JVM OOM, timeouts, prompts over the context length, bad
                           JSON, and model-server unreachable; error logs linked to their spans, a
                           few without trace context. Context-clean: only error-taxonomy fires.
"""

import json
import math
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate as g  # noqa: E402  (the shared helpers of testdata/generate.py)

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "metrics-broken")

BASE_S = g.BASE_S
EXPECTED = {}


def write(name, text, rules):
    with open(os.path.join(HERE, name), "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    EXPECTED[name] = rules


def om_dump(series):
    """promtool tsdb dump-openmetrics: series sorted by labels, samples '%g %.3f', # EOF."""
    out = []
    for key in sorted(series):
        name = dict(key)["__name__"]
        lab = g.prom_labels([kv for kv in key if kv[0] != "__name__"])
        for ts, v in series[key]:
            out.append("%s%s %s %.3f\n" % (name, lab, g.go_g(v), ts))
    return "".join(out) + "# EOF\n"


def key(name, labels):
    return tuple(sorted([("__name__", name)] + labels))


# ---------------------------------------------------------------------------------------------
# counter-reset.om.txt


def gen_counter_reset():
    rng = random.Random("metrics-broken/counter-reset")
    series = {}
    steps = 121
    for pod in ("inference-0", "inference-1"):
        job = [("instance", pod + ":8080"), ("job", "inference")]
        start = BASE_S - 2 * 3600 - rng.uniform(0, 900)
        total = rng.randint(9000, 12000)
        tokens = total * 230
        restart_at = BASE_S + 20 * 60 + 7  # inference-1 only
        restarted = False
        for step in range(steps):
            ts = BASE_S + step * 15
            up = 1
            if pod == "inference-0" and ts == BASE_S + 12 * 60 + 30:
                # hot reload of the model re-registers the counter: it starts again from 0
                total = 0
            if pod == "inference-1" and restart_at - 15 < ts <= restart_at:
                up = 0
            if pod == "inference-1" and ts > restart_at and not restarted:
                restarted = True
                start = restart_at - 0.4
                total = 0
                tokens = 0
            n = rng.randint(55, 95)
            total += n
            tokens += n * rng.randint(180, 280)
            series.setdefault(key("up", job), []).append((ts, up))
            if up == 0:
                continue  # a failed scrape stores only up=0
            series.setdefault(key("process_start_time_seconds", job), []).append((ts, round(start, 3)))
            series.setdefault(key("inference_requests_total", [("model", g.MODEL)] + job), []).append((ts, total))
            series.setdefault(key("inference_tokens_total", [("model", g.MODEL)] + job), []).append((ts, tokens))
            series.setdefault(key("vllm:num_requests_running", [("model_name", g.MODEL)] + job), []).append(
                (ts, rng.randint(2, 24)))
    write("counter-reset.om.txt", om_dump(series), {"counter-reset": 1})


# ---------------------------------------------------------------------------------------------
# histogram-overflow.prom


GEN_BUCKETS = [0.25, 0.5, 1.0, 2.5, 5.0, 10.0]
TTFT_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5]


def histogram_lines(name, labels, buckets, values):
    lines = []
    for b in buckets:
        lines.append("%s_bucket%s %s" % (name, g.prom_labels(labels + [("le", repr(b))]),
                                         g.java_double(sum(1 for v in values if v <= b))))
    lines.append("%s_bucket%s %s" % (name, g.prom_labels(labels + [("le", "+Inf")]), g.java_double(len(values))))
    lines.append("%s_count%s %s" % (name, g.prom_labels(labels), g.java_double(len(values))))
    lines.append("%s_sum%s %s" % (name, g.prom_labels(labels), g.java_double(round(sum(values), 6))))
    return lines


def gen_histogram_overflow():
    rng = random.Random("metrics-broken/histogram-overflow")
    model = [("model", g.MODEL)]
    # chat completions: short answers 1-8 s, long generations (summaries, code) 15-70 s
    gen = [rng.lognormvariate(math.log(3.2), 0.5) if rng.random() < 0.7 else rng.uniform(15, 70)
           for _ in range(6400)]
    ttft = [rng.lognormvariate(math.log(0.09), 0.6) for _ in range(6400)]
    out = ["# HELP inference_generation_seconds Time to generate a full completion",
           "# TYPE inference_generation_seconds histogram"]
    out += histogram_lines("inference_generation_seconds", model, GEN_BUCKETS, gen)
    out += ["# HELP inference_ttft_seconds Time to first token", "# TYPE inference_ttft_seconds histogram"]
    out += histogram_lines("inference_ttft_seconds", model, TTFT_BUCKETS, ttft)
    out += ["# HELP inference_requests_total Inference requests served, by model",
            "# TYPE inference_requests_total counter",
            "inference_requests_total%s %s" % (g.prom_labels(model), g.java_double(6400)),
            "# HELP process_start_time_seconds Start time of the process since unix epoch.",
            "# TYPE process_start_time_seconds gauge",
            "process_start_time_seconds %s" % g.java_double(BASE_S - 5 * 3600 + 0.113)]
    write("histogram-overflow.prom", "\n".join(out) + "\n", {"histogram-overflow": 1})


# ---------------------------------------------------------------------------------------------
# missing-ai-labels.prom


def gen_missing_labels():
    rng = random.Random("metrics-broken/missing-ai-labels")
    waits = [rng.expovariate(1 / 0.04) for _ in range(5210)]
    out = ["# HELP inference_requests_total Inference requests served, by model",
           "# TYPE inference_requests_total counter",
           'inference_requests_total{model="mistral-7b"} 5210.0',
           "# HELP inference_tokens_generated_total Tokens generated",
           "# TYPE inference_tokens_generated_total counter",
           "inference_tokens_generated_total %s" % g.java_double(5210 * 212),
           "# HELP inference_queue_wait_seconds Time a request waits for a batch slot",
           "# TYPE inference_queue_wait_seconds histogram"]
    out += histogram_lines("inference_queue_wait_seconds", [], [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0],
                           waits)
    out += ["# HELP jvm_threads_live_threads The current number of live threads",
            "# TYPE jvm_threads_live_threads gauge", "jvm_threads_live_threads 57.0"]
    write("missing-ai-labels.prom", "\n".join(out) + "\n", {"missing-ai-labels": 2})


# ---------------------------------------------------------------------------------------------
# high-cardinality.om.txt

PROMPTS = [
    "Summarise this support ticket in two sentences for the on-call engineer",
    "Translate the following product description into German and keep the formatting",
    "Write a SQL query that lists the ten customers with the highest monthly spend",
    "Explain why the build fails with a missing symbol error after the upgrade",
    "Draft a polite reply declining the meeting invitation for next Tuesday",
    "Classify the sentiment of this review as positive, negative or neutral",
    "Generate five test cases for a function that parses ISO 8601 durations",
    "Rewrite this paragraph so that a ten year old can understand it easily",
    "List the risks of migrating the billing database during business hours",
    "Suggest a name for a service that batches inference requests per model",
    "What is the difference between a counter and a gauge in Prometheus metrics",
    "Summarise the incident timeline below and name the first failing component",
]


def gen_high_cardinality():
    rng = random.Random("metrics-broken/high-cardinality")
    created = BASE_S - 3 * 3600 + 0.25
    out = ["# TYPE inference_request_tokens counter",
           "# HELP inference_request_tokens Tokens per request (labelled by request id: a bug)"]
    for _ in range(60):
        labels = [("model", g.MODEL), ("request_id", g.uuid4(rng))]
        out.append("inference_request_tokens_total%s %d" % (g.prom_labels(labels), rng.randint(60, 2200)))
        out.append("inference_request_tokens_created%s %.3f" % (g.prom_labels(labels), created))
    out += ["# TYPE inference_prompt_cache_hits counter",
            "# HELP inference_prompt_cache_hits Prompt cache hits, by prompt"]
    for p in PROMPTS:
        labels = [("model", g.MODEL), ("prompt", p)]
        out.append("inference_prompt_cache_hits_total%s %d" % (g.prom_labels(labels), rng.randint(1, 40)))
        out.append("inference_prompt_cache_hits_created%s %.3f" % (g.prom_labels(labels), created))
    out += ["# TYPE gateway_requests counter", "# HELP gateway_requests Requests accepted, by tenant"]
    for i in range(1200):
        labels = [("route", "/v1/chat/completions"), ("tenant", "tenant-%04d" % (i * 7 % 10000))]
        out.append("gateway_requests_total%s %d" % (g.prom_labels(labels), rng.randint(1, 900)))
    out.append("# EOF")
    write("high-cardinality.om.txt", "\n".join(out) + "\n", {"high-cardinality": 3})


# ---------------------------------------------------------------------------------------------
# gen-ai-metrics.otlp.jsonl


def gen_otlp_metrics():
    rng = random.Random("metrics-broken/otlp-metrics")
    res = g.RES["inference"][0]
    proc_start = (BASE_S - 3600) * g.SEC + 112 * g.MS
    restart = (BASE_S + 600) * g.SEC + 40 * g.MS
    bounds = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92]
    model_attr = [("gen_ai.operation.name", "chat"), ("gen_ai.provider.name", "vllm"),
                  ("gen_ai.request.model", g.MODEL)]
    lines = []
    counts = [0] * (len(bounds) + 1)
    total, dsum, requests, tokens_in, tokens_out = 0, 0.0, 0, 0, 0
    for step in range(20):
        t = (BASE_S + step * 60) * g.SEC
        start = proc_start
        if t > restart:
            start = restart
            if requests > 0 and step == 11:
                requests = 0  # the counter restarts with its process: new start time
        for _ in range(rng.randint(40, 70)):
            d = rng.lognormvariate(math.log(1.8), 0.55)
            i = next((k for k, b in enumerate(bounds) if d <= b), len(bounds))
            counts[i] += 1
            total += 1
            dsum += d
            requests += 1
            tokens_in += rng.randint(40, 1800)
            tokens_out += rng.randint(12, 420)
        metrics = [
            {"name": "gen_ai.server.request.duration", "unit": "s",
             "description": "Generative AI server request duration",
             "histogram": {"aggregationTemporality": 2, "dataPoints": [{
                 "attributes": g.kvs(model_attr), "startTimeUnixNano": str(proc_start), "timeUnixNano": str(t),
                 "count": str(total), "sum": round(dsum, 6), "bucketCounts": [str(c) for c in counts],
                 "explicitBounds": bounds}]}},
            {"name": "gen_ai.client.token.usage", "unit": "{token}",
             "description": "Number of input and output tokens used",
             "sum": {"aggregationTemporality": 2, "isMonotonic": True, "dataPoints": [
                 {"attributes": g.kvs([("gen_ai.token.type", "input")]), "startTimeUnixNano": str(proc_start),
                  "timeUnixNano": str(t), "asInt": str(tokens_in)},
                 {"attributes": g.kvs([("gen_ai.token.type", "output")]), "startTimeUnixNano": str(proc_start),
                  "timeUnixNano": str(t), "asInt": str(tokens_out)}]}},
            {"name": "inference.requests", "unit": "{request}", "description": "Requests served",
             "sum": {"aggregationTemporality": 2, "isMonotonic": True, "dataPoints": [
                 {"attributes": g.kvs([("gen_ai.request.model", g.MODEL)]), "startTimeUnixNano": str(start),
                  "timeUnixNano": str(t), "asInt": str(requests)}]}},
        ]
        lines.append(g.dumps({"resourceMetrics": [{"resource": res.json(), "scopeMetrics": [
            {"scope": {"name": g.S_GENAI[0], "version": g.S_GENAI[1]}, "metrics": metrics}],
            "schemaUrl": g.SCHEMA}]}))
    write("gen-ai-metrics.otlp.jsonl", "\n".join(lines) + "\n", {"missing-ai-labels": 1})


# ---------------------------------------------------------------------------------------------
# errors.otlp.jsonl

JAVA_OOM_TRACE = (
    "java.lang.OutOfMemoryError: Java heap space\n"
    "\tat java.base/java.util.Arrays.copyOf(Arrays.java:3537)\n"
    "\tat com.example.inference.engine.KvCache.grow(KvCache.java:88)\n"
    "\tat com.example.inference.engine.LlmEngine.generate(LlmEngine.java:151)\n"
    "\tat com.example.inference.genai.ChatService.chat(ChatService.java:77)\n"
    "\tat java.base/java.lang.Thread.run(Thread.java:1583)\n")

JAVA_CONNECT_TRACE = (
    "org.springframework.web.client.ResourceAccessException: I/O error on POST request for "
    "\"http://model-server:8000/generate\": Connection refused\n"
    "\tat org.springframework.web.client.DefaultRestClient.createResourceAccessException(DefaultRestClient.java:692)\n"
    "\tat com.example.inference.genai.RemoteEngineClient.generate(RemoteEngineClient.java:61)\n"
    "Caused by: java.net.ConnectException: Connection refused\n"
    "\tat java.base/sun.nio.ch.Net.pollConnect(Native Method)\n")


def find(node, tag):
    if node.tag == tag:
        return node
    for c in node.children:
        f = find(c, tag)
        if f:
            return f
    return None


def restatus(node, code, server):
    node.late_attrs = [a for a in node.late_attrs if a[0] not in ("http.response.status_code", "error.type")]
    node.status = None
    g.set_http_status(node, code, server)


def strip_response(chat):
    chat.attrs = [a for a in chat.attrs if not a[0].startswith(("gen_ai.response", "gen_ai.usage"))]


def error_request(rng, ids, start, kind, model):
    g.MODEL, g.RESPONSE_MODEL = model
    variant = {"oom": "B", "timeout": "A", "upstream": "B"}.get(kind, rng.choice("ABC"))
    o = g.Opts(variant=variant, error=kind if kind in ("oom", "timeout", "context") else None,
               gw=rng.randrange(2), inf=rng.randrange(3), ms=rng.randrange(2), auth=rng.random() < 0.5)
    root = g.pipeline(rng, o)
    inf, gw_client = find(root, "inf.server"), find(root, "gw.client")
    if kind == "jvm-oom":
        o.variant = "A"
        chat = find(root, "chat")
        chat.children = []
        chat.leaf_dur = int(rng.uniform(300, 900) * g.MS)
        strip_response(chat)
        chat.late_attrs.append(("error.type", "java.lang.OutOfMemoryError"))
        chat.status = (2, "Java heap space")
        chat.events.append(g.exception_event(-int(0.2 * g.MS), "java.lang.OutOfMemoryError", "Java heap space",
                                             JAVA_OOM_TRACE))
        restatus(inf, 500, True)
        restatus(gw_client, 500, False)
        restatus(root, 502, True)
    elif kind == "upstream":
        chat, call = find(root, "chat"), find(root, "inf.client")
        call.children = []
        call.leaf_dur = int(rng.uniform(1, 3) * g.MS)
        restatus(call, 200, False)
        call.late_attrs = [a for a in call.late_attrs if a[0] != "http.response.status_code"]
        call.late_attrs.append(("error.type", "java.net.ConnectException"))
        call.status = (2, "Connection refused")
        call.events.append(g.exception_event(-int(0.1 * g.MS), "java.net.ConnectException",
                                             "Connection refused", JAVA_CONNECT_TRACE))
        strip_response(chat)
        etype = "org.springframework.web.client.ResourceAccessException"
        chat.late_attrs.append(("error.type", etype))
        chat.status = (2, "I/O error on POST request for \"http://model-server:8000/generate\": Connection refused")
        chat.events.append(g.exception_event(-int(0.1 * g.MS), etype, chat.status[1], JAVA_CONNECT_TRACE))
        restatus(inf, 502, True)
        restatus(gw_client, 502, False)
        restatus(root, 502, True)
    elif kind == "bad-json":
        inf.children = []
        inf.leaf_dur = int(rng.uniform(1.5, 4) * g.MS)
        restatus(inf, 400, True)
        restatus(gw_client, 400, False)
        restatus(root, 400, True)
    spans, tags = g.build(root, start, ids.trace(), ids, rng)
    return spans, tags


def log_record(span, res, severity, text, body, attrs, t):
    d = {"timeUnixNano": str(t), "observedTimeUnixNano": str(t + 3 * g.MS), "severityNumber": severity,
         "severityText": text, "body": {"stringValue": body}, "attributes": g.kvs(attrs)}
    if span is not None:
        d.update({"traceId": span.trace_id, "spanId": span.span_id, "flags": 1})
    return (t, res, d)


def gen_errors():
    rng = random.Random("metrics-broken/errors")
    ids = g.Ids(rng)
    models = [("llama-3-8b", "meta-llama/Meta-Llama-3-8B-Instruct"),
              ("mistral-7b", "mistralai/Mistral-7B-Instruct-v0.3")]
    t0 = g.BASE_NS + 3600 * g.SEC
    spans, logs = [], []
    kinds = {3: "oom", 5: "timeout", 7: "context", 9: "jvm-oom", 13: "bad-json", 17: "upstream"}
    for i in range(120):
        start = t0 + i * 2000 * g.MS + int(rng.uniform(0, 1600) * g.MS)
        kind = kinds.get(i % 20)
        model = models[1] if i % 3 == 0 else models[0]
        s, tags = error_request(rng, ids, start, kind, model)
        spans += s
        if kind == "oom":
            ms = tags["ms.server"][0]
            logs.append(log_record(ms, ms.res, 17, "ERROR", "CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has"
                                   " a total capacity of 79.10 GiB of which 1.21 GiB is free.",
                                   [("exception.type", "torch.OutOfMemoryError")], ms.end - 2 * g.MS))
        if kind == "jvm-oom":
            srv = tags["inf.server"][0]
            logs.append(log_record(srv, srv.res, 21, "FATAL",
                                   "Servlet.service() for servlet [dispatcherServlet] threw exception",
                                   [("exception.message", "Java heap space"),
                                    ("exception.type", "java.lang.OutOfMemoryError")], srv.end - 1 * g.MS))
        if kind == "bad-json":
            srv = tags["inf.server"][0]
            logs.append(log_record(srv, srv.res, 13, "WARN",
                                   "Resolved [org.springframework.http.converter.HttpMessageNotReadableException: "
                                   "JSON parse error: Unexpected character ('}' (code 125))]", [], srv.end - g.MS))
    g.MODEL, g.RESPONSE_MODEL = models[0]
    # the billing service lost its database pool for a moment: errors with no trace context
    bill = g.RES["billing"][0]
    for k in range(3):
        t = t0 + (70 + k * 11) * g.SEC
        logs.append(log_record(None, bill, 17, "ERROR", "HikariPool-1 - Connection is not available, request timed"
                               " out after 30000ms.",
                               [("exception.message", "HikariPool-1 - Connection is not available, request timed"
                                 " out after 30000ms."),
                                ("exception.type", "java.sql.SQLTransientConnectionException")], t))
    lines = [g.dumps({"resourceSpans": g.group_resource_spans(b)}) for b in g.export_lines(spans, rng)]
    by_res = {}
    for t, res, d in sorted(logs, key=lambda x: x[0]):
        by_res.setdefault(res.instance, (res, []))[1].append(d)
    for res, records in by_res.values():
        lines.append(g.dumps({"resourceLogs": [{"resource": res.json(), "scopeLogs": [
            {"scope": {"name": "io.opentelemetry.logback-appender-1.0", "version": "2.10.0-alpha"},
             "logRecords": records}], "schemaUrl": g.SCHEMA}]}))
    write("errors.otlp.jsonl", "\n".join(lines) + "\n", {"error-taxonomy": 1})


def main():
    gen_counter_reset()
    gen_histogram_overflow()
    gen_missing_labels()
    gen_high_cardinality()
    gen_otlp_metrics()
    gen_errors()
    with open(os.path.join(HERE, "expected.json"), "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(EXPECTED, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
