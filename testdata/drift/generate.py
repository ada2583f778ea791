#!/usr/bin/env python3
"""Writes the drift sample dumps beside this script (deterministic: fixed seeds, base time
2026-11-20T10:00:00Z; Python standard library only).

    python3 testdata/drift/generate.py

A `classifier` service routes support tickets with llama-3-8b served by vLLM. Every request is one
`chat llama-3-8b` CLIENT span carrying the current gen_ai.* attributes plus the model's answer
(`app.prediction.label`, `app.prediction.confidence`); the model version is the span attribute
`model.version`. The vLLM side exports the `vllm:e2e_request_latency_seconds` histogram per model
and version (one scrape at the end of the window).

- rollout.jsonl / rollout-metrics.prom: v2 is rolled out next to v1 (400 requests each). v2 is
  slower (median ~180 ms vs ~120 ms), less confident (median ~0.56 vs ~0.82) and files more
  tickets under "other". Token counts and finish reasons are unchanged.
- clean-rollout.jsonl / clean-rollout-metrics.prom: the same rollout where v2 behaves like v1.
- baseline.jsonl: last week's traffic, v1 only (400 requests), for `--baseline`.
"""

import json
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
BASE_NS = 1795168800 * 10**9
LABELS = ["billing", "technical", "account", "other"]
BOUNDS = [0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1.0, 2.5, 10.0]


def kv(k, v):
    if isinstance(v, bool):
        return {"key": k, "value": {"boolValue": v}}
    if isinstance(v, int):
        return {"key": k, "value": {"intValue": str(v)}}
    if isinstance(v, float):
        return {"key": k, "value": {"doubleValue": v}}
    if isinstance(v, list):
        return {"key": k, "value": {"arrayValue": {"values": [{"stringValue": x} for x in v]}}}
    return {"key": k, "value": {"stringValue": v}}


def requests(rng, version, n, drifted, start_ns):
    """n requests of one model version; returns (spans, latencies in seconds)."""
    spans, lat = [], []
    t = start_ns
    for _ in range(n):
        t += int(rng.uniform(200, 1800) * 1e6)
        ms = rng.lognormvariate(math.log(180 if drifted else 120), 0.25)
        conf = rng.betavariate(5, 4) if drifted else rng.betavariate(8, 2)
        weights = [0.25, 0.25, 0.2, 0.3] if drifted else [0.32, 0.3, 0.28, 0.1]
        label = rng.choices(LABELS, weights)[0]
        tin = max(40, int(rng.gauss(420, 60)))
        tout = rng.randint(3, 9)
        trace = "%032x" % rng.getrandbits(128)
        span = "%016x" % rng.getrandbits(64)
        attrs = [kv("gen_ai.operation.name", "chat"), kv("gen_ai.provider.name", "vllm"),
                 kv("gen_ai.request.model", "llama-3-8b"), kv("gen_ai.response.model", "llama-3-8b"),
                 kv("model.version", version), kv("gen_ai.request.max_tokens", 16),
                 kv("gen_ai.request.temperature", 0.0), kv("gen_ai.usage.input_tokens", tin),
                 kv("gen_ai.usage.output_tokens", tout), kv("gen_ai.response.finish_reasons", ["stop"]),
                 kv("gen_ai.response.id", "chatcmpl-%024x" % rng.getrandbits(96)),
                 kv("app.prediction.label", label), kv("app.prediction.confidence", round(conf, 4)),
                 kv("thread.name", "http-nio-8080-exec-%d" % rng.randint(1, 200))]
        spans.append({"traceId": trace, "spanId": span, "flags": 257, "name": "chat llama-3-8b", "kind": 3,
                      "startTimeUnixNano": str(t), "endTimeUnixNano": str(t + int(ms * 1e6)),
                      "attributes": attrs, "status": {}})
        lat.append(ms / 1000.0)
    return spans, lat


def resource(pod, service_version):
    return {"attributes": [kv("host.name", pod), kv("k8s.pod.name", pod), kv("service.name", "classifier"),
                           kv("service.version", service_version), kv("telemetry.sdk.language", "java"),
                           kv("telemetry.sdk.name", "opentelemetry"), kv("telemetry.sdk.version", "1.44.1")]}


def write_spans(path, batches):
    """batches: list of (resource, spans); written 50 spans per line in time order, like the file exporter."""
    lines = []
    for res, spans in batches:
        for i in range(0, len(spans), 50):
            lines.append((int(spans[i]["startTimeUnixNano"]), json.dumps(
                {"resourceSpans": [{"resource": res, "scopeSpans": [
                    {"scope": {"name": "io.opentelemetry.genai", "version": "2.10.0-alpha"},
                     "spans": spans[i:i + 50]}], "schemaUrl": "https://opentelemetry.io/schemas/1.24.0"}]},
                separators=(",", ":"))))
    lines.sort()
    with open(path, "w", encoding="ascii", newline="\n") as f:
        for _, line in lines:
            f.write(line + "\n")


def write_metrics(path, per_version):
    out = ["# HELP vllm:e2e_request_latency_seconds Histogram of end to end request latency in seconds.",
           "# TYPE vllm:e2e_request_latency_seconds histogram"]
    for version, lat in per_version:
        labels = 'model_name="llama-3-8b",version="%s"' % version
        for b in BOUNDS:
            out.append('vllm:e2e_request_latency_seconds_bucket{%s,le="%s"} %d' % (labels, b, sum(1 for x in lat if x <= b)))
        out.append('vllm:e2e_request_latency_seconds_bucket{%s,le="+Inf"} %d' % (labels, len(lat)))
        out.append("vllm:e2e_request_latency_seconds_sum{%s} %.6f" % (labels, sum(lat)))
        out.append("vllm:e2e_request_latency_seconds_count{%s} %d" % (labels, len(lat)))
    with open(path, "w", encoding="ascii", newline="\n") as f:
        f.write("\n".join(out) + "\n")


def rollout(name, seed, v2_drifts):
    rng = random.Random(seed)
    v1, l1 = requests(rng, "v1", 400, False, BASE_NS)
    v2, l2 = requests(rng, "v2", 400, v2_drifts, BASE_NS)
    write_spans(os.path.join(HERE, name + ".jsonl"),
                [(resource("classifier-7d9f-1", "1.8.2"), v1), (resource("classifier-84c1-1", "1.9.0"), v2)])
    write_metrics(os.path.join(HERE, name + "-metrics.prom"), [("v1", l1), ("v2", l2)])


def main():
    rollout("rollout", 20261120, True)
    rollout("clean-rollout", 20261121, False)
    rng = random.Random(20261113)
    spans, _ = requests(rng, "v1", 400, False, BASE_NS - 7 * 86400 * 10**9)
    write_spans(os.path.join(HERE, "baseline.jsonl"), [(resource("classifier-7d9f-1", "1.8.2"), spans)])
    print("wrote rollout, clean-rollout and baseline dumps to %s" % HERE)


if __name__ == "__main__":
    main()
